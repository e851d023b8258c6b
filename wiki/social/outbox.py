"""The outgoing mail queue: mails are written in the database, then sent by
`essaim notify send`, never in a request.

Several senders may run at once (a timer on each host, a run by hand): each takes a mail by
a conditional UPDATE (state "pending" → "sending" with its own token), which only one of
them can win, so a mail is handed to the SMTP server once. A sender that dies while holding
mails lets them go after CLAIM_LEASE. A refused address (5xx) is marked bounced and its
other mails dropped; any other failure is tried again later, up to MAX_ATTEMPTS times.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from wiki import mail
from wiki.extensions import db
from wiki.models import User, utcnow
from wiki.social.follows import stored_settings
from wiki.social.models import Notification, OutgoingMail

CLAIM_LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 8


def enqueue(
    to: str,
    subject: str,
    body: str,
    *,
    kind: str,
    user_id: int | None = None,
    reply_to: str | None = None,
    unsubscribe_url: str | None = None,
) -> OutgoingMail:
    """Queue a mail (part of the caller's transaction: no commit here)."""
    row = OutgoingMail(
        to_address=to,
        subject=subject[:255],
        body=body,
        kind=kind,
        user_id=user_id,
        reply_to=reply_to,
        unsubscribe_url=unsubscribe_url,
        state="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    return row


@dataclass
class Delivery:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _claimable(now):
    return or_(
        and_(OutgoingMail.state == "pending", OutgoingMail.next_attempt_at <= now),
        and_(OutgoingMail.state == "sending", OutgoingMail.claimed_at < now - CLAIM_LEASE),
    )


def claim(limit: int = 100) -> list[OutgoingMail]:
    """Take up to `limit` mails for this sender; another sender running at once gets others."""
    now = utcnow()
    candidates = select(OutgoingMail.id).where(_claimable(now)).order_by(OutgoingMail.id)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.scalars(candidates.limit(limit)).all()
    token = secrets.token_hex(16)
    won = []
    for mail_id in ids:
        result = db.session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == mail_id, _claimable(now))
            .values(
                state="sending",
                claim_token=token,
                claimed_at=now,
                attempts=OutgoingMail.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            won.append(mail_id)
    db.session.commit()
    return list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(won))))


def deliver(limit: int = 100) -> Delivery:
    """Send what is due; each mail's outcome is committed as soon as it is known."""
    outcome = Delivery()
    for row in claim(limit):
        headers = {}
        if row.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
        try:
            mail.send(row.to_address, row.subject, row.body, reply_to=row.reply_to, headers=headers)
        except mail.MailError as error:
            _failed(row, error, outcome)
        else:
            _finish(row, state="sent", sent_at=utcnow(), last_error=None)
            outcome.sent += 1
        db.session.commit()
    return outcome


def _finish(row: OutgoingMail, **values) -> None:
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == row.id, OutgoingMail.claim_token == row.claim_token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _failed(row: OutgoingMail, error: mail.MailError, outcome: Delivery) -> None:
    outcome.errors.append(f"{row.to_address}: {error}")
    if error.permanent:
        _finish(row, state="failed", last_error=str(error)[:2000])
        if row.user_id is not None:
            mark_bounced(row.user_id, row.to_address, str(error))
        outcome.failed += 1
    elif error.unsendable or row.attempts >= MAX_ATTEMPTS:
        _finish(row, state="failed", last_error=str(error)[:2000])
        outcome.failed += 1
    else:
        wait = timedelta(minutes=2 ** min(row.attempts, 10))
        _finish(row, state="pending", next_attempt_at=utcnow() + wait, last_error=str(error)[:2000])
        outcome.retried += 1


def mark_bounced(user_id: int, address: str, reason: str) -> None:
    """The address is refused: no more mail to it (the site says so to the person), and its
    mails still waiting are dropped. No commit: the caller's."""
    settings = stored_settings(db.session.get(User, user_id))
    already = settings.bounced_address == address
    settings.bounced_address = address
    settings.bounced_at = utcnow()
    settings.bounce_reason = reason[:500]
    if not already:  # the header counter tells the person at their next visit
        db.session.add(Notification(user_id=user_id, kind="bounce", reason="", mail_state="none"))
    db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.user_id == user_id,
            OutgoingMail.to_address == address,
            OutgoingMail.state == "pending",
        )
        .values(state="failed", last_error="address refused earlier")
        .execution_options(synchronize_session=False)
    )


def prune(days: int) -> tuple[int, int]:
    """Forget read notifications and sent or failed mails older than `days` (the tables
    would grow for ever otherwise). Unread notifications and pending mails stay."""
    from sqlalchemy import delete

    from wiki.social.models import Notification

    before = utcnow() - timedelta(days=days)
    notifications = db.session.execute(
        delete(Notification).where(
            Notification.read_at.is_not(None),
            Notification.created_at < before,
            Notification.mail_state != "pending",
        )
    ).rowcount
    mails = db.session.execute(
        delete(OutgoingMail).where(
            OutgoingMail.state.in_(("sent", "failed")), OutgoingMail.created_at < before
        )
    ).rowcount
    db.session.commit()
    return notifications, mails
