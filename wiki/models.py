"""SQLAlchemy models: the database is the only source of truth of Essaim."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="editor")  # editor | admin
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Page(db.Model):
    """A page and the metadata derived from its current revision (recomputed at every save)."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    short_code: Mapped[str] = mapped_column(String(16), unique=True)
    current_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_pages_current_id_revisions")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    # Derived from the front matter of the current revision (wiki.content).
    type: Mapped[str] = mapped_column(String(20), default="page", index=True)
    territory: Mapped[str | None] = mapped_column(String(255))
    insee: Mapped[str | None] = mapped_column(String(5), index=True)
    scale: Mapped[str | None] = mapped_column(String(32))
    setting: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(32))
    started: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    # Loaded on access: listings of thousands of pages must not drag every full text along.
    current: Mapped[Revision | None] = relationship(foreign_keys=[current_id], post_update=True)
    themes: Mapped[list[PageTheme]] = relationship(
        cascade="all, delete-orphan", order_by="PageTheme.theme"
    )
    tags: Mapped[list[PageTag]] = relationship(cascade="all, delete-orphan", order_by="PageTag.tag")
    statements: Mapped[list[Statement]] = relationship(
        cascade="all, delete-orphan", order_by="(Statement.kind, Statement.position)"
    )


class Revision(db.Model):
    """One immutable state of a page: full text, never updated in place (only hidden)."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("page_id", "number", name="uq_revisions_page_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    page: Mapped[Page] = relationship(foreign_keys=[page_id])
    author: Mapped[User | None] = relationship(lazy="joined")
    parent: Mapped[Revision | None] = relationship(remote_side=[id])


class SlugRedirect(db.Model):
    """An old slug of a renamed page: answered with a 301 forever."""

    __tablename__ = "slug_redirects"

    slug: Mapped[str] = mapped_column(String(255), primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Link(db.Model):
    """A wiki link from a page's current text to a title (the target may not exist yet)."""

    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("source_id", "target_slug", name="uq_links_source_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    target_slug: Mapped[str] = mapped_column(String(255), index=True)
    target_title: Mapped[str] = mapped_column(String(255))


class Theme(db.Model):
    """The managed theme vocabulary, editable by admins."""

    __tablename__ = "themes"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    label_fr: Mapped[str] = mapped_column(String(128))
    label_en: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)


class PageTheme(db.Model):
    __tablename__ = "page_themes"

    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class PageTag(db.Model):
    __tablename__ = "page_tags"

    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)


class Statement(db.Model):
    """A lever, obstacle or replication hint extracted from a page's sections (derived data)."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # lever | obstacle | replicate
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(255), index=True)  # normalised wording


class IndexQueue(db.Model):
    """Pages whose search document must be rewritten: written in the save's transaction."""

    __tablename__ = "index_queue"

    page_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class RateLimit(db.Model):
    """A rate-limit counter shared by every worker and host (wiki/ratelimits.py)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # end of the window (epoch s)


class StatementGroupPin(db.Model):
    """A moderator's choice of group for one statement (merge or split of recurring groups).

    Statements are rebuilt at every save, so the choice names the statement by its page and its
    normalised wording: it holds as long as the page says the same thing.
    """

    __tablename__ = "statement_groups"
    __table_args__ = (
        UniqueConstraint("kind", "page_id", "key", name="uq_statement_groups_statement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(255))
    group_code: Mapped[str] = mapped_column(String(32), index=True)
    chosen_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SavedSelection(db.Model):
    """A selection of experiences (wiki.knowledge.selection) an account keeps under a name."""

    __tablename__ = "saved_selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(Text)  # its URL arguments, as /compare reads them
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
