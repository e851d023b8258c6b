"""Figures at a glance: experiences counted by theme, region, status and start year, and the
levers and obstacles that recur most in each theme. Each count carries the filters of its
selection, so that every bar of a chart opens the experiences it counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from wiki.content.cog import get_region
from wiki.content.metadata import STATUSES
from wiki.extensions import db
from wiki.knowledge import recurrences, vocabulary
from wiki.knowledge.experiences import EXPERIENCE, sort_key
from wiki.models import Page


@dataclass(frozen=True)
class Count:
    """One bar: what is counted (`key`, e.g. a theme slug), its number, and its selection."""

    key: str
    count: int
    filters: dict[str, str]


@dataclass
class ThemeRecurrences:
    theme: recurrences.ThemeRef
    levers: list[recurrences.Recurrence]
    obstacles: list[recurrences.Recurrence]


@dataclass
class Figures:
    total: int
    by_theme: list[Count] = field(default_factory=list)
    by_region: list[Count] = field(default_factory=list)
    without_region: int = 0
    by_status: list[Count] = field(default_factory=list)
    by_year: list[Count] = field(default_factory=list)
    without_year: int = 0
    recurring: list[ThemeRecurrences] = field(default_factory=list)


def figures(top: int = 3) -> Figures:
    rows = db.session.execute(
        select(Page.region, Page.status, Page.started).where(
            Page.type == EXPERIENCE, Page.public.is_(True)
        )
    ).all()
    found = Figures(total=len(rows))
    found.by_theme = [
        Count(each.theme.slug, each.experiences, {"theme": each.theme.slug})
        for each in vocabulary.themes_with_counts()
        if each.experiences
    ]
    regions: Counter = Counter()
    for region, _status, _started in rows:
        division = get_region(region) if region else None
        if division:
            regions[division.code] += 1
        else:
            found.without_region += 1
    found.by_region = sorted(
        (Count(code, n, {"region": code}) for code, n in regions.items()),
        key=lambda c: (-c.count, sort_key(region_name(c.key))),
    )
    statuses = Counter(status for _insee, status, _started in rows if status)
    order = {status: n for n, status in enumerate(STATUSES)}
    found.by_status = [
        Count(status, n, {"status": status})
        for status, n in sorted(statuses.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    ]
    years = Counter(started for _insee, _status, started in rows if started)
    found.without_year = sum(1 for row in rows if not row.started)
    found.by_year = [Count(str(y), n, {"started": str(y)}) for y, n in sorted(years.items())]
    # The groups of /invariants (cached until the next save), cut to the first few.
    for group in recurrences.invariants():
        if group.theme is not None:
            found.recurring.append(
                ThemeRecurrences(group.theme, group.levers[:top], group.obstacles[:top])
            )
    return found


def region_name(code: str) -> str:
    """ "32" -> "Hauts-de-France"."""
    region = get_region(code)
    return region.name if region else code
