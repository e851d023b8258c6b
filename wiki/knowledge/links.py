"""The link graph: backlinks (old slugs included), orphan pages, wanted pages."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select, union

from wiki.extensions import db, read_rows
from wiki.knowledge.experiences import sort_key
from wiki.models import Link, Page, SlugRedirect

# "Pages whose id is among the links' sources", not a join: a join lets SQLite's planner
# (without ANALYZE statistics) walk every public page and probe the links of each, 48 ms a
# view at 100,000 pages; the subquery reads the few links to these slugs by their index.
# Built once: every page view runs it.
_LINKING_HERE = select(Page).where(
    Page.id.in_(
        select(Link.source_id).where(
            or_(
                Link.target_slug == bindparam("slug"),
                Link.target_slug.in_(
                    select(SlugRedirect.slug).where(SlugRedirect.page_id == bindparam("page"))
                ),
            )
        )
    ),
    Page.id != bindparam("page"),
    Page.public.is_(True),
)


_LINKING_HERE_NAMES = _LINKING_HERE.with_only_columns(Page.slug, Page.title)


def backlinks(page: Page) -> list[Page]:
    """Pages linking here, by the current slug or an old one: a rename keeps them."""
    sources = db.session.scalars(_LINKING_HERE, {"page": page.id, "slug": page.slug})
    return sorted(sources, key=lambda source: sort_key(source.title))


def backlink_names(page: Page) -> list:
    """The same pages' slugs and titles (rows with .slug and .title), for the page view: read
    as columns, without the ORM's work for each page."""
    sources = read_rows(_LINKING_HERE_NAMES, {"page": page.id, "slug": page.slug})
    return sorted(sources, key=lambda source: sort_key(source.title))


def _linked_page_ids():
    by_slug = (
        select(Page.id.label("page_id"))
        .join(Link, Link.target_slug == Page.slug)
        .where(Link.source_id != Page.id)
    )
    by_old_slug = (
        select(SlugRedirect.page_id.label("page_id"))
        .join(Link, Link.target_slug == SlugRedirect.slug)
        .where(Link.source_id != SlugRedirect.page_id)
    )
    return union(by_slug, by_old_slug).subquery()


def orphans() -> list[Page]:
    """Pages no other page links to (page templates are meant to be reached from the editor)."""
    linked = _linked_page_ids()
    pages = db.session.scalars(
        select(Page).where(
            Page.type != "template",
            Page.public.is_(True),
            Page.id.not_in(select(linked.c.page_id)),
        )
    )
    return sorted(pages, key=lambda page: sort_key(page.title))


@dataclass
class WantedPage:
    """A title linked to by pages although no page (nor old slug of one) answers it."""

    slug: str
    title: str
    pages: list[Page]

    @property
    def count(self) -> int:
        return len(self.pages)


def wanted_pages() -> list[WantedPage]:
    rows = db.session.execute(
        select(Link, Page)
        .join(Page, Page.id == Link.source_id)
        .where(
            Page.public.is_(True),
            Link.target_slug.not_in(select(Page.slug)),
            Link.target_slug.not_in(select(SlugRedirect.slug)),
        )
    )
    titles: dict[str, Counter] = defaultdict(Counter)
    sources: dict[str, list[Page]] = defaultdict(list)
    for link, page in rows:
        titles[link.target_slug][link.target_title] += 1
        sources[link.target_slug].append(page)
    wanted = [
        WantedPage(
            slug,
            min(titles[slug], key=lambda title: (-titles[slug][title], title)),
            sorted(sources[slug], key=lambda page: sort_key(page.title)),
        )
        for slug in sources
    ]
    wanted.sort(key=lambda entry: (-entry.count, sort_key(entry.title)))
    return wanted
