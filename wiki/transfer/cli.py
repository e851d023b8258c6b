"""`essaim import mediawiki|yeswiki|spreadsheet|essaim|list|undo`: shells over wiki.transfer."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from wiki.transfer.report import Report

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _account(name: str | None):
    from wiki.auth.service import find_user

    user = find_user(name) if name else None
    if name and user is None:
        raise click.ClickException(_("No account named %(name)s.", name=name))
    return user


def _options(link_accounts: bool):
    from wiki.transfer.writer import Options

    return Options(
        max_bytes=current_app.config["MAX_PAGE_BYTES"],
        seconds=current_app.config["SAVE_TIME_BUDGET"],
        link_accounts=link_accounts,
    )


@contextmanager
def _indexing_after():
    """Index once the import is done, in batches and before exiting (as `essaim import`)."""
    indexing = current_app.config["SEARCH_INDEXING"]
    current_app.config["SEARCH_INDEXING"] = "off"
    try:
        yield
    finally:
        current_app.config["SEARCH_INDEXING"] = indexing
    if indexing != "off":
        _index_queue()


def _index_queue() -> None:
    from sqlalchemy import func, select

    from wiki.extensions import db
    from wiki.models import IndexQueue
    from wiki.search import index

    queued = db.session.scalar(select(func.count()).select_from(IndexQueue)) or 0
    with click.progressbar(length=queued, label=_("Indexing")) as bar:
        index.drain_all(index.target_for(), bar.update)


def echo_report(batch_id: int | None, report: Report) -> None:
    click.echo(
        _(
            "Import %(id)s: pages created: %(created)s, updated: %(updated)s, unchanged: "
            "%(unchanged)s; items skipped: %(skipped)s; revisions written: %(revisions)s "
            "of %(read)s read.",
            id=batch_id if batch_id is not None else "—",
            created=len(set(report.created)),
            updated=len(set(report.updated)),
            unchanged=len(set(report.unchanged)),
            skipped=len(report.skipped),
            revisions=report.revisions,
            read=report.source_revisions,
        )
    )
    for item, why in report.skipped:
        click.echo("  " + _("skipped %(item)s: %(why)s", item=item, why=why), err=True)
    for item, what in report.notes:
        click.echo("  " + _("to check, %(item)s: %(what)s", item=item, what=what))
    if batch_id is not None and (report.created or report.updated):
        click.echo(_("To undo it: essaim import undo %(id)s", id=batch_id))


link_option = click.option(
    "--link-accounts",
    is_flag=True,
    help="Credit revisions to the account of the same name when there is one "
    "(default: the author's name only, which grants nothing).",
)
author_option = click.option("--by", "by", default=None, help="Account running the import.")


@click.command("mediawiki")
@click.argument("dump", type=EXISTING_FILE)
@click.option("--mapping", type=EXISTING_FILE, help="YAML: categories → themes, tags, type.")
@click.option("--files", "files_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--namespace", "namespaces", type=int, multiple=True, help="Also import it (4…).")
@link_option
@author_option
@with_appcontext
def mediawiki_command(dump, mapping, files_dir, namespaces, link_accounts, by):
    """Import a MediaWiki XML export (.xml, .xml.bz2, .xml.gz) with every revision."""
    from wiki.transfer import mapping as mapping_file
    from wiki.transfer.mediawiki import Settings, import_dump

    user = _account(by)
    try:
        rules = mapping_file.load(mapping)
    except mapping_file.MappingError as error:
        raise click.ClickException(str(error.message)) from error
    settings = Settings(
        namespaces={0, *namespaces},
        categories=rules.get("categories") or {},
        files_dir=files_dir,
        options=_options(link_accounts),
    )
    with _indexing_after():
        batch, report = import_dump(dump, settings, user)
    echo_report(batch.id, report)
    if report.skipped:
        raise SystemExit(1)


@click.command("essaim")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@link_option
@author_option
@with_appcontext
def essaim_command(folder, link_accounts, by):
    """Import a folder written by `essaim export --history`, with every revision."""
    from wiki.files import transfer as file_transfer
    from wiki.files.storage import storage
    from wiki.transfer.essaim import ExportError, import_export

    user = _account(by)
    file_transfer.import_files(storage(), folder, user)
    try:
        with _indexing_after():
            batch, report = import_export(folder, _options(link_accounts), user)
    except ExportError as error:
        raise click.ClickException(str(error.message)) from error
    echo_report(batch.id, report)
    if report.skipped:
        raise SystemExit(1)


@click.command("list")
@with_appcontext
def list_command():
    """List the imports, newest first."""
    from wiki.transfer.batches import all_batches

    rows = all_batches()
    if not rows:
        click.echo(_("No import yet."))
    for batch in rows:
        report = Report.from_json(batch.report)
        state = (
            _("undone on %(date)s", date=f"{batch.undone_at:%Y-%m-%d %H:%M}")
            if batch.undone_at
            else (_("done") if batch.finished_at else _("interrupted"))
        )
        click.echo(
            _(
                "%(id)s  %(date)s  %(kind)s  %(source)s  pages created: %(created)s, updated: "
                "%(updated)s; revisions: %(revisions)s; skipped: %(skipped)s  (%(state)s)",
                id=batch.id,
                date=f"{batch.created_at:%Y-%m-%d %H:%M}",
                kind=batch.kind,
                source=batch.source,
                created=len(set(report.created)),
                updated=len(set(report.updated)),
                revisions=report.revisions,
                skipped=len(report.skipped),
                state=state,
            )
        )


@click.command("undo")
@click.argument("batch_id", type=int)
@with_appcontext
def undo_command(batch_id: int):
    """Undo import BATCH_ID: its revisions hidden, the pages it created deleted (kept aside)."""
    from wiki.transfer import batches

    batch = batches.get_batch(batch_id)
    if batch is None:
        raise click.ClickException(_("There is no import %(id)s.", id=batch_id))
    try:
        with _indexing_after():
            hidden, deleted = batches.undo(batch)
    except batches.BatchError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(
        _(
            "Import %(id)s undone: revisions hidden: %(hidden)s, pages deleted: %(deleted)s.",
            id=batch_id,
            hidden=hidden,
            deleted=deleted,
        )
    )


@click.command("spreadsheet")
@click.argument("table", type=EXISTING_FILE)
@click.option(
    "--mapping", type=EXISTING_FILE, help="YAML: columns → title, front matter, sections."
)
@click.option("--dry-run", is_flag=True, help="Show what would be done, write nothing.")
@click.option("--encoding", default=None, help="Of a CSV file (default: UTF-8, else Windows-1252).")
@click.option("--sheet", default=None, help="Of an .xlsx workbook (default: the active one).")
@link_option
@author_option
@with_appcontext
def spreadsheet_command(table, mapping, dry_run, encoding, sheet, link_accounts, by):
    """Import a CSV or XLSX table, one experience per row (--dry-run: a preview)."""
    from wiki.transfer import mapping as mapping_file
    from wiki.transfer import spreadsheet

    user = _account(by)
    try:
        rules = mapping_file.load(mapping)
        if dry_run:
            _preview(spreadsheet, table, rules, encoding, sheet)
            return
        with _indexing_after():
            batch, report = spreadsheet.import_sheet(
                table, rules, _options(link_accounts), user, encoding, sheet
            )
    except (mapping_file.MappingError, spreadsheet.SheetError) as error:
        raise click.ClickException(str(error.message)) from error
    echo_report(batch.id, report)
    if report.skipped:
        raise SystemExit(1)


def _preview(spreadsheet, table: Path, rules: dict, encoding, sheet) -> None:
    content = spreadsheet.read(table, encoding, sheet)
    layout = spreadsheet.plan(content.headers, rules)
    if content.delimiter:
        click.echo(
            _(
                "Read as %(encoding)s, columns separated by “%(delimiter)s”.",
                encoding=content.encoding,
                delimiter=content.delimiter,
            )
        )
    click.echo(_("Columns:"))
    for header, target in layout.columns.items():
        click.echo(f"  {header} → {target}")
    for header in layout.unused:
        click.echo("  " + _("%(header)s: not used", header=header))
    counts = {"create": 0, "update": 0, "unchanged": 0, "skip": 0}
    words = {
        "create": _("would be created"),
        "update": _("would be updated"),
        "unchanged": _("unchanged"),
        "skip": _("skipped"),
    }
    for row in spreadsheet.rows(content, layout, ""):
        counts[row.action] += 1
        why = f" ({row.why})" if row.why else ""
        click.echo(
            _(
                "Row %(number)s “%(title)s”: %(action)s",
                number=row.number,
                title=row.title or "—",
                action=words[row.action],
            )
            + why
        )
        for note in row.notes:
            click.echo("    " + note)
    click.echo(
        _(
            "Preview: %(create)s to create, %(update)s to update, %(unchanged)s unchanged, "
            "%(skip)s skipped. Nothing was written.",
            **counts,
        )
    )


@click.command("yeswiki")
@click.argument("sources", nargs=-1, required=True, type=EXISTING_FILE)
@click.option("--mapping", type=EXISTING_FILE, help="YAML: Bazar fields → front matter, sections.")
@click.option("--files", "files_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@link_option
@author_option
@with_appcontext
def yeswiki_command(sources, mapping, files_dir, link_accounts, by):
    """Import YesWiki pages and Bazar entries saved from its API as JSON files."""
    from wiki.transfer import mapping as mapping_file
    from wiki.transfer.yeswiki import import_files

    user = _account(by)
    try:
        rules = mapping_file.load(mapping)
    except mapping_file.MappingError as error:
        raise click.ClickException(str(error.message)) from error
    with _indexing_after():
        batch, report = import_files(list(sources), rules, _options(link_accounts), user, files_dir)
    echo_report(batch.id, report)
    if report.skipped:
        raise SystemExit(1)


COMMANDS = [
    mediawiki_command,
    yeswiki_command,
    spreadsheet_command,
    essaim_command,
    list_command,
    undo_command,
]
