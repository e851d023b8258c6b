"""Write an imported page with its whole history in one transaction, keyed by its source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from wiki.content.slugs import slug_for
from wiki.extensions import db
from wiki.limits import BudgetExceeded, time_budget
from wiki.models import Page, Revision, User, utcnow
from wiki.moderation.service import refresh_public
from wiki.pages import derived, service
from wiki.search import changes
from wiki.search.queue import enqueue
from wiki.transfer.models import ImportBatch, ImportItem
from wiki.transfer.report import Report


@dataclass
class IncomingRevision:
    """One state of a page as read from a source, before it is written."""

    key: str  # identifies it in the source: seen again, it is not written again
    text: str
    when: datetime | None = None
    author_name: str | None = None
    comment: str = ""
    number: int | None = None  # kept when the page is new (an Essaim export)
    revision_id: int | None = None  # kept when free (permalinks /r/<id> survive a move)


@dataclass
class IncomingPage:
    title: str
    revisions: list[IncomingRevision] = field(default_factory=list)
    page_id: int | None = None  # kept when free (/p/<id>)
    short_code: str | None = None  # kept when free (/s/<code> on posters)
    label: str = ""  # how the report names it (a file, a row...)


@dataclass
class Options:
    max_bytes: int = 1024 * 1024
    seconds: float | None = 15.0
    link_accounts: bool = False  # credit a name equal to an account's user name to that account
    accounts: dict[str, User | None] = field(default_factory=dict)


class Skipped(Exception):
    """The whole page is left out (the report says why); nothing of it was written."""

    def __init__(self, why):
        super().__init__(str(why))
        self.why = why


def imported_keys(keys: list[str]) -> set[str]:
    """The keys among `keys` that a batch not undone has already written."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            db.session.scalars(
                select(ImportItem.source_key)
                .join(ImportBatch, ImportBatch.id == ImportItem.batch_id)
                .where(ImportItem.source_key.in_(chunk), ImportBatch.undone_at.is_(None))
            )
        )
    return found


def write_page(batch: ImportBatch, incoming: IncomingPage, options: Options, report: Report):
    """Write the revisions of `incoming` not imported yet, oldest first, and commit.

    A revision that cannot be kept (too long, unreadable) is reported and left out; the others
    are written. Anything unexpected rolls the whole page back: nothing is half written.
    """
    name = incoming.label or incoming.title
    report.source_revisions += len(incoming.revisions)
    try:
        written, created = _write(batch, incoming, options, report, name)
    except Skipped as skipped:
        db.session.rollback()
        report.skip(name, skipped.why)
        return
    except SQLAlchemyError as error:  # never half a page: the others still go on
        db.session.rollback()
        report.skip(name, _l("could not be written: %(error)s", error=str(error)[:200]))
        return
    if not written:
        db.session.rollback()
        report.unchanged.append(incoming.title)
        return
    db.session.commit()
    report.revisions += written
    if created:
        report.created.append(incoming.title)
    elif incoming.title not in report.created:  # a later block of a page created just now
        report.updated.append(incoming.title)


def _write(batch, incoming: IncomingPage, options: Options, report: Report, name: str):
    title = service.clean_title(incoming.title) if slug_for(incoming.title or "") else None
    if title is None:
        raise Skipped(_l("no usable title"))
    seen = imported_keys([r.key for r in incoming.revisions])
    todo = []
    for revision in incoming.revisions:
        if revision.key in seen:
            continue
        try:
            revision.text = service.clean_text(revision.text, options.max_bytes)
        except service.InvalidContent as error:
            report.skip(f"{name} ({revision.key})", error.message)
            continue
        todo.append(revision)
    if not todo:
        return 0, False
    page, created = _page_for(title, incoming)
    numbers = _Numbers(page)
    last = page.current
    for position, revision in enumerate(todo):
        last = _add(page, revision, last, options, numbers.take(revision.number, created))
        if created and position == 0:
            page.created_at = last.created_at
        # Rows are flushed together when the page is published (one round trip, not one each).
        db.session.add(
            ImportItem(
                batch_id=batch.id,
                kind="revision",
                source_key=revision.key[:255],
                page_id=page.id,
                revision=last,
                created_page=created,
            )
        )
    if not _publish(page, last, options):
        report.note(
            incoming.title,
            _l("edited here after the source's last change: the text written here stays current"),
        )
    return len(todo), created


def _page_for(title: str, incoming: IncomingPage) -> tuple[Page, bool]:
    """The page to add to: an existing one (restored if an undone import deleted it), else new."""
    resolved = service.find_page(slug_for(title))
    if resolved is not None:
        page = resolved.page
        if page.deleted_at is None:
            return page, False
        page.deleted_at = None  # brought back by this batch: undoing it deletes it again
        return page, True
    page = Page(slug=slug_for(title), title=title, short_code=_short_code(incoming.short_code))
    if incoming.page_id and db.session.get(Page, incoming.page_id) is None:
        page.id = incoming.page_id
    db.session.add(page)
    db.session.flush()
    return page, True


def _short_code(wanted: str | None) -> str:
    if wanted and db.session.scalar(select(Page.id).where(Page.short_code == wanted)) is None:
        return wanted
    return service.new_short_code()


class _Numbers:
    """Revision numbers of a page: kept from the source when free (a new page from an Essaim
    export), else the next ones; read once, not queried for each revision."""

    def __init__(self, page: Page):
        self.taken = set(
            db.session.scalars(select(Revision.number).where(Revision.page_id == page.id))
        )
        self.next = max(self.taken, default=0) + 1

    def take(self, wanted: int | None, new_page: bool) -> int:
        number = wanted if new_page and wanted and wanted not in self.taken else self.next
        self.taken.add(number)
        self.next = max(self.next, number + 1)
        return number


def _add(page: Page, incoming: IncomingRevision, parent, options: Options, number: int):
    author = _account(incoming.author_name, options)
    revision = Revision(
        page_id=page.id,
        number=number,
        title=page.title,
        text=incoming.text,
        comment=" ".join((incoming.comment or "").split())[:500],
        author_id=author.id if author else None,
        author_name=None if author else (incoming.author_name or None),
        parent=parent,
        created_at=incoming.when or utcnow(),
        size=len(incoming.text.encode("utf-8")),
    )
    if incoming.revision_id and db.session.get(Revision, incoming.revision_id) is None:
        revision.id = incoming.revision_id
    db.session.add(revision)
    return revision


def _account(name: str | None, options: Options) -> User | None:
    if not name or not options.link_accounts:
        return None
    if name not in options.accounts:
        options.accounts[name] = db.session.scalar(select(User).where(User.username == name))
    return options.accounts[name]


def _publish(page: Page, revision: Revision, options: Options) -> bool:
    """The newest imported revision becomes current, unless the page has a newer one (False):
    an older source never replaces what people wrote here since."""
    current = page.current
    if (
        current is not None
        and current.id != revision.id
        and current.created_at > revision.created_at
    ):
        return False
    try:
        with time_budget(options.seconds):
            parsed = derived.parse(revision.text)
    except BudgetExceeded:
        raise Skipped(
            _l("too complex to be processed in %(seconds)s seconds", seconds=options.seconds)
        ) from None
    page.current_id = revision.id
    page.updated_at = revision.created_at
    db.session.flush()
    refresh_public(page)  # a page an undone import had deleted is public again
    derived.refresh(page, parsed)
    enqueue(db.session, [page.id])  # this host indexes it after the commit
    changes.record(db.session, [page.id], "import")  # and every other host finds it in the log
    return True
