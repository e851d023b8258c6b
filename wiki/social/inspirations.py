"""“Inspiré par”: experiences that say which others inspired them (`inspire_par:` in the
front matter), the reverse "a inspiré", loops between pages, and the links on a map."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import bindparam, delete, or_, select

from wiki.content.cog import get_commune
from wiki.content.slugs import slug_for
from wiki.extensions import db, read_rows
from wiki.models import Page, SlugRedirect
from wiki.social.models import Inspiration

KEY = "inspire_par"
MAX_SOURCES = 30  # a page naming more is cut here (the text keeps them all)
LOOP_SEARCH = 200  # pages visited at most when looking for a loop


def named_titles(extra: dict) -> list[str]:
    """The titles under `inspire_par:` (one, or a list), cleaned; anything else is ignored."""
    value = (extra or {}).get(KEY)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    titles = []
    for item in items:
        if isinstance(item, str | int | float) and str(item).strip():
            titles.append(" ".join(str(item).split())[:255])
    return list(dict.fromkeys(titles))[:MAX_SOURCES]


def refresh(page: Page, extra: dict) -> None:
    """Rewrite the page's rows from its front matter (part of the save's transaction)."""
    db.session.execute(delete(Inspiration).where(Inspiration.page_id == page.id))
    seen = set()
    for title in named_titles(extra):
        target = slug_for(title)
        if target and target not in seen and target != page.slug:
            seen.add(target)
            db.session.add(Inspiration(page_id=page.id, source_slug=target, source_title=title))


def _page_for(slug: str) -> Page | None:
    page = db.session.scalar(select(Page).where(Page.slug == slug))
    if page is None:
        redirect = db.session.get(SlugRedirect, slug)
        page = db.session.get(Page, redirect.page_id) if redirect else None
    return page if page is not None and page.public else None


@dataclass
class Named:
    title: str
    page: Page | None  # None: no such page (yet)
    slug: str


@dataclass
class Inspirations:
    inspired_by: list[Named]
    inspired: list[Page]
    loop: list[Page]  # pages that lead back here through "inspiré par" (empty: none)


# Built once: every page view runs it (columns, not entities: read without the ORM's work).
_BOTH_WAYS = (
    select(Inspiration.page_id, Inspiration.source_slug, Inspiration.source_title)
    .where(
        or_(
            Inspiration.page_id == bindparam("page"),
            Inspiration.source_slug == bindparam("slug"),
            Inspiration.source_slug.in_(
                select(SlugRedirect.slug).where(SlugRedirect.page_id == bindparam("page"))
            ),
        )
    )
    .order_by(Inspiration.id)
)


def of(page: Page) -> Inspirations:
    """Both directions for one page. One statement when the page has none (most pages): the
    page view stays within its budget of statements."""
    rows = read_rows(_BOTH_WAYS, {"page": page.id, "slug": page.slug}).all()
    if not rows:
        return Inspirations([], [], [])
    named = [
        Named(row.source_title, _page_for(row.source_slug), row.source_slug)
        for row in rows
        if row.page_id == page.id
    ]
    others = {row.page_id for row in rows if row.page_id != page.id}
    inspired = (
        db.session.scalars(
            select(Page).where(Page.id.in_(others), Page.public).order_by(Page.title)
        ).all()
        if others
        else []
    )
    return Inspirations(named, list(inspired), find_loop(page) if named else [])


def find_loop(page: Page) -> list[Page]:
    """A chain page → … → page through "inspiré par", if there is one (breadth first, bounded:
    a loop is shown as such, never followed for ever)."""
    start = page.id
    parents: dict[int, int | None] = {start: None}
    queue = [start]
    while queue and len(parents) < LOOP_SEARCH:
        current = queue.pop(0)
        for slug in db.session.scalars(
            select(Inspiration.source_slug).where(Inspiration.page_id == current)
        ):
            target = _page_for(slug)
            if target is None:
                continue
            if target.id == start:
                chain, node = [], current
                while node is not None and node != start:
                    chain.append(db.session.get(Page, node))
                    node = parents[node]
                return list(reversed(chain))
            if target.id not in parents:
                parents[target.id] = current
                queue.append(target.id)
    return []


def _where(page: Page) -> tuple[float, float] | None:
    if page.lat is not None and page.lon is not None:
        return page.lat, page.lon
    commune = get_commune(page.insee) if page.insee else None
    if commune is not None and commune.lat is not None:
        return commune.lat, commune.lon
    return None


def geojson() -> dict:
    """Every "inspiré par" link whose two pages have a place: a line from the source to the
    page it inspired, and a point for each page."""
    rows = db.session.execute(
        select(Page, Inspiration.source_slug)
        .join(Inspiration, Inspiration.page_id == Page.id)
        .where(Page.public)
    ).all()
    points: dict[int, dict] = {}
    lines = []
    for page, slug in rows:
        source = _page_for(slug)
        here, there = _where(page), (_where(source) if source else None)
        if here is None or there is None or source.id == page.id:
            continue
        for item, place in ((page, here), (source, there)):
            points[item.id] = _point(item, place)
        lines.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[there[1], there[0]], [here[1], here[0]]],
                },
                "properties": {
                    "title": f"{source.title} → {page.title}",
                    "url": url_for("pages.view", slug=page.slug),
                },
            }
        )
    return {"type": "FeatureCollection", "features": lines + list(points.values())}


def _point(page: Page, place: tuple[float, float]) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [place[1], place[0]]},
        "properties": {
            "title": page.title,
            "url": url_for("pages.view", slug=page.slug),
            "territory": page.territory,
        },
    }
