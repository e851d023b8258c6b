"""The social tables: follows, notifications, the outgoing mail queue, discussion messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models import Page, User, utcnow

# What can be followed; `target` holds a page id, a theme slug, a territory key or a user id.
FOLLOW_KINDS = ("page", "theme", "territory", "person")
# How an account wants its e-mail: never, at each run of `essaim notify send`, or in a digest.
MAIL_MODES = ("off", "immediate", "daily", "weekly")


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "kind", "target", name="uq_follows_user_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Index("ix_follows_kind_target", Follow.kind, Follow.target)


class NotificationSettings(db.Model):
    """An account's choices and the state of its address (a row appears at the first change)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    follow_edited: Mapped[bool] = mapped_column(Boolean, default=True)
    mail_mode: Mapped[str] = mapped_column(String(16), default="daily")
    accept_contact: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised at each unsubscription: older unsubscribe links are then recognised as used.
    unsubscribe_version: Mapped[int] = mapped_column(Integer, default=0)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The address was refused by the mail server: no more mail until the person changes it.
    bounced_address: Mapped[str | None] = mapped_column(String(255))
    bounced_at: Mapped[datetime | None] = mapped_column(DateTime)
    bounce_reason: Mapped[str | None] = mapped_column(String(500))


class Notification(db.Model):
    """Something that happened to what an account follows; read in the site, maybe mailed."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # created | edit | message | mention
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_messages.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(80), default="")  # page | theme:x | person…
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    # pending: to be mailed by `essaim notify send`; queued: in a mail; none: not for mail.
    mail_state: Mapped[str] = mapped_column(String(8), default="none")

    page: Mapped[Page | None] = relationship(lazy="joined")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")


Index("ix_notifications_user_read", Notification.user_id, Notification.read_at)
Index("ix_notifications_mail_state", Notification.mail_state, Notification.user_id)


class OutgoingMail(db.Model):
    """A mail waiting for `essaim notify send`: claimed by one sender, retried, sent once."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(String(255))
    reply_to: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(16))  # notification | digest | contact
    # pending → sending (claimed) → sent | failed
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Index("ix_outgoing_mail_state_next", OutgoingMail.state, OutgoingMail.next_attempt_at)


class DiscussionMessage(db.Model):
    """A message of a page's discussion, in Markdown, answering another one or not."""

    __tablename__ = "discussion_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_messages.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class ContactRefusal(db.Model):
    """An address written as a page's contact that declined messages from readers."""

    __tablename__ = "contact_refusals"

    address: Mapped[str] = mapped_column(String(255), primary_key=True)  # lower-case
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Inspiration(db.Model):
    """A page's `inspire_par:` entry (derived from its current text at each save)."""

    __tablename__ = "inspirations"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    source_slug: Mapped[str] = mapped_column(String(255), index=True)
    source_title: Mapped[str] = mapped_column(String(255))
