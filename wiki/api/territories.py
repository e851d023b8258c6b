"""Reads behind /api/v1/territories: the official territories at every scale with how many
experiences each has, its own and those of the places within it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from wiki.content import cog
from wiki.extensions import db
from wiki.knowledge.experiences import EXPERIENCE
from wiki.models import Page

SCALES = ("commune", "epci", "department", "region")
EPCI_NATURES = ("CC", "CA", "CU", "METRO", "MET69")


@dataclass
class Counts:
    own: Counter  # (level, code) -> experiences whose territory is exactly this one
    within: Counter  # (level, code) -> experiences of narrower territories inside it


def counts() -> Counts:
    experience = (Page.type == EXPERIENCE, Page.public.is_(True))
    own: Counter = Counter()
    rows = db.session.execute(
        select(Page.territory_level, Page.territory_code, func.count())
        .where(*experience, Page.territory_code.is_not(None))
        .group_by(Page.territory_level, Page.territory_code)
    )
    for level, code, number in rows:
        own[(level, code)] += number
    within: Counter = Counter()
    for level, column in (
        ("epci", Page.epci),
        ("department", Page.department),
        ("region", Page.region),
    ):
        rows = db.session.execute(
            select(column, func.count())
            .where(*experience, column.is_not(None), Page.territory_level != level)
            .group_by(column)
        )
        for code, number in rows:
            within[(level, code)] += number
    return Counts(own, within)


def _codes(scale: str) -> list[str]:
    if scale == "commune":
        return [c.code for c in cog.all_communes()]
    if scale == "epci":
        return [e.code for e in cog.epci_list()]
    if scale == "department":
        return [d.code for d in cog.department_list()]
    return [r.code for r in cog.region_list()]


def territory_list(
    scales: tuple[str, ...], nature: str | None, everything: bool, number: int, per_page: int
) -> tuple[list[tuple[cog.Place, int, int]], int, Counts]:
    """One slice of (place, own experiences, experiences within), regions first then
    departments, EPCI and communes, each by code. Without `everything`, only the territories
    that have at least one experience."""
    found = counts()
    wanted: list[tuple[str, str]] = []
    for scale in sorted(scales, key=SCALES.index, reverse=True):
        for code in _codes(scale):
            if scale == "epci" and nature and cog.get_epci(code).nature != nature:
                continue
            if everything or found.own[(scale, code)] or found.within[(scale, code)]:
                wanted.append((scale, code))
    start = (number - 1) * per_page
    places = []
    for scale, code in wanted[start : start + per_page]:
        place = cog.place_for_key(cog.territory_key(scale, code))
        places.append((place, found.own[(scale, code)], found.within[(scale, code)]))
    return places, len(wanted), found


def experiences_of(place: cog.Place) -> tuple[list[Page], list[Page]]:
    """(its own experiences, those of the narrower territories within it), by slug."""
    experience = (Page.type == EXPERIENCE, Page.public.is_(True))
    own = (Page.territory_level == place.level) & (Page.territory_code == place.code)
    column = {"epci": Page.epci, "department": Page.department, "region": Page.region}
    mine = list(db.session.scalars(select(Page).where(*experience, own).order_by(Page.slug)))
    if place.level not in column:
        return mine, []
    inside = db.session.scalars(
        select(Page)
        .where(*experience, column[place.level] == place.code, Page.territory_level != place.level)
        .order_by(Page.slug)
    )
    return mine, list(inside)
