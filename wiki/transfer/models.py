"""Import batches: what each import wrote, so that it can be listed, repeated and undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models import Revision, User, utcnow


class ImportBatch(db.Model):
    """One run of `essaim import …`: its source, who ran it, its report, and whether undone."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # mediawiki | yeswiki | spreadsheet | essaim
    source: Mapped[str] = mapped_column(String(500))  # the file or folder name given
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the source's bytes
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    report: Mapped[str] = mapped_column(Text, default="{}")  # JSON: counts and skipped items

    user: Mapped[User | None] = relationship()


class ImportItem(db.Model):
    """One thing a batch wrote: a revision (with the source's key for it) or a redirect."""

    __tablename__ = "import_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="revision")  # revision | redirect
    # What identifies the item in its source (a MediaWiki revision id, a spreadsheet row's
    # content hash...): the same source imported again finds it and writes nothing.
    source_key: Mapped[str] = mapped_column(String(255), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    created_page: Mapped[bool] = mapped_column(Boolean, default=False)
    # For a redirect: the slug it answers (source_key holds it too, prefixed).
    slug: Mapped[str | None] = mapped_column(String(255))

    revision: Mapped[Revision | None] = relationship()
