"""The commands of `essaim` (registered on app.cli): thin shells over the services."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

users = click.Group("users", help="Manage accounts.")


@users.command("create")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["contributor", "moderator", "administrator", "editor", "admin"]),
    default="contributor",
    help="editor and admin are the old names of contributor and administrator.",
)
@click.option("--email", default=None)
@click.password_option(help="Prompted for (twice) when not given.")
@with_appcontext
def users_create(name: str, role: str, email: str | None, password: str) -> None:
    """Create an account (use --role admin for an administrator)."""
    from wiki.auth import service

    try:
        user = service.create_user(name, password, email=email, role=role)
    except service.AccountError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Created {user.username} ({user.role}).")


@click.command("demo")
@click.option("--force", is_flag=True, help="Load even if pages already exist.")
@with_appcontext
def demo(force: bool) -> None:
    """Load the demo experiences (once: does nothing when the wiki has pages)."""
    from wiki.demo import load_demo

    count = load_demo(force=force, echo=click.echo)
    if count:
        _index_queue("Indexing")  # now: a background thread would die with this command
    click.echo(
        f"{count} demo pages loaded." if count else "The wiki already has pages: nothing loaded."
    )


def _index_queue(label: str) -> None:
    from sqlalchemy import func, select

    from wiki.extensions import db
    from wiki.models import IndexQueue
    from wiki.search import index

    queued = db.session.scalar(select(func.count()).select_from(IndexQueue)) or 0
    with click.progressbar(length=queued, label=label) as bar:
        index.drain_all(index.target_for(), bar.update)


class ImportGroup(click.Group):
    """`essaim import FOLDER` (Markdown files, as always) beside `essaim import mediawiki …`:
    a first word that is not a sub-command is the folder of the Markdown import."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands:
            return "markdown", self.commands["markdown"], args
        return super().resolve_command(ctx, args)


import_group = ImportGroup(
    "import",
    help="Import pages: a folder of Markdown files (essaim import FOLDER), a MediaWiki or "
    "YesWiki export, a spreadsheet, an Essaim export; list and undo imports.",
    context_settings={"ignore_unknown_options": True},
)


@click.command("markdown")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--author", default=None, help="Account the revisions are credited to.")
@click.option("--comment", default="Import", show_default=True)
@with_appcontext
def import_command(folder: Path, author: str | None, comment: str) -> None:
    """Import every Markdown file of FOLDER as a page (or a new revision of it)."""
    from flask import current_app

    from wiki.auth.service import find_user
    from wiki.pages import transfer

    user = find_user(author) if author else None
    if author and user is None:
        raise click.ClickException(f"No account named {author}.")
    from wiki.files import transfer as file_transfer
    from wiki.files.storage import storage

    # Files first: the pages that show them are then rendered with them.
    file_report = file_transfer.import_files(storage(), folder, user)
    files = transfer.markdown_files(folder)
    # Index after the import, in batches and before exiting: a background thread would die with
    # this command and leave pages out of the index (issue 9, defect 6).
    indexing = current_app.config["SEARCH_INDEXING"]
    current_app.config["SEARCH_INDEXING"] = "off"
    try:
        with click.progressbar(length=len(files), label="Importing") as bar:
            report = transfer.import_folder(
                folder,
                user,
                comment,
                current_app.config["MAX_PAGE_BYTES"],
                lambda _p: bar.update(1),
            )
    finally:
        current_app.config["SEARCH_INDEXING"] = indexing
    if indexing != "off":
        _index_queue("Indexing")
    click.echo(
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.refused)} refused."
    )
    for name, why in report.refused:
        click.echo(f"  refused {name}: {why}", err=True)
    if file_report.found:
        click.echo(
            f"{len(file_report.created)} files created, {len(file_report.unchanged)} unchanged, "
            f"{len(file_report.refused)} refused."
        )
    for name, why in file_report.refused:
        click.echo(f"  refused {name}: {why}", err=True)
    if report.refused or file_report.refused:
        raise SystemExit(1)


class _ExportGroup(click.Group):
    """`essaim export html DIR|FILE.zip`, and still `essaim export FOLDER` (Markdown) as before."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and args[0] != "--help":
            return "markdown", self.commands["markdown"], args
        return super().resolve_command(ctx, args)


@click.group("export", cls=_ExportGroup, context_settings={"ignore_unknown_options": True})
def export_command() -> None:
    """Export the wiki: `export FOLDER` (Markdown) or `export html DIR|FILE.zip` (offline copy)."""


@export_command.command("markdown")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--history", is_flag=True, help="Also write every visible revision.")
@with_appcontext
def export_markdown(folder: Path, history: bool) -> None:
    """Write every page to FOLDER as Markdown, with an index.json."""
    from sqlalchemy import func, select

    from wiki.extensions import db
    from wiki.models import Page
    from wiki.pages import transfer

    total = db.session.scalar(select(func.count(Page.id)))
    with click.progressbar(length=total, label="Exporting") as bar:
        count = transfer.export_folder(folder, history, lambda _p: bar.update(1))
    click.echo(f"{count} pages written to {folder}.")
    from wiki.files import transfer as file_transfer
    from wiki.files.storage import storage

    files = file_transfer.export_files(storage(), folder)
    if files:
        click.echo(f"{files} files written to {folder / file_transfer.FOLDER}.")


@export_command.command("html")
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--theme", default=None, help="Only the experiences of this theme.")
@click.option("--tag", default=None, help="Only the pages with this tag (a festival's tag).")
@with_appcontext
def export_html(target: Path, theme: str | None, tag: str | None) -> None:
    """Write a static copy that works without network (folder, or FILE.zip)."""
    from flask import current_app

    from wiki.festival import offline
    from wiki.festival.contents import Criteria, choose

    if target.suffix.lower() != ".zip" and target.exists() and any(target.iterdir()):
        raise click.ClickException(f"{target} is not empty: choose a new folder or a .zip file.")
    if theme or tag:
        from werkzeug.datastructures import MultiDict

        chosen = Criteria.from_args(MultiDict({"theme": theme or "", "tag": tag or ""}))
        pages = choose(chosen, limit=100_000).pages
    else:
        from sqlalchemy import select

        from wiki.extensions import db
        from wiki.models import Page

        pages = list(db.session.scalars(select(Page).order_by(Page.title)))
    # Links and QR codes of the copy lead to the public address (ESSAIM_PUBLIC_URL).
    server = current_app.config.get("PUBLIC_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=server):
        with click.progressbar(length=len(pages), label="Exporting") as bar:
            result = offline.export(pages, target, progress=lambda _p: bar.update(1))
    click.echo(f"{result.pages} pages and {result.media} images written to {target}.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a backup of the database and the uploaded files to FILE (.tar.gz).

    Saves may go on meanwhile: the archive holds every save acknowledged before it started.
    The search index is not saved: `essaim restore` rebuilds it.
    """
    from flask import current_app

    from wiki.extensions import db
    from wiki.ops import backup

    try:
        manifest = backup.backup(db.engine, current_app.config["DATA_DIR"], file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {file} ({manifest.database}, {manifest.files} files).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore FILE (made by `essaim backup`) into an empty database and data dir, then
    bring the schema up to date and rebuild the search index."""
    from flask import current_app
    from flask_migrate import upgrade

    from wiki.extensions import db
    from wiki.ops import backup
    from wiki.search import index

    try:
        manifest = backup.restore(db.engine, current_app.config["DATA_DIR"], file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    db.session.remove()
    db.engine.dispose()
    upgrade()
    count = index.rebuild(index.target_for())
    click.echo(
        f"Restored the backup of {manifest.created_at} ({manifest.files} files); "
        f"search index rebuilt: {count} pages."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
    from wiki.transfer.cli import COMMANDS

    import_group.add_command(import_command)
    for command in COMMANDS:
        import_group.add_command(command)
    app.cli.add_command(import_group)
    app.cli.add_command(export_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from wiki.social import cli as social_cli

    app.cli.add_command(social_cli.group)
    from wiki.search import cli as search_cli

    if hasattr(search_cli, "group"):
        app.cli.add_command(search_cli.group)
