"""Moderators' acts on pages and revisions; each one is written to the audit log.

Nothing is ever deleted: a revision's text, comment and author can be hidden apart (as
MediaWiki's RevisionDelete does), a page can be soft-deleted (410 for the public, slug kept)
and restored, and protected until a date.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from wiki.extensions import db
from wiki.models import Page, Revision, User, utcnow
from wiki.moderation import audit
from wiki.pages.service import PageError, _after_commit, _queue_index

PARTS = ("text", "comment", "author")
_COLUMNS = {"text": "hidden", "comment": "comment_hidden", "author": "author_hidden"}


class ModerationError(PageError):
    status = 409


def refresh_public(page: Page) -> None:
    """A page is public unless deleted or its current text is hidden."""
    current = db.session.get(Revision, page.current_id) if page.current_id else None
    page.public = page.deleted_at is None and current is not None and not current.hidden


def set_visibility(
    actor: User | None, revision: Revision, changes: dict[str, bool], reason: str = ""
) -> None:
    """Hide or show parts of a revision ({"text": True, "comment": False, ...}).

    The current text can be hidden only when every older text is hidden too (a spam page's
    first and only revision, say): the page then disappears for the public. Otherwise the
    moderator reverts to a good revision first.
    """
    page = db.session.get(Page, revision.page_id)
    changes = {part: bool(v) for part, v in changes.items() if part in PARTS}
    changes = {p: v for p, v in changes.items() if getattr(revision, _COLUMNS[p]) != v}
    if not changes:
        return
    if changes.get("text") and page.current_id == revision.id:
        visible_older = db.session.scalar(
            select(func.count(Revision.id)).where(
                Revision.page_id == page.id,
                Revision.id != revision.id,
                Revision.hidden.is_(False),
            )
        )
        if visible_older:
            raise ModerationError(
                _l(
                    "The current revision cannot be hidden while older ones are visible: "
                    "restore a good revision first, then hide this one."
                )
            )
    for part, hidden in changes.items():
        setattr(revision, _COLUMNS[part], hidden)
    if "text" in changes:
        refresh_public(page)
        _queue_index(page.id)
    hidden_parts = sorted(p for p, v in changes.items() if v)
    shown_parts = sorted(p for p, v in changes.items() if not v)
    label = f"{page.title} #{revision.number}"
    if hidden_parts:
        audit.record(
            actor, "revision.hide", "revision", revision.id, label, reason, parts=hidden_parts
        )
    if shown_parts:
        audit.record(
            actor, "revision.show", "revision", revision.id, label, reason, parts=shown_parts
        )
    db.session.commit()
    if "text" in changes:
        _after_commit([page.id])


def set_revision_hidden(revision: Revision, hidden: bool, actor: User | None = None) -> None:
    """Hide or show a revision's text only (the first version's single switch)."""
    set_visibility(actor, revision, {"text": hidden})


def delete_page(actor: User, page: Page, reason: str) -> None:
    reason = " ".join((reason or "").split())
    if not reason:
        raise PageError(_l("Say why the page is deleted."))
    if page.deleted_at is not None:
        raise ModerationError(_l("This page is already deleted."))
    page.deleted_at = utcnow()
    refresh_public(page)
    _queue_index(page.id)
    audit.record(actor, "page.delete", "page", page.id, page.title, reason, slug=page.slug)
    db.session.commit()
    _after_commit([page.id])


def restore_page(actor: User, page: Page, reason: str = "") -> None:
    if page.deleted_at is None:
        raise ModerationError(_l("This page is not deleted."))
    page.deleted_at = None
    refresh_public(page)
    _queue_index(page.id)
    audit.record(actor, "page.restore", "page", page.id, page.title, reason, slug=page.slug)
    db.session.commit()
    _after_commit([page.id])


def protect_page(actor: User, page: Page, until: datetime | None, reason: str = "") -> None:
    """Only moderators may edit the page until `until` (None: lift the protection)."""
    if until is not None and until <= utcnow():
        raise PageError(_l("The end of the protection must be in the future."))
    page.protected_until = until
    if until is None:
        audit.record(actor, "page.unprotect", "page", page.id, page.title, reason)
    else:
        audit.record(actor, "page.protect", "page", page.id, page.title, reason, until=until)
    db.session.commit()


def patrol(actor: User, revision: Revision) -> bool:
    """Mark an edit as checked by a moderator (shown on /recent). False if it already was."""
    if revision.patrolled_at is not None:
        return False
    revision.patrolled_at = utcnow()
    revision.patrolled_by_id = actor.id
    db.session.commit()
    return True
