"""Files of the wiki: a name, its immutable versions, and which pages use it (derived)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models import User, utcnow


class File(db.Model):
    """A name pages refer to (``![…](fichier:verger.jpg)``); its content lives in versions."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # image | document
    current_id: Mapped[int | None] = mapped_column(
        ForeignKey("file_versions.id", use_alter=True, name="fk_files_current_id_file_versions")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    current: Mapped[FileVersion | None] = relationship(
        foreign_keys=[current_id], post_update=True, lazy="joined"
    )


class FileVersion(db.Model):
    """One uploaded content of a file, never changed (moderators can only hide it).

    ``sha256`` names the stored blob (content-addressed): the cleaned original of an image
    (orientation applied, EXIF and other metadata removed), the document as sent otherwise.
    """

    __tablename__ = "file_versions"
    __table_args__ = (UniqueConstraint("file_id", "number", name="uq_file_versions_file_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    thumbnail_widths: Mapped[str] = mapped_column(String(100), default="")  # "320,640,1280"
    alt: Mapped[str] = mapped_column(String(500), default="")
    credit: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(32), default="CC-BY-SA-4.0")
    comment: Mapped[str] = mapped_column(String(500), default="")
    original_name: Mapped[str] = mapped_column(String(255), default="")
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    file: Mapped[File] = relationship(foreign_keys=[file_id])
    uploader: Mapped[User | None] = relationship(foreign_keys=[uploader_id], lazy="joined")
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])

    @property
    def widths(self) -> list[int]:
        return [int(w) for w in self.thumbnail_widths.split(",") if w]


class FileUse(db.Model):
    """A file named in a page's current text (derived at every save, like links)."""

    __tablename__ = "file_uses"

    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(160), primary_key=True, index=True)
