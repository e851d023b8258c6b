"""The `essaim` command line: thin shells over the services."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def _create_app() -> Flask:
    from wiki import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Essaim, the wiki of territoires d'expérimentation."""


users = click.Group("users", help="Manage accounts.")


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor")
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
        # Index now: a background thread would die with this short-lived command.
        from wiki.search import index

        target = index.target_for()
        while index.drain(target):
            pass
    click.echo(
        f"{count} demo pages loaded." if count else "The wiki already has pages: nothing loaded."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
    from wiki.search import cli as search_cli

    if hasattr(search_cli, "group"):
        app.cli.add_command(search_cli.group)
