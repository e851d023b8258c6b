"""Import batches: open one per import, list them, and undo one (hide, soft-delete)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, text

from wiki.extensions import db
from wiki.files.models import File, FileVersion
from wiki.models import Page, Revision, SlugRedirect, User, utcnow
from wiki.moderation.service import refresh_public
from wiki.pages import derived
from wiki.search import changes
from wiki.search.queue import enqueue
from wiki.transfer.models import ImportBatch, ImportItem
from wiki.transfer.report import Report


class BatchError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def fingerprint(paths: Iterable[Path]) -> str:
    """SHA-256 of the source files' bytes, read in blocks (a dump may be gigabytes)."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def open_batch(kind: str, source: str, fingerprint: str, user: User | None) -> ImportBatch:
    batch = ImportBatch(
        kind=kind, source=source[:500], fingerprint=fingerprint, user_id=user.id if user else None
    )
    db.session.add(batch)
    db.session.commit()
    return batch


def close_batch(batch: ImportBatch, report: Report) -> None:
    batch.report = report.to_json()
    batch.finished_at = utcnow()
    db.session.commit()
    _advance_sequences()


SEQUENCE_RESETS = tuple(
    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
    for table in ("pages", "revisions")
)


def _advance_sequences() -> None:
    """Imported pages and revisions may keep their ids (permalinks): PostgreSQL's sequences
    must then move past them, or the next save would take an id already used."""
    if db.engine.dialect.name != "postgresql":
        return
    # The statements are constants (no value from outside reaches them).
    for statement in SEQUENCE_RESETS:
        db.session.execute(text(statement))
    db.session.commit()


def all_batches() -> list[ImportBatch]:
    return list(db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())))


def get_batch(batch_id: int) -> ImportBatch | None:
    return db.session.get(ImportBatch, batch_id)


def undo(batch: ImportBatch) -> tuple[int, int]:
    """Hide the batch's revisions and soft-delete the pages it created, in one transaction.

    A page the batch only added to goes back to its newest revision from before (or after:
    a later edit made here stays current). Returns (revisions hidden, pages deleted).
    """
    if batch.undone_at is not None:
        raise BatchError(_l("Import %(id)s was already undone.", id=batch.id))
    items = list(db.session.scalars(select(ImportItem).where(ImportItem.batch_id == batch.id)))
    revision_ids = {i.revision_id for i in items if i.revision_id}
    created = {i.page_id for i in items if i.created_page and i.page_id}
    touched = {i.page_id for i in items if i.page_id}
    now = utcnow()
    hidden = 0
    for revision in db.session.scalars(select(Revision).where(Revision.id.in_(revision_ids))):
        revision.hidden = True
        hidden += 1
    for item in items:
        if item.kind == "redirect" and item.slug:
            db.session.execute(delete(SlugRedirect).where(SlugRedirect.slug == item.slug))
        elif item.kind == "file" and item.slug:
            _hide_file(item.slug)
    for page in db.session.scalars(select(Page).where(Page.id.in_(touched))):
        if page.id in created:
            page.deleted_at = now
        elif page.current_id in revision_ids:
            _back_to_visible(page)
        refresh_public(page)  # moderation's flag, read by every listing
    db.session.flush()
    enqueue(db.session, touched)
    changes.record(db.session, touched, "undo")  # other hosts drop or restore them too
    batch.undone_at = now
    db.session.commit()
    return hidden, len(created)


def _hide_file(name: str) -> None:
    file = db.session.scalar(select(File).where(File.name == name))
    if file is not None:
        for version in db.session.scalars(
            select(FileVersion).where(FileVersion.file_id == file.id)
        ):
            version.hidden = True


def _back_to_visible(page: Page) -> None:
    previous = db.session.scalar(
        select(Revision)
        .where(Revision.page_id == page.id, Revision.hidden.is_(False))
        .order_by(Revision.number.desc())
        .limit(1)
    )
    if previous is None:  # nothing of its own left: as if created by the batch
        page.deleted_at = utcnow()
        return
    page.current_id = previous.id
    page.updated_at = previous.created_at
    db.session.flush()
    derived.refresh(page, derived.parse(previous.text))


def record_redirect(batch: ImportBatch, slug: str, page: Page) -> bool:
    """An old name of a page (a MediaWiki redirect) answers 301 to it, unless the slug is used."""
    if db.session.get(SlugRedirect, slug) is not None:
        return False
    if db.session.scalar(select(Page.id).where(Page.slug == slug)) is not None:
        return False
    db.session.add(SlugRedirect(slug=slug, page_id=page.id))
    db.session.add(
        ImportItem(
            batch_id=batch.id,
            kind="redirect",
            source_key=f"redirect:{slug}"[:255],
            page_id=page.id,
            slug=slug,
        )
    )
    db.session.commit()
    return True
