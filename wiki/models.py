"""SQLAlchemy models: the database is the only source of truth of Essaim."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # login name
    display_name: Mapped[str | None] = mapped_column(String(80))  # shown in histories
    email: Mapped[str | None] = mapped_column(String(255))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    password_hash: Mapped[str] = mapped_column(String(255))
    # contributor | moderator | administrator (readers are anonymous visitors)
    role: Mapped[str] = mapped_column(String(16), default="contributor")
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Blocked accounts: open sessions stop at their next request (see wiki.auth.sessions).
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)  # None: until unblocked
    blocked_reason: Mapped[str | None] = mapped_column(String(500))
    # Flagged by a moderator: every edit waits in the review queue.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)

    # The server-side session this object was loaded through (set by the user loader).
    session_token = None  # type: str | None

    def get_id(self) -> str:
        # Flask-Login keeps this in the session and remember cookies: a revocable session.
        return f"{self.id}:{self.session_token or ''}"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "administrator")

    @property
    def is_blocked(self) -> bool:
        if self.blocked_at is None:
            return False
        return self.blocked_until is None or self.blocked_until > utcnow()


class UserSession(db.Model):
    """A logged-in browser: the cookie holds a random token, the server only its hash."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class AuditEntry(db.Model):
    """One act of moderation or administration: written once, never changed nor deleted."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20))  # user | page | revision | edit
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(255), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(lazy="joined")


class PendingEdit(db.Model):
    """An edit waiting in the review queue: it becomes a revision only once approved."""

    __tablename__ = "pending_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)
    slug: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")  # why it waits
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class SiteSetting(db.Model):
    """Settings administrators change from the site (challenge question, blocked words)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ApiToken(db.Model):
    """A personal API token: only its SHA-256 is kept (the token is shown once, at creation)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to recognise it
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(8), default="read")  # read | write
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


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
    insee: Mapped[str | None] = mapped_column(String(5), index=True)  # when a commune
    # The territory at any scale: its level ("commune", "epci", "department", "region"), its
    # official code, and the EPCI, department and region it is or lies in (wiki.content.cog).
    territory_level: Mapped[str | None] = mapped_column(String(12))
    territory_code: Mapped[str | None] = mapped_column(String(12), index=True)
    epci: Mapped[str | None] = mapped_column(String(9), index=True)
    department: Mapped[str | None] = mapped_column(String(3), index=True)
    region: Mapped[str | None] = mapped_column(String(3), index=True)

    @property
    def territory_key(self) -> str | None:
        """Its territory's address under /territories/ ("59491", "departement-15"), if coded."""
        prefix = {"department": "departement-", "region": "region-"}.get(self.territory_level, "")
        return f"{prefix}{self.territory_code}" if self.territory_code else None

    scale: Mapped[str | None] = mapped_column(String(32))
    setting: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(32))
    started: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    # Moderation. `public` is false when the page is deleted or its only text is hidden:
    # every listing filters on it.
    public: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    protected_until: Mapped[datetime | None] = mapped_column(DateTime)

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
    # The author of an imported revision who has no account here (a MediaWiki contributor):
    # credited by name, which grants nothing and reserves no user name (wiki.transfer).
    author_name: Mapped[str | None] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # the text
    comment_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    author_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    patrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    patrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    page: Mapped[Page] = relationship(foreign_keys=[page_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    parent: Mapped[Revision | None] = relationship(remote_side=[id])

    @property
    def author_label(self) -> str | None:
        """The name shown for the author: the account's, else the imported name."""
        return self.author.username if self.author else self.author_name


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


class Change(db.Model):
    """One change to a page, written in the change's transaction; ids grow with time.

    Each host's search index follows this log from the last change it applied
    (wiki/search/changes.py), so several hosts can share one database.
    """

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    page_id: Mapped[int] = mapped_column(Integer, index=True)
    revision_id: Mapped[int | None] = mapped_column(Integer)  # the page's current one then
    kind: Mapped[str] = mapped_column(String(16))  # save | hide | migrate
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PrunedChanges(db.Model):
    """How far the change log was pruned (one row): a host whose index applied less than
    `upto` cannot follow the log any more and rebuilds its index from the pages."""

    __tablename__ = "changes_pruned"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    upto: Mapped[int] = mapped_column(BigInteger, default=0)  # highest change id removed
    pruned_at: Mapped[datetime | None] = mapped_column(DateTime)


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


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _audit_entries_are_never_changed(mapper, connection, target):
    raise AuditLogIsAppendOnly("The audit log is written once and never changed.")


class SearchSynonyms(db.Model):
    """One saved version of the search's synonyms list (the newest is in use)."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ShortAlias(db.Model):
    """A memorable short link (/s/verger-saint-julien) chosen by an editor: given for ever,
    never deleted nor moved to another page, so printed posters keep leading to their page."""

    __tablename__ = "short_aliases"

    alias: Mapped[str] = mapped_column(String(64), primary_key=True)
    # What the alias looks like (0/o, 1/l, rn/m… folded): unique, so no two read alike.
    skeleton: Mapped[str] = mapped_column(String(64), unique=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


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
