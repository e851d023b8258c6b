"""Reads behind the JSON API: pages and revisions a slice at a time, links, the OpenAPI file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wiki.extensions import db
from wiki.knowledge.experiences import Filters
from wiki.models import Link, Page, Revision, SlugRedirect

PER_PAGE = 20
MAX_PER_PAGE = 100


@dataclass
class PageFilters(Filters):
    """The researchers' filters of /compare, plus the page type; None means "any"."""

    type: str | None = None

    @staticmethod
    def names() -> tuple[str, ...]:
        return ("type", *Filters.names())


@dataclass
class LinkOut:
    """A wiki link of a page's current text; `slug` is where it leads now (after renames)."""

    title: str
    slug: str
    exists: bool


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def pages(filters: PageFilters, number: int, per_page: int = PER_PAGE) -> tuple[list[Page], int]:
    """One slice of the pages matching the filters, in slug order (stable across requests)."""
    query = filters.where(select(Page).where(Page.public.is_(True)))
    rows = db.session.scalars(
        query.options(selectinload(Page.themes), selectinload(Page.tags))
        .order_by(Page.slug, Page.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return list(rows), _count(query)


def revisions(page: Page, number: int, per_page: int = PER_PAGE) -> tuple[list[Revision], int]:
    """One slice of a page's history, newest first."""
    query = select(Revision).where(Revision.page_id == page.id)
    rows = db.session.scalars(
        query.order_by(Revision.number.desc()).limit(per_page).offset((number - 1) * per_page)
    )
    return list(rows), _count(query)


def links_from(page: Page) -> list[LinkOut]:
    """The page's wiki links in text order; a link to an old slug leads to the renamed page."""
    links = list(
        db.session.scalars(select(Link).where(Link.source_id == page.id).order_by(Link.id))
    )
    wanted = {link.target_slug for link in links}
    existing = db.session.scalars(select(Page.slug).where(Page.slug.in_(wanted)))
    current = {slug: slug for slug in existing}
    renamed = db.session.execute(
        select(SlugRedirect.slug, Page.slug)
        .join(Page, Page.id == SlugRedirect.page_id)
        .where(SlugRedirect.slug.in_(wanted))
    )
    for old, new in renamed:
        current.setdefault(old, new)
    return [
        LinkOut(
            link.target_title,
            current.get(link.target_slug, link.target_slug),
            link.target_slug in current,
        )
        for link in links
    ]


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI description, kept as YAML beside this module (read once per process)."""
    text = files("wiki.api").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe", pure=True).load(text)
