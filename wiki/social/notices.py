"""Notifications: written in the transaction of what caused them, read in the site."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select, update

from wiki.extensions import db, read_rows
from wiki.models import Page, Revision, User, utcnow
from wiki.social import follows
from wiki.social.models import DiscussionMessage, Notification, NotificationSettings

PER_PAGE = 50


def mail_wanted(user_ids: list[int]) -> set[int]:
    """The accounts that get e-mail: a confirmed address, not refused by the mail server,
    and a mail mode other than "off" (daily digests when never chosen)."""
    if not user_ids:
        return set()
    rows = db.session.execute(
        select(
            User.id,
            User.email,
            NotificationSettings.mail_mode,
            NotificationSettings.bounced_address,
        )
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(User.id.in_(user_ids), User.email.is_not(None), User.email_confirmed_at.is_not(None))
    )
    return {
        user_id
        for user_id, email, mode, bounced in rows
        if email and (mode or "daily") != "off" and bounced != email
    }


def _write(recipients: dict[int, str], **fields) -> None:
    """One notification per recipient, in one statement (a theme may have thousands)."""
    if not recipients:
        return
    mailed = mail_wanted(list(recipients))
    now = utcnow()
    db.session.execute(
        insert(Notification),
        [
            {
                **fields,
                "user_id": user_id,
                "reason": reason,
                "created_at": now,
                "mail_state": "pending" if user_id in mailed else "none",
            }
            for user_id, reason in recipients.items()
        ],
    )


def record_revision(page: Page, revision: Revision) -> None:
    """Called by a save before its commit: tell the followers, and follow the edited page."""
    author = revision.author
    follows.follow_edited_page(author, page)
    if not page.public:
        return
    recipients = follows.followers_of(page, revision.author_id)
    _write(
        recipients,
        kind="created" if revision.number == 1 else "edit",
        page_id=page.id,
        revision_id=revision.id,
        actor_id=revision.author_id,
    )


def record_message(message: DiscussionMessage, mentioned: list[User]) -> None:
    """A discussion message: the page's followers, the author of the message answered, and
    the people mentioned (told as a mention even if they follow the page)."""
    page = db.session.get(Page, message.page_id)
    recipients = follows.followers_of(page, message.author_id)
    if message.parent_id:
        parent = db.session.get(DiscussionMessage, message.parent_id)
        if parent is not None and parent.author_id != message.author_id:
            recipients[parent.author_id] = "reply"
    _write(
        recipients,
        kind="message",
        page_id=page.id,
        message_id=message.id,
        actor_id=message.author_id,
    )
    record_mentions(message, mentioned)


def record_mentions(message: DiscussionMessage, mentioned: list[User]) -> None:
    """Tell the people named with @: a mention is its own notification, replacing the plain
    one of those who follow the page. No commit."""
    mentions = {u.id: "mention" for u in mentioned if u.id != message.author_id}
    if not mentions:
        return
    db.session.execute(
        update(Notification)
        .where(Notification.message_id == message.id, Notification.user_id.in_(list(mentions)))
        .values(kind="mention", reason="mention")
    )
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.message_id == message.id, Notification.kind == "mention"
            )
        )
    )
    _write(
        {uid: r for uid, r in mentions.items() if uid not in told},
        kind="mention",
        page_id=message.page_id,
        message_id=message.id,
        actor_id=message.author_id,
    )


def forget_mail(*, message_id: int) -> None:
    """Notifications of a hidden message are no longer to be mailed (no commit)."""
    db.session.execute(
        update(Notification)
        .where(Notification.message_id == message_id, Notification.mail_state == "pending")
        .values(mail_state="none")
    )


def unread_count(user: User) -> int:
    return read_rows(_UNREAD, {"user": user.id}).scalar() or 0


_UNREAD = select(func.count(Notification.id)).where(  # built once: every page of a signed-in person
    Notification.user_id == bindparam("user"), Notification.read_at.is_(None)
)


@dataclass
class Listing:
    notifications: list[Notification]
    number: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.number * PER_PAGE < self.total


def listing(user: User, number: int = 1, unread_only: bool = False) -> Listing:
    where = [Notification.user_id == user.id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count(Notification.id)).where(*where)) or 0
    rows = db.session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((number - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return Listing(list(rows), number, total)


def mark_read(user: User, notification_id: int | None = None) -> None:
    """Mark one notification (or all of them) read; another account's are left alone."""
    where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if notification_id is not None:
        where.append(Notification.id == notification_id)
    db.session.execute(update(Notification).where(*where).values(read_at=utcnow()))
    db.session.commit()


def find_own(user: User, notification_id: int) -> Notification | None:
    found = db.session.get(Notification, notification_id)
    return found if found is not None and found.user_id == user.id else None
