"""`essaim notify …`: compose the mails that are due and send the queue (cron, systemd timer)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

group = click.Group("notify", help="Notification e-mails.")


@group.command("send")
@click.option("--limit", default=500, show_default=True, help="Mails sent at most in this run.")
@with_appcontext
def send(limit: int) -> None:
    """Queue the notification mails that are due (immediate, daily, weekly), then send the
    queue. Safe to run often and on several hosts at once: each mail is sent once."""
    from flask import current_app

    from wiki.social import digests, outbox

    if not current_app.config.get("PUBLIC_URL") and not current_app.config.get("SERVER_NAME"):
        click.echo(
            "Warning: ESSAIM_PUBLIC_URL is not set, the links in the mails lead to "
            "http://localhost. Set it to the address the public reaches.",
            err=True,
        )
    queued = digests.compose_all()
    outcome = outbox.deliver(limit)
    click.echo(
        f"{queued} mails composed, {outcome.sent} sent, {outcome.retried} to retry, "
        f"{outcome.failed} failed."
    )
    for error in outcome.errors[:20]:
        click.echo(f"  {error}", err=True)


@group.command("bounced")
@click.argument("address")
@with_appcontext
def bounced(address: str) -> None:
    """Mark an address refused (a bounce received later): no more mail is sent to it."""
    from sqlalchemy import func, select

    from wiki.extensions import db
    from wiki.models import User
    from wiki.social import outbox

    users = db.session.scalars(
        select(User).where(func.lower(User.email) == address.strip().lower())
    ).all()
    for user in users:
        outbox.mark_bounced(user.id, user.email, "bounce reported by an administrator")
    db.session.commit()
    click.echo(f"{len(users)} account(s) marked.")


@group.command("prune")
@click.option("--days", default=180, show_default=True, help="Keep what is younger than this.")
@with_appcontext
def prune(days: int) -> None:
    """Delete read notifications and sent mails older than --days (run it weekly)."""
    from wiki.social import outbox

    notifications, mails = outbox.prune(days)
    click.echo(f"{notifications} read notifications and {mails} sent mails deleted.")
