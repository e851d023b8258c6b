"""What recurs across experiences: levers and obstacles grouped by the idea they state, by theme."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import func, select

from wiki.content.text import fold
from wiki.extensions import db
from wiki.knowledge import grouping
from wiki.knowledge.experiences import EXPERIENCE, LEVER, OBSTACLE, Filters, sort_key
from wiki.knowledge.vocabulary import all_themes
from wiki.models import Page, PageTheme, Statement, StatementGroupPin, Theme


@dataclass(frozen=True)
class PageRef:
    """What a listing shows of a page: plain values, safe to keep beyond one request."""

    id: int
    slug: str
    title: str
    place: str = ""  # INSEE code, else the folded territory name: what tells territories apart
    region: str = ""  # region code, when the INSEE code gives one


@dataclass(frozen=True)
class ThemeRef:
    slug: str
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class Said:
    """One experience's own sentence in a group, with the page that says it."""

    statement_id: int
    text: str
    page: PageRef

    @property
    def fragment(self) -> str:
        """A text fragment (#:~:text=…) for its first words: browsers scroll to the sentence."""
        words = " ".join(self.text.split()[:8])
        return quote(words, safe="").replace("-", "%2D")


@dataclass
class Recurrence:
    """A lever or obstacle that several experiences state, each in its own words.

    `label` is what the statements share (their common concept words, no one experience's
    sentence); `said` holds every statement of the group; `manual` when a moderator merged or
    split it.
    """

    kind: str
    label: list[str]
    said: list[Said]
    pages: list[PageRef]
    territories: int
    themes: int
    regions: int
    manual: bool = False

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def key(self) -> str:
        return " · ".join(self.label)

    @property
    def statement_ids(self) -> str:
        """The group as a form value for moderators' merge and split."""
        return ",".join(str(s.statement_id) for s in self.said)


@dataclass
class _Stated:
    """One statement as read for the researcher views: plain values, no ORM objects."""

    id: int
    page_id: int
    kind: str
    text: str
    key: str
    pin: str | None = None


def _statements(theme: str | None = None, filters: Filters | None = None) -> list[_Stated]:
    query = (
        select(
            Statement.id,
            Statement.page_id,
            Statement.kind,
            Statement.text,
            Statement.key,
            StatementGroupPin.group_code,
        )
        .join(Page, Page.id == Statement.page_id)
        .outerjoin(
            StatementGroupPin,
            (StatementGroupPin.page_id == Statement.page_id)
            & (StatementGroupPin.kind == Statement.kind)
            & (StatementGroupPin.key == Statement.key),
        )
        .where(Page.type == EXPERIENCE, Page.public.is_(True), Statement.key != "")
        .order_by(Statement.id)
    )
    if theme:
        query = query.where(Page.id.in_(select(PageTheme.page_id).where(PageTheme.theme == theme)))
    if filters is not None:
        query = query.where(Page.id.in_(filters.where(select(Page.id))))
    return [_Stated(*row) for row in db.session.execute(query)]


def _page_themes() -> dict[int, set[str]]:
    themes: dict[int, set[str]] = defaultdict(set)
    for page_id, theme in db.session.execute(select(PageTheme.page_id, PageTheme.theme)):
        themes[page_id].add(theme)
    return themes


def _recurrences(
    kind: str,
    stated: Iterable[_Stated],
    pages: dict[int, PageRef],
    themes_of: dict[int, set[str]],
    minimum: int,
    limit: int | None,
    neighbours: grouping.Neighbours | None = None,
) -> list[Recurrence]:
    rows = [s for s in stated if s.kind == kind]
    items = [grouping.Item(s.id, s.text, s.pin) for s in rows]
    found = []
    for members in grouping.cluster(items, neighbours=neighbours):
        said = sorted(
            (Said(rows[i].id, rows[i].text, pages[rows[i].page_id]) for i in members),
            key=lambda each: (sort_key(each.page.title), each.statement_id),
        )
        refs = sorted({each.page for each in said}, key=lambda p: sort_key(p.title))
        if len(refs) < minimum:
            continue
        found.append(
            Recurrence(
                kind,
                grouping.label(each.text for each in said),
                said,
                refs,
                territories=len({p.place or f"#{p.id}" for p in refs}),
                themes=len(set().union(*(themes_of.get(p.id, set()) for p in refs))),
                regions=len({p.region for p in refs if p.region}),
                manual=any(rows[i].pin for i in members),
            )
        )
    found.sort(key=lambda r: (-r.count, -len(r.said), r.key))
    return found[:limit] if limit else found


def _pages_by_id(ids: set[int]) -> dict[int, PageRef]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Page.id, Page.slug, Page.title, Page.territory_code, Page.territory, Page.region
        ).where(Page.id.in_(ids))
    )
    return {row.id: _page_ref(row) for row in rows}


def _page_ref(row) -> PageRef:
    place = row.territory_code or fold(row.territory or "")
    return PageRef(row.id, row.slug, row.title, place, row.region or "")


def recurrences(
    kind: str,
    *,
    theme: str | None = None,
    filters: Filters | None = None,
    minimum: int = 2,
    limit: int | None = None,
) -> list[Recurrence]:
    """Ideas stated by at least `minimum` experiences, most widespread first.

    Identical wordings are rare in real pages (each territory tells its own story), so
    statements are grouped by the concepts they state (wiki.knowledge.grouping).
    """
    stated = _statements(theme, filters)
    pages = _pages_by_id({s.page_id for s in stated})
    return _recurrences(kind, stated, pages, _page_themes(), minimum, limit)


@dataclass
class Invariants:
    """Recurring levers and obstacles of one theme (theme None: across all experiences)."""

    theme: ThemeRef | None
    levers: list[Recurrence]
    obstacles: list[Recurrence]


_INVARIANTS: OrderedDict = OrderedDict()
_INVARIANTS_LOCK = threading.Lock()


def _derived_version() -> tuple:
    """Changes whenever a save rewrites statements or themes (rows are deleted and re-added)."""
    statements = db.session.execute(select(func.count(Statement.id), func.max(Statement.id))).one()
    themes = db.session.execute(
        select(func.count(PageTheme.page_id), func.count(Theme.slug.distinct()))
        .select_from(PageTheme)
        .join(Theme, Theme.slug == PageTheme.theme, isouter=True)
    ).one()
    vocabulary = tuple(db.session.execute(select(Theme.slug, Theme.label_fr, Theme.label_en)))
    pins = db.session.execute(
        select(func.count(StatementGroupPin.id), func.max(StatementGroupPin.id))
    ).one()
    # The database too: one process may serve several (tests, a CLI over another data dir).
    return (str(db.engine.url), *statements, *themes, *pins, hash(vocabulary))


def invariants(
    theme: Theme | None = None, minimum: int = 2, limit: int | None = 20
) -> list[Invariants]:
    """By theme: what recurs across experiences. Without a theme, all themes plus overall.

    Computing it reads every statement (seconds at thousands of pages), so the result is kept
    until the next save changes the derived rows.
    """
    key = (theme.slug if theme else None, minimum, limit, _derived_version())
    with _INVARIANTS_LOCK:
        if key in _INVARIANTS:
            _INVARIANTS.move_to_end(key)
            return _INVARIANTS[key]
    groups = _compute_invariants(theme, minimum, limit)
    with _INVARIANTS_LOCK:
        _INVARIANTS[key] = groups
        while len(_INVARIANTS) > 32:
            _INVARIANTS.popitem(last=False)
    return groups


def invariants_of(filters: Filters, theme: Theme | None) -> list[Invariants]:
    """What recurs in one selection of experiences (search words, facets, hand-picked pages)."""
    ref = ThemeRef(theme.slug, theme.label_fr, theme.label_en) if theme else None
    return [
        Invariants(
            ref,
            recurrences(LEVER, filters=filters, limit=20),
            recurrences(OBSTACLE, filters=filters, limit=20),
        )
    ]


def _compute_invariants(theme: Theme | None, minimum: int, limit: int | None) -> list[Invariants]:
    theme = ThemeRef(theme.slug, theme.label_fr, theme.label_en) if theme else None
    stated = _statements(theme.slug if theme else None)
    pages = _pages_by_id({s.page_id for s in stated})
    themes_of = _page_themes()
    # Similarities are computed once for all texts, then read for every theme.
    near = {
        kind: grouping.Neighbours(s.text for s in stated if s.kind == kind)
        for kind in (LEVER, OBSTACLE)
    }

    def group(each: Theme | None, rows: list[_Stated]) -> Invariants:
        return Invariants(
            each,
            _recurrences(LEVER, rows, pages, themes_of, minimum, limit, near[LEVER]),
            _recurrences(OBSTACLE, rows, pages, themes_of, minimum, limit, near[OBSTACLE]),
        )

    if theme is not None:
        return [group(theme, stated)]
    groups = [group(None, stated)]
    for each in all_themes():
        rows = [s for s in stated if each.slug in themes_of.get(s.page_id, ())]
        found = group(ThemeRef(each.slug, each.label_fr, each.label_en), rows)
        if found.levers or found.obstacles:
            groups.append(found)
    return groups
