"""Page rules: every change is a new immutable revision written in one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from merge3 import Merge3
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from wiki.content.metadata import FieldError
from wiki.content.slugs import slug_for
from wiki.content.text import one_line
from wiki.extensions import db
from wiki.limits import BudgetExceeded, time_budget
from wiki.models import Page, Revision, SlugRedirect, User, utcnow
from wiki.moderation import protection
from wiki.pages import derived
from wiki.pages.reads import (  # noqa: F401 (callers read pages through service)
    all_pages,
    find_by_short_code,
    get_page,
    listing_options,
    recent_experiences,
    recent_revisions,
    theme_slugs_in_order,
    themes_in_order,
)
from wiki.pages.turns import writers_in_turn

SHORT_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a poster


class PageError(Exception):
    """A change refused for a reason the user can act on; `message` is shown as is."""

    status = 400

    def __init__(self, message, **details):
        super().__init__(str(message))
        self.message = message
        self.details = details


class InvalidContent(PageError):
    """The text cannot be saved as it is (front matter, size, encoding); errors go inline."""

    status = 422

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.errors = list(errors)


class TitleTaken(PageError):
    status = 409


class NotAllowed(PageError):
    """The author's role may not write this page (template, protected, deleted)."""

    status = 403


class Gone(PageError):
    """The page was deleted by a moderator."""

    status = 410


def check_write(author: User | None, page: Page | None, slug: str | None = None) -> None:
    """Refuse a change the author's role does not allow, whatever the route it comes by.

    `author` None is the command line (import, demo): the operator of the site.
    """
    if author is None:
        return
    if page is not None and page.deleted_at is not None:
        raise Gone(_l("This page was deleted by a moderator; a moderator can restore it."))
    level = protection.level(page, slug)
    if level == "administrator" and not author.is_admin:
        raise NotAllowed(_l("Only administrators can change the templates of new pages."))
    if level == "moderator" and not author.is_moderator:
        raise NotAllowed(
            _l(
                "This page is protected until %(until)s UTC: only moderators can change it. "
                "Suggest your change on a related page or contact the moderators.",
                until=page.protected_until.strftime("%d/%m/%Y"),
            )
        )


class Conflict(Exception):
    """Someone saved in between and the changes overlap: both texts go back to the user."""

    def __init__(
        self, page: Page, base: Revision | None, current: Revision, mine: str, merged: str
    ):
        super().__init__("edit conflict")
        self.page = page
        self.base = base
        self.current = current
        self.mine = mine
        self.merged = merged  # the text with conflict markers, to resolve by hand


@dataclass
class Resolved:
    """What a slug points to: the page, and whether the slug is an old one (redirect)."""

    page: Page
    redirected: bool


def clean_title(title: str | None) -> str:
    title = one_line(title)
    if not title:
        raise PageError(_l("Give the page a title."))
    if len(title) > 200:
        raise PageError(_l("The title is too long (200 characters at most)."))
    if not slug_for(title):
        raise PageError(_l("The title needs at least one letter or digit."))
    return title


def clean_text(text: str | None, max_bytes: int) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if "\ufffd" in text:
        raise InvalidContent(
            _l(
                "The text contains characters that could not be read (invalid encoding, "
                "shown as �). Please remove or retype them."
            )
        )
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise InvalidContent(
            _l(
                "The page is too long: %(size)s kB for %(max)s kB allowed. "
                "Split it into several pages.",
                size=size // 1024,
                max=max_bytes // 1024,
            )
        )
    return text


def parse_valid(text: str, seconds: float | None = None) -> derived.Parsed:
    """The text read once (wiki.pages.derived.Parsed); InvalidContent if the writer must fix it,
    or if reading it takes more than `seconds` (every parse a save needs happens here)."""
    try:
        with time_budget(seconds):
            parsed = derived.parse(text)
    except BudgetExceeded:
        message = _l(
            "This text is too long or too complex to be processed in %(seconds)s seconds. "
            "Split it into several pages, or remove long runs of brackets or repeated headings.",
            seconds=f"{seconds:g}",
        )
        raise InvalidContent(message, [FieldError("body", str(message))]) from None
    if parsed.errors:
        raise InvalidContent(derived.content_error_message(), parsed.errors)
    return parsed


# Statements of every page view are built once: SQLAlchemy then skips building the expression
# and computing its cache key at each call (0.38 → 0.17 ms CPU for this one).
# With its current revision in the same query: every caller shows or edits that text.
_PAGE_BY_SLUG = select(Page).options(joinedload(Page.current)).where(Page.slug == bindparam("slug"))


def find_page(slug: str) -> Resolved | None:
    page = db.session.scalar(_PAGE_BY_SLUG, {"slug": slug})
    if page is not None:
        return Resolved(page, False)
    redirect = db.session.get(SlugRedirect, slug)
    if redirect is not None:
        return Resolved(db.session.get(Page, redirect.page_id), True)
    return None


def get_revision(revision_id: int) -> Revision | None:
    return db.session.get(Revision, revision_id)


def history(page: Page) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision).where(Revision.page_id == page.id).order_by(Revision.number.desc())
        )
    )


@dataclass
class HistoryListing:
    revisions: list[Revision]
    number: int  # page of the listing, from 1
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def history_listing(page: Page, number: int, per_page: int) -> HistoryListing:
    """One page of a page's history, newest first, without the full texts."""
    total = db.session.scalar(select(func.count(Revision.id)).where(Revision.page_id == page.id))
    number = min(number, max(1, -(-(total or 0) // per_page)))  # past the end: the last page
    revisions = db.session.scalars(
        select(Revision)
        .where(Revision.page_id == page.id)
        .order_by(Revision.number.desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
        .options(*listing_options())
    )
    return HistoryListing(list(revisions), number, per_page, total or 0)


def save_page(
    *,
    slug: str | None,
    title: str | None,
    text: str,
    author: User | None,
    comment: str = "",
    base_id: int | None = None,
    max_bytes: int = 1024 * 1024,
    when: datetime | None = None,
    seconds: float | None = None,
) -> Revision:
    """Create the page at `slug` or add a revision to it, merging concurrent edits.

    `base_id` is the revision the user started from. When someone saved in between, non
    overlapping changes are merged (3-way); overlapping ones raise Conflict with both texts.
    Saving an unchanged text returns the current revision and writes nothing. Parsing the text
    may take `seconds` at most (InvalidContent past it).
    """
    text = clean_text(text, max_bytes)
    parsed = parse_valid(text, seconds)
    resolved = find_page(slug) if slug else None
    if resolved is None:
        return _create(title, text, author, comment, when, parsed)
    page = resolved.page
    check_write(author, page)
    for _attempt in range(5):
        try:
            with writers_in_turn():
                return _save_locked(page, text, parsed, author, comment, base_id, when)
        except IntegrityError:
            # The lock makes this unexpected (a revision number taken by a writer that did not
            # lock the page): start again from what the database holds, never answer 500.
            db.session.rollback()
            page = db.session.get(Page, page.id)
        except OperationalError as error:
            # SQLite: the write lock was not free within busy_timeout (many processes saving
            # at once). Nothing was written: wait for it again.
            if "locked" not in str(error):
                raise
            db.session.rollback()
            page = db.session.get(Page, page.id)
    raise PageError(_l("The page is being edited by many people at once; please try again."))


def _save_locked(page, text, parsed, author, comment, base_id, when) -> Revision:
    """The compare-and-swap of a save, under the page's lock: read the current revision,
    merge with it when the edit started from an older one, number and write the new one.

    Two saves of one page at the same instant thus behave exactly as if one came after the
    other: the second is merged (or shown the conflict page), never refused with an error.
    """
    _lock_page(page)
    current = page.current
    merged_comment = comment
    if base_id and current and base_id != current.id:
        base = db.session.get(Revision, base_id)
        if base is None or base.page_id != page.id:
            db.session.rollback()
            raise PageError(_l("The revision this edit started from does not exist."))
        text_to_save = merge_texts(page, base, current, text)
        merged_comment = (comment + " " if comment else "") + str(_l("(merged automatically)"))
    else:
        text_to_save = text
    if current is not None and current.text == text_to_save:
        db.session.rollback()  # nothing to write: let go of the lock
        return current
    revision = _add_revision(page, page.title, text_to_save, author, merged_comment, when)
    _publish(page, revision, parsed if text_to_save == text else None)
    revision.merged = merged_comment != comment  # transient: tells the view to say so
    return revision


def _lock_page(page: Page) -> None:
    """Hold the page's row until the commit: saves, renames and reverts of one page take
    turns (a row lock on PostgreSQL, the database's write lock on SQLite), then read it anew."""
    db.session.execute(
        update(Page)
        .where(Page.id == page.id)
        .values(updated_at=Page.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(page)


def merge_texts(page: Page, base: Revision, current: Revision, mine: str) -> str:
    merger = Merge3(
        base.text.splitlines(True), current.text.splitlines(True), mine.splitlines(True)
    )
    has_conflict = any(group[0] == "conflict" for group in merger.merge_groups())
    lines = merger.merge_lines(name_a=str(_l("their version")), name_b=str(_l("your version")))
    merged = "".join(lines)
    if has_conflict:
        db.session.rollback()
        raise Conflict(page, base, current, mine, merged)
    return merged


def _create(title, text, author, comment, when, parsed) -> Revision:
    title = clean_title(title)
    slug = slug_for(title)
    check_write(author, None, slug)
    existing = find_page(slug)
    if existing is not None:
        raise TitleTaken(
            _l(
                "A page with this address already exists: “%(title)s”. "
                "Choose another title or edit that page.",
                title=existing.page.title,
            ),
            page=existing.page,
        )
    page = Page(slug=slug, title=title, short_code=new_short_code())
    if when:
        page.created_at = when
    db.session.add(page)
    try:
        db.session.flush()
    except IntegrityError:  # created by someone else at the same instant: now TitleTaken
        db.session.rollback()
        return _create(title, text, author, comment, when, parsed)
    revision = _add_revision(page, title, text, author, comment or str(_l("Page created")), when)
    return _publish(page, revision, parsed)


def _add_revision(page, title, text, author, comment, when) -> Revision:
    number = (
        db.session.scalar(select(func.max(Revision.number)).where(Revision.page_id == page.id)) or 0
    ) + 1
    revision = Revision(
        page_id=page.id,
        number=number,
        title=title,
        text=text,
        comment=one_line(comment)[:500],
        author_id=author.id if author else None,
        parent_id=page.current_id,
        size=len(text.encode("utf-8")),
    )
    if when:
        revision.created_at = when
    if author is None or author.is_moderator:  # the command line and moderators: checked
        revision.patrolled_at = revision.created_at or utcnow()
    db.session.add(revision)
    db.session.flush()
    return revision


def _publish(page: Page, revision: Revision, parsed: derived.Parsed | None = None) -> Revision:
    """Make the revision the page's current one, recompute derived data, commit, then index.

    `parsed` is the revision's text already read by the save (None: read it here).
    """
    page.current_id = revision.id
    page.updated_at = revision.created_at
    db.session.flush()
    _refresh(page, revision, parsed)
    from wiki.social.notices import record_revision

    record_revision(page, revision)  # followers told in the same transaction
    db.session.commit()
    _after_commit([page.id])
    return revision


def rename_page(page: Page, new_title: str, author: User | None, comment: str = "") -> Revision:
    """Give the page a new title and slug; the old slug answers with a 301 forever."""
    new_title = clean_title(new_title)
    new_slug = slug_for(new_title)
    check_write(author, page)
    check_write(author, None, new_slug)
    if new_title == page.title:
        raise PageError(_l("The new title is the same as the current one."))
    if new_slug != page.slug:
        existing = find_page(new_slug)
        if existing is not None and existing.page.id != page.id:
            raise TitleTaken(
                _l(
                    "The address of this title is already used by “%(title)s”.",
                    title=existing.page.title,
                ),
                page=existing.page,
            )
    old_title, old_slug = page.title, page.slug
    _lock_page(page)
    if new_slug != old_slug:
        db.session.execute(delete(SlugRedirect).where(SlugRedirect.slug == new_slug))
        db.session.add(SlugRedirect(slug=old_slug, page_id=page.id))
    current = page.current
    page.title = new_title
    page.slug = new_slug
    note = str(_l("Renamed from “%(old)s” to “%(new)s”", old=old_title, new=new_title))
    comment = f"{note}. {comment}" if comment else note
    revision = _add_revision(page, new_title, current.text, author, comment, None)
    return _publish(page, revision)


def revert_page(page: Page, target: Revision, author: User | None) -> Revision:
    """Bring back an old text as a new revision: the history between stays."""
    if target.page_id != page.id:
        raise PageError(_l("This revision belongs to another page."))
    if target.hidden:
        raise PageError(_l("A hidden revision cannot be restored."))
    comment = str(_l("Reverted to revision %(number)s", number=target.number))
    return save_page(
        slug=page.slug,
        title=page.title,
        text=target.text,
        author=author,
        comment=comment,
        base_id=None,
        max_bytes=max(len(target.text.encode("utf-8")), 1),
    )


def new_short_code() -> str:
    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(6))
        if db.session.scalar(select(Page.id).where(Page.short_code == code)) is None:
            from wiki.festival.aliases import code_is_free

            if code_is_free(code):
                return code


def _refresh(page: Page, revision: Revision, parsed: derived.Parsed | None = None) -> None:
    """Recompute what is derived from the text (metadata, links, levers) and queue the index."""
    derived.refresh(page, parsed if parsed is not None else derived.parse(revision.text))
    _queue_index(page.id)


def _queue_index(page_id: int, kind: str = "save") -> None:
    """In the change's transaction: this host indexes the page after the commit (queue), and
    every host's index finds it in the change log."""
    from wiki.search import changes
    from wiki.search.queue import enqueue

    enqueue(db.session, [page_id])
    changes.record(db.session, [page_id], kind)


def _after_commit(page_ids: list[int]) -> None:
    from wiki import search

    search.notify(page_ids)


def template_text(kind: str) -> str | None:
    """The text of the administrators' template page for new pages of `kind`, if there is one."""
    from wiki.content.templates import TEMPLATE_SLUGS

    resolved = find_page(TEMPLATE_SLUGS[kind]) if kind in TEMPLATE_SLUGS else None
    if resolved is not None and resolved.page.current is not None:
        return resolved.page.current.text
    return None
