"""Reads for the page views: pages by id or short code, listings, recent changes, themes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import defer, lazyload, load_only, selectinload

from wiki.extensions import db
from wiki.models import Page, Revision, Theme


def get_page(page_id: int) -> Page | None:
    return db.session.get(Page, page_id)


def find_by_short_code(code: str) -> Page | None:
    return db.session.scalar(select(Page).where(Page.short_code == code.lower()))


def all_pages() -> list[Page]:
    """Every page the public can read (deleted ones and ones whose text is hidden left out)."""
    return list(db.session.scalars(select(Page).where(Page.public.is_(True)).order_by(Page.title)))


def recent_experiences(limit: int) -> list[Page]:
    return list(
        db.session.scalars(
            select(Page)
            .where(Page.type == "experience", Page.public.is_(True))
            .order_by(Page.updated_at.desc())
            .limit(limit)
            .options(selectinload(Page.themes))  # the cards show their themes: one query
        )
    )


def recent_revisions(
    limit: int, visible_only: bool = False, with_removed: bool = False
) -> list[Revision]:
    """The latest revisions, newest first (no hidden ones for the feed; removed pages' ones
    only `with_removed`, for moderators), with page slug/title and parent size, in 4 queries."""
    query = select(Revision).options(
        *listing_options(),
        selectinload(Revision.page).load_only(Page.id, Page.slug, Page.title, Page.public),
    )
    if not with_removed:
        query = query.join(Page, Page.id == Revision.page_id).where(Page.public.is_(True))
    if visible_only:
        query = query.where(Revision.hidden.is_(False))
    order = (Revision.created_at.desc(), Revision.id.desc())
    return list(db.session.scalars(query.order_by(*order).limit(limit)))


def themes_in_order() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position)))


def theme_slugs_in_order() -> list[str]:
    return list(db.session.scalars(select(Theme.slug).order_by(Theme.position)))


def listing_options():
    """What a list of revisions shows: sizes, authors, titles; never the full texts."""
    return (
        defer(Revision.text),
        # The size change needs the parent's size only.
        selectinload(Revision.parent).options(
            load_only(Revision.id, Revision.size), lazyload(Revision.author)
        ),
    )
