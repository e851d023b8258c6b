"""The review queue: risky edits wait here and become revisions only once approved.

What waits: every edit of an account a moderator flagged, and the edits of new accounts
(their first NEW_ACCOUNT_EDITS) that add links to other sites.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from wiki import antispam
from wiki.extensions import db
from wiki.models import Page, PendingEdit, Revision, User, utcnow
from wiki.moderation import audit
from wiki.pages import service as pages


class ReviewError(pages.PageError):
    status = 409


def why_review(author: User, old_text: str, new_text: str) -> str | None:
    """The reason this edit must wait for a moderator, or None to publish it now."""
    if author.is_moderator:
        return None
    if author.flagged:
        return "flagged"
    added = antispam.check_links(author, old_text, new_text)
    if added and antispam.is_new_account(author):
        return "new-account-links"
    return None


def submit(
    author: User,
    page: Page | None,
    title: str,
    text: str,
    comment: str,
    base_id: int | None,
    reason: str,
) -> PendingEdit:
    """Keep the edit for review, after the checks a save would make (so errors show now)."""
    text = pages.clean_text(text, 10 * 1024 * 1024)
    pages.parse_valid(text)
    if page is None:
        title = pages.clean_title(title)
        slug = pages.slug_for(title)
        pages.check_write(author, None, slug)
        existing = pages.find_page(slug)
        if existing is not None:
            raise pages.TitleTaken(
                _l(
                    "A page with this address already exists: “%(title)s”. "
                    "Choose another title or edit that page.",
                    title=existing.page.title,
                ),
                page=existing.page,
            )
    else:
        pages.check_write(author, page)
        slug, title = page.slug, page.title
    edit = PendingEdit(
        page_id=page.id if page else None,
        slug=slug,
        title=title,
        text=text,
        comment=(comment or "")[:500],
        author_id=author.id,
        base_id=base_id or (page.current_id if page else None),
        reason=reason,
    )
    db.session.add(edit)
    db.session.commit()
    return edit


def waiting(limit: int = 200) -> list[PendingEdit]:
    return list(
        db.session.scalars(
            select(PendingEdit)
            .where(PendingEdit.state == "pending")
            .order_by(PendingEdit.created_at, PendingEdit.id)
            .limit(limit)
        )
    )


def waiting_count() -> int:
    return db.session.scalar(
        select(func.count(PendingEdit.id)).where(PendingEdit.state == "pending")
    )


def mine(author, page: Page | None = None, slug: str | None = None) -> list[PendingEdit]:
    """The author's edits of this page still waiting (to say "en attente de relecture")."""
    if author is None or not getattr(author, "is_authenticated", False):
        return []
    if page is not None:
        return list(db.session.scalars(_MINE_ON_PAGE, {"author": author.id, "page": page.id}))
    return list(db.session.scalars(_MINE_NEW_PAGE, {"author": author.id, "slug": slug}))


# Built once: mine() runs at every page view of a signed-in person.
_MINE = select(PendingEdit).where(
    PendingEdit.author_id == bindparam("author"), PendingEdit.state == "pending"
)
_MINE_ON_PAGE = _MINE.where(PendingEdit.page_id == bindparam("page"))
_MINE_NEW_PAGE = _MINE.where(PendingEdit.page_id.is_(None), PendingEdit.slug == bindparam("slug"))


def _decidable(edit: PendingEdit) -> None:
    if edit.state != "pending":
        raise ReviewError(
            _l("This edit was already %(state)s.", state=STATE_LABELS.get(edit.state, edit.state))
        )


STATE_LABELS = {"approved": _l("approved"), "rejected": _l("rejected")}


def approve(actor: User, edit: PendingEdit, reason: str = "") -> Revision:
    """Publish the edit as its author's revision (merged if the page changed meanwhile)."""
    _decidable(edit)
    author = db.session.get(User, edit.author_id)
    page = db.session.get(Page, edit.page_id) if edit.page_id else None
    try:
        revision = pages.save_page(
            slug=page.slug if page else None,
            title=edit.title,
            text=edit.text,
            author=author,
            comment=edit.comment,
            base_id=edit.base_id,
            max_bytes=max(len(edit.text.encode("utf-8")), 1),
        )
    except pages.Conflict as conflict:
        db.session.rollback()
        raise ReviewError(
            _l(
                "The page changed since this edit was made and the changes overlap: reject "
                "it with a note, or copy what is good into the page by hand."
            )
        ) from conflict
    edit = db.session.get(PendingEdit, edit.id)
    edit.state = "approved"
    edit.decided_by_id = actor.id
    edit.decided_at = utcnow()
    edit.decision_reason = reason or ""
    edit.revision_id = revision.id
    revision = db.session.get(Revision, revision.id)
    revision.patrolled_at, revision.patrolled_by_id = utcnow(), actor.id
    audit.record(actor, "edit.approve", "edit", edit.id, edit.title, reason, author=author.username)
    db.session.commit()
    return revision


def reject(actor: User, edit: PendingEdit, reason: str) -> None:
    reason = " ".join((reason or "").split())
    if not reason:
        raise pages.PageError(_l("Say why the edit is rejected: its author will read it."))
    _decidable(edit)
    edit.state = "rejected"
    edit.decided_by_id = actor.id
    edit.decided_at = utcnow()
    edit.decision_reason = reason[:500]
    audit.record(
        actor, "edit.reject", "edit", edit.id, edit.title, reason, author=edit.author.username
    )
    db.session.commit()
