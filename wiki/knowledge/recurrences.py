"""What recurs across experiences: levers and obstacles grouped by concept, by theme."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from sqlalchemy import func, select

from wiki.extensions import db
from wiki.knowledge.experiences import EXPERIENCE, LEVER, OBSTACLE, sort_key
from wiki.knowledge.vocabulary import all_themes
from wiki.models import Page, PageTheme, Statement, Theme


@dataclass
class Recurrence:
    """A lever or obstacle that several experiences state, in their own words.

    `key` is the concept they share: two adjacent content words, folded and stemmed
    ("soutien elu" for "Le soutien des élus dès la première réunion" and "soutien actif de
    l'élue"), or the one content word of a one-word item.
    """

    kind: str
    key: str
    wording: str  # the most common statement, else the shortest: the plainest way to say it
    wordings: Counter = field(default_factory=Counter)
    pages: list[PageRef] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.pages)


@cache
def _stemmer():
    from whoosh.lang import stemmer_for_language

    return stemmer_for_language("fr")


def _stem(word: str) -> str:
    # Plural first: Snowball keeps "elus" and "elu" apart, volunteers write both.
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    return _stemmer()(word)


@lru_cache(maxsize=65536)
def concepts(key: str) -> frozenset[str]:
    """The concepts of a normalised statement: adjacent pairs of stemmed content words."""
    words = [_stem(w) for w in key.split() if len(w) > 2 and not w.isdigit()]
    if len(words) == 1:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a != b)


@dataclass
class _Stated:
    """One statement as read for the researcher views: plain values, no ORM objects."""

    id: int
    page_id: int
    kind: str
    text: str
    key: str


def _statements(theme: str | None = None) -> list[_Stated]:
    query = (
        select(Statement.id, Statement.page_id, Statement.kind, Statement.text, Statement.key)
        .join(Page, Page.id == Statement.page_id)
        .where(Page.type == EXPERIENCE, Page.public.is_(True), Statement.key != "")
    )
    if theme:
        query = query.where(Page.id.in_(select(PageTheme.page_id).where(PageTheme.theme == theme)))
    return [_Stated(*row) for row in db.session.execute(query)]


def _page_themes() -> dict[int, set[str]]:
    themes: dict[int, set[str]] = defaultdict(set)
    for page_id, theme in db.session.execute(select(PageTheme.page_id, PageTheme.theme)):
        themes[page_id].add(theme)
    return themes


def _recurrences(
    kind: str, stated: Iterable[_Stated], pages: dict[int, PageRef], minimum: int, limit: int | None
) -> list[Recurrence]:
    found: dict[str, Recurrence] = {}
    statements: dict[str, set[int]] = defaultdict(set)
    page_ids: dict[str, set[int]] = defaultdict(set)
    for statement in stated:
        if statement.kind != kind:
            continue
        for concept in concepts(statement.key):
            entry = found.get(concept)
            if entry is None:
                entry = found[concept] = Recurrence(kind, concept, "")
            entry.wordings[statement.text] += 1
            statements[concept].add(statement.id)
            page_ids[concept].add(statement.page_id)
    ranked = sorted(
        (concept for concept in found if len(page_ids[concept]) >= minimum),
        key=lambda concept: (-len(page_ids[concept]), -len(statements[concept]), concept),
    )
    result, seen = [], []
    for concept in ranked:
        if any(statements[concept] <= earlier for earlier in seen):
            continue  # same statements as a concept already listed: nothing new to show
        seen.append(statements[concept])
        entry = found[concept]
        entry.wording = min(entry.wordings, key=lambda t: (-entry.wordings[t], len(t), t))
        entry.pages = sorted((pages[i] for i in page_ids[concept]), key=lambda p: sort_key(p.title))
        result.append(entry)
        if limit and len(result) >= limit:
            break
    return result


@dataclass(frozen=True)
class PageRef:
    """What a listing shows of a page: plain values, safe to keep beyond one request."""

    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class ThemeRef:
    slug: str
    label_fr: str
    label_en: str


def _pages_by_id(ids: set[int]) -> dict[int, PageRef]:
    if not ids:
        return {}
    rows = db.session.execute(select(Page.id, Page.slug, Page.title).where(Page.id.in_(ids)))
    return {row.id: PageRef(row.id, row.slug, row.title) for row in rows}


def recurrences(
    kind: str, *, theme: str | None = None, minimum: int = 2, limit: int | None = None
) -> list[Recurrence]:
    """Concepts stated by at least `minimum` experiences, most widespread first.

    Identical wordings are rare in real pages (each territory tells its own story), so
    statements are grouped by the word pairs they share rather than by their whole text.
    A concept whose statements are exactly those of a more widespread one is folded into it.
    """
    stated = _statements(theme)
    pages = _pages_by_id({s.page_id for s in stated})
    return _recurrences(kind, stated, pages, minimum, limit)


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
    return (*statements, *themes, hash(vocabulary))


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


def _compute_invariants(theme: Theme | None, minimum: int, limit: int | None) -> list[Invariants]:
    theme = ThemeRef(theme.slug, theme.label_fr, theme.label_en) if theme else None
    stated = _statements(theme.slug if theme else None)
    pages = _pages_by_id({s.page_id for s in stated})

    def group(each: Theme | None, rows: list[_Stated]) -> Invariants:
        return Invariants(
            each,
            _recurrences(LEVER, rows, pages, minimum, limit),
            _recurrences(OBSTACLE, rows, pages, minimum, limit),
        )

    if theme is not None:
        return [group(theme, stated)]
    groups = [group(None, stated)]
    themes_of = _page_themes()
    for each in all_themes():
        rows = [s for s in stated if each.slug in themes_of.get(s.page_id, ())]
        found = group(ThemeRef(each.slug, each.label_fr, each.label_en), rows)
        if found.levers or found.obstacles:
            groups.append(found)
    return groups
