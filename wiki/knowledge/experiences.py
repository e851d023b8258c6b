"""Experience pages as researchers read them: filters, the comparison table and its CSV.

Everything in wiki.knowledge is computed from the derived rows (Page columns, PageTheme,
Statement, Link, SlugRedirect) that wiki.pages.derived rebuilds at every save; nothing there
touches the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload

from wiki import spreadsheet
from wiki.content.cog import get_department
from wiki.content.metadata import SCALES, SETTINGS, STATUSES
from wiki.content.text import fold
from wiki.extensions import db
from wiki.models import Page, PageTheme, Statement

EXPERIENCE = "experience"
LEVER, OBSTACLE, REPLICATE = "lever", "obstacle", "replicate"


@lru_cache(maxsize=65536)
def sort_key(text: str | None) -> str:
    """French reading order: "Écoles" sorts with the e's, not after "z"."""
    return fold(text or "")


@dataclass
class Filters:
    """What a researcher narrows experiences by; empty values mean "any"."""

    theme: str | None = None
    scale: str | None = None
    setting: str | None = None
    status: str | None = None
    region: str | None = None  # INSEE code of the region ("32"): by the commune's department
    department: str | None = None  # "59", "2A", "974"
    started: str | None = None  # a year
    # Pages the selection is narrowed to (hand-picked, or matching search words): not a URL
    # argument itself, see wiki.knowledge.selection. None means no such narrowing.
    slugs: frozenset[str] | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Filters:
        return cls(**{name: (values.get(name) or "").strip()[:50] or None for name in cls.names()})

    @staticmethod
    def names() -> tuple[str, ...]:
        return ("theme", "scale", "setting", "status", "region", "department", "started")

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.names() if getattr(self, name)}

    def where(self, query):
        """`query` (a select of pages) narrowed to the pages these filters let through
        (never a page the moderators removed)."""
        query = query.where(Page.public.is_(True))
        if self.theme:
            query = query.where(
                Page.id.in_(select(PageTheme.page_id).where(PageTheme.theme == self.theme))
            )
        if self.region:
            query = query.where(Page.region == self.region.strip())
        if self.department:
            known = get_department(self.department)
            query = query.where(Page.department == known.code if known else false())
        if self.slugs is not None:
            query = query.where(Page.slug.in_(sorted(self.slugs)) if self.slugs else false())
        if self.started:
            year = int(self.started) if self.started.isdigit() and len(self.started) <= 4 else None
            query = query.where(Page.started == year if year is not None else false())
        for column in self.names():
            value = getattr(self, column)
            if column not in _NOT_COLUMNS and value:
                query = query.where(getattr(Page, column) == value)
        return query


_NOT_COLUMNS = frozenset({"theme", "region", "department", "started"})


def _experiences_query(filters: Filters):
    return filters.where(select(Page).where(Page.type == EXPERIENCE))


def experiences(filters: Filters | None = None, statements: bool = True) -> list[Page]:
    """Experience pages matching the filters, in reading order, with themes (and statements)."""
    loads = [selectinload(Page.themes)] + ([selectinload(Page.statements)] if statements else [])
    query = _experiences_query(filters or Filters()).options(*loads)
    return sorted(db.session.scalars(query), key=lambda page: sort_key(page.title))


@dataclass
class Exported:
    """What a download needs of an experience, read without the ORM: at 50,000 rows, building
    a Page and its Statement objects took most of the time (bench/export.py)."""

    slug: str
    title: str
    territory: str | None
    insee: str | None
    territory_code: str | None
    territory_level: str | None
    scale: str | None
    setting: str | None
    status: str | None
    started: int | None
    themes: list[str] = field(default_factory=list)
    said: dict[str, list[str]] = field(default_factory=dict)  # kind -> statements, in order


_EXPORTED_COLUMNS = (
    Page.id, Page.slug, Page.title, Page.territory, Page.insee, Page.territory_code,
    Page.territory_level, Page.scale, Page.setting, Page.status, Page.started,
)  # fmt: skip


def experiences_streamed(filters: Filters, chunk: int = 500) -> Iterator[Exported]:
    """Experiences in slug order (the title folded: the French reading order), with themes
    and statements, fetched a chunk at a time after the last slug seen: a download of 50,000
    rows starts at once and never holds them all (bench/export.py)."""
    last = None
    while True:
        query = _experiences_query(filters).with_only_columns(*_EXPORTED_COLUMNS)
        if last is not None:
            query = query.where(Page.slug > last)
        rows = db.session.execute(query.order_by(Page.slug).limit(chunk)).all()
        found = {row.id: Exported(*row[1:]) for row in rows}
        themes = select(PageTheme.page_id, PageTheme.theme).where(PageTheme.page_id.in_(found))
        for page_id, theme in db.session.execute(themes.order_by(PageTheme.theme)):
            found[page_id].themes.append(theme)
        said = select(Statement.page_id, Statement.kind, Statement.text).where(
            Statement.page_id.in_(found)
        )
        for page_id, kind, text in db.session.execute(
            said.order_by(Statement.page_id, Statement.kind, Statement.position, Statement.id)
        ):
            found[page_id].said.setdefault(kind, []).append(text)
        yield from found.values()
        if len(rows) < chunk:
            return
        last = rows[-1].slug


def count(filters: Filters) -> int:
    query = _experiences_query(filters)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def experiences_page(filters: Filters, number: int, per_page: int = 50) -> tuple[list[Page], int]:
    """One page of the comparison table and the total. The slug is the title folded to ASCII,
    so ordering by it is the French reading order, done by the database."""
    query = _experiences_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(selectinload(Page.themes), selectinload(Page.statements))
        .order_by(Page.slug)
        .limit(per_page)
        .offset((max(number, 1) - 1) * per_page)
    )
    return list(rows), total


def statements_of(page: Page, kind: str) -> list[str]:
    return [s.text for s in page.statements if s.kind == kind]


# The comparison table's columns: codes for scripts (`?header=codes`), headers for readers.
COMPARISON_COLUMNS = (
    spreadsheet.Column("title", _l("Title")),
    spreadsheet.Column("url", _l("Link")),
    spreadsheet.Column("territory", _l("Territory")),
    spreadsheet.Column("insee", _l("INSEE code"), text=True),
    # An EPCI's SIREN code, a department's or a region's: the territory above the commune.
    spreadsheet.Column("territory_code", _l("Territory code"), text=True),
    spreadsheet.Column("territory_scale", _l("Territory level")),
    spreadsheet.Column("scale", _l("Scale")),
    spreadsheet.Column("setting", _l("Setting")),
    spreadsheet.Column("status", _l("Status")),
    spreadsheet.Column("themes", _l("Themes")),
    spreadsheet.Column("started", _l("Since")),
    spreadsheet.Column("levers", _l("Levers")),
    spreadsheet.Column("obstacles", _l("Obstacles")),
    spreadsheet.Column("replicate", _l("To replicate")),
)
CSV_LIST_SEPARATOR = " | "


def comparison_vocabularies() -> dict[str, Iterable]:
    return {"scale": SCALES, "setting": SETTINGS, "status": STATUSES}


def comparison_rows(
    pages: Iterable[Exported],
    page_url: Callable[[Exported], str],
    theme_label: Callable[[str], str],
    value_label: Callable[[str | None], str],
) -> Iterator[list]:
    """The comparison table's rows, values as the reader reads them (labels, not codes)."""
    labels: dict[str | None, str] = {}  # a few values, 50,000 rows: translate each once

    def label(value: str | None) -> str:
        if value not in labels:
            labels[value] = value_label(value)
        return labels[value]

    for page in pages:
        yield [
            page.title,
            page_url(page),
            page.territory,
            page.insee,
            page.territory_code,
            page.territory_level,
            label(page.scale),
            label(page.setting),
            label(page.status),
            CSV_LIST_SEPARATOR.join(theme_label(theme) for theme in page.themes),
            page.started,
            CSV_LIST_SEPARATOR.join(page.said.get(LEVER, ())),
            CSV_LIST_SEPARATOR.join(page.said.get(OBSTACLE, ())),
            CSV_LIST_SEPARATOR.join(page.said.get(REPLICATE, ())),
        ]
