"""The JSON dump of the wiki: every page with every visible revision, written as a stream."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import select

from wiki.extensions import db
from wiki.models import Page, Revision


def pages_json() -> Iterator[str]:
    """`{"pages": [{title, slug, page_id, short_code, revisions: [{number, id, author,
    comment, created, text}]}]}`, one page at a time (never the whole wiki in memory)."""
    yield '{"pages": ['
    ids = list(
        db.session.scalars(select(Page.id).where(Page.deleted_at.is_(None)).order_by(Page.slug))
    )
    for position, page_id in enumerate(ids):
        page = db.session.get(Page, page_id)
        revisions = db.session.scalars(
            select(Revision)
            .where(Revision.page_id == page.id, Revision.hidden.is_(False))
            .order_by(Revision.number)
        )
        entry = {
            "title": page.title,
            "slug": page.slug,
            "page_id": page.id,
            "short_code": page.short_code,
            "current_revision": page.current_id,
            "revisions": [
                {
                    "number": r.number,
                    "id": r.id,
                    "author": r.author_label,
                    "comment": r.comment,
                    "created": r.created_at.isoformat() + "Z",
                    "text": r.text,
                }
                for r in revisions
            ],
        }
        yield ("," if position else "") + json.dumps(entry, ensure_ascii=False)
        db.session.expunge_all()  # the rows of this page are no longer needed
    yield "]}\n"
