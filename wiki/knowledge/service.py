"""Reading the wiki as a knowledge base: themes, territories, map, comparisons and the link graph.

Everything here is computed from the derived rows (Page columns, PageTheme, Statement, Link,
SlugRedirect) that wiki.pages.derived rebuilds at every save; nothing here touches the request.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import func, select, union
from sqlalchemy.orm import selectinload

from wiki import spreadsheet
from wiki.content.cog import Commune, get_commune, search_communes
from wiki.content.metadata import SCALES, SETTINGS, STATUSES
from wiki.content.slugs import slug_for
from wiki.content.text import fold
from wiki.extensions import db
from wiki.models import Link, Page, PageTheme, SlugRedirect, Statement, Theme

EXPERIENCE = "experience"
LEVER, OBSTACLE, REPLICATE = "lever", "obstacle", "replicate"
_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def sort_key(text: str | None) -> str:
    """French reading order: "Écoles" sorts with the e's, not after "z"."""
    return fold(text or "")


# --- Themes -------------------------------------------------------------------------------


@dataclass
class ThemeCount:
    theme: Theme
    experiences: int


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.slug)))


def themes_with_counts() -> list[ThemeCount]:
    """Every theme of the vocabulary, in the admins' order, with its number of experiences."""
    counts = dict(
        db.session.execute(
            select(PageTheme.theme, func.count(PageTheme.page_id))
            .join(Page, Page.id == PageTheme.page_id)
            .where(Page.type == EXPERIENCE)
            .group_by(PageTheme.theme)
        ).all()
    )
    return [ThemeCount(theme, counts.get(theme.slug, 0)) for theme in all_themes()]


def find_theme(name: str) -> Theme | None:
    """The theme with this slug, or whose slug or label reads the same once folded."""
    theme = db.session.get(Theme, name)
    if theme is not None:
        return theme
    wanted = fold(name)
    for theme in all_themes():
        if wanted in (fold(theme.slug), fold(theme.label_fr), fold(theme.label_en)):
            return theme
    return None


# --- Experiences and their statements ------------------------------------------------------


@dataclass
class Filters:
    """What a researcher narrows experiences by; empty values mean "any"."""

    theme: str | None = None
    scale: str | None = None
    setting: str | None = None
    status: str | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Filters:
        return cls(**{name: (values.get(name) or "").strip() or None for name in cls.names()})

    @staticmethod
    def names() -> tuple[str, ...]:
        return ("theme", "scale", "setting", "status")

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.names() if getattr(self, name)}


def _experiences_query(filters: Filters):
    query = select(Page).where(Page.type == EXPERIENCE)
    if filters.theme:
        query = query.where(
            Page.id.in_(select(PageTheme.page_id).where(PageTheme.theme == filters.theme))
        )
    for column in ("scale", "setting", "status"):
        value = getattr(filters, column)
        if value:
            query = query.where(getattr(Page, column) == value)
    return query


def experiences(filters: Filters | None = None, statements: bool = True) -> list[Page]:
    """Experience pages matching the filters, in reading order, with themes (and statements)."""
    loads = [selectinload(Page.themes)] + ([selectinload(Page.statements)] if statements else [])
    query = _experiences_query(filters or Filters()).options(*loads)
    return sorted(db.session.scalars(query), key=lambda page: sort_key(page.title))


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
        .where(Page.type == EXPERIENCE, Statement.key != "")
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


# --- Comparison table and CSV --------------------------------------------------------------

CSV_COLUMNS = (
    "title",
    "url",
    "territory",
    "insee",
    "scale",
    "setting",
    "status",
    "themes",
    "started",
    "levers",
    "obstacles",
    "replicate",
)
CSV_LIST_SEPARATOR = " | "


def comparison_vocabularies() -> dict[str, Iterable]:
    return {"scale": SCALES, "setting": SETTINGS, "status": STATUSES}


def comparison_csv(pages: list[Page], page_url: Callable[[Page], str], sep: str = ",") -> bytes:
    """The comparison table as CSV (see wiki.spreadsheet: BOM, no formulas, `sep`)."""
    rows = (
        [
            page.title,
            page_url(page),
            page.territory,
            page.insee,
            page.scale,
            page.setting,
            page.status,
            CSV_LIST_SEPARATOR.join(t.theme for t in page.themes),
            page.started,
            CSV_LIST_SEPARATOR.join(statements_of(page, LEVER)),
            CSV_LIST_SEPARATOR.join(statements_of(page, OBSTACLE)),
            CSV_LIST_SEPARATOR.join(statements_of(page, REPLICATE)),
        ]
        for page in pages
    )
    return "".join(spreadsheet.lines(CSV_COLUMNS, rows, sep)).encode("utf-8")


# --- Territories ---------------------------------------------------------------------------


@dataclass
class Territory:
    """The experiences of one place, addressed by INSEE code or by the slug of its name."""

    key: str
    name: str
    commune: Commune | None = None
    experiences: list[Page] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)  # its own wiki pages (type territory)


def _located_pages() -> list[Page]:
    return list(
        db.session.scalars(
            select(Page).where(
                Page.type.in_((EXPERIENCE, "territory")),
                (Page.insee.is_not(None)) | (Page.territory.is_not(None)),
            )
        )
    )


def territory_slug(name: str | None) -> str:
    """ "Pays d’Évian" -> "pays-d-evian": folded first, so both apostrophes separate words."""
    return slug_for(fold(name or ""))


def _territory_key(page: Page) -> str | None:
    return page.insee or territory_slug(page.territory) or None


def _add(territory: Territory, page: Page) -> None:
    (territory.experiences if page.type == EXPERIENCE else territory.pages).append(page)


def _sorted(territory: Territory) -> Territory:
    territory.experiences.sort(key=lambda page: sort_key(page.title))
    territory.pages.sort(key=lambda page: sort_key(page.title))
    return territory


def territories() -> list[Territory]:
    """Every territory that has pages, grouped by commune code when there is one."""
    found: dict[str, Territory] = {}
    for page in _located_pages():
        key = _territory_key(page)
        if not key:
            continue
        if key not in found:
            commune = get_commune(page.insee) if page.insee else None
            name = commune.name if commune else (page.territory or key)
            found[key] = Territory(key, name, commune)
        _add(found[key], page)
    return sorted((_sorted(t) for t in found.values()), key=lambda t: sort_key(t.name))


def find_territory(key: str) -> Territory | None:
    """The territory of a commune code ("59491") or a name slug ("raismes"); None if unknown."""
    key = key.strip()
    if _INSEE.match(key):
        code = key.upper()
        commune = get_commune(code)
        territory = Territory(code, commune.name if commune else code, commune)
        for page in _located_pages():
            if page.insee == code:
                _add(territory, page)
        if commune is None and not territory.experiences and not territory.pages:
            return None
        if commune is None:
            territory.name = next(p.territory for p in territory.experiences + territory.pages)
        return _sorted(territory)
    slug = territory_slug(key)
    if not slug:
        return None
    territory = Territory(slug, "")
    for page in _located_pages():
        commune = get_commune(page.insee) if page.insee else None
        if slug in (
            territory_slug(page.territory),
            territory_slug(commune.name) if commune else None,
        ):
            _add(territory, page)
            territory.name = territory.name or page.territory or commune.name
    codes = {p.insee for p in territory.experiences + territory.pages if p.insee}
    if len(codes) == 1:
        territory.commune = get_commune(codes.pop())
    if not territory.experiences and not territory.pages:
        communes = [
            c for c in search_communes(key.replace("-", " "), 50) if territory_slug(c.name) == slug
        ]
        if len(communes) != 1:
            return None
        territory.commune = communes[0]
    if territory.commune and not territory.name:
        territory.name = territory.commune.name
    return _sorted(territory)


def communes_for_autocomplete(query: str, limit: int = 10) -> list[dict]:
    """Communes whose name (accents ignored) or code starts with the query, for the editor."""
    return [
        {
            "code": commune.code,
            "name": commune.name,
            "department": commune.department,
            "lat": commune.lat,
            "lon": commune.lon,
        }
        for commune in search_communes(query or "", limit)
    ]


# --- Map ----------------------------------------------------------------------------------


@dataclass
class MapEntry:
    """An experience and where it shows on the map; `located` says where the point comes from."""

    page: Page
    lat: float | None
    lon: float | None
    located: str | None  # "page": its own coordinates; "commune": its commune's; None: nowhere
    commune: Commune | None = None


def map_entries(filters: Filters | None = None) -> list[MapEntry]:
    entries = []
    for page in experiences(filters, statements=False):
        commune = get_commune(page.insee) if page.insee else None
        if page.lat is not None and page.lon is not None:
            entries.append(MapEntry(page, page.lat, page.lon, "page", commune))
        elif commune is not None and commune.lat is not None and commune.lon is not None:
            entries.append(MapEntry(page, commune.lat, commune.lon, "commune", commune))
        else:
            entries.append(MapEntry(page, None, None, None, commune))
    return entries


def geojson(entries: list[MapEntry], page_url: Callable[[Page], str]) -> dict:
    """A GeoJSON FeatureCollection of the entries that have a point (lon, lat order)."""
    features = []
    for entry in entries:
        if entry.located is None:
            continue
        page = entry.page
        properties = {
            "title": page.title,
            "url": page_url(page),
            "territory": page.territory,
            "insee": page.insee,
            "status": page.status,
            "themes": [t.theme for t in page.themes],
            "located": entry.located,
            "approximate": entry.located == "commune",
        }
        if entry.located == "commune":
            properties["commune"] = entry.commune.name
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [entry.lon, entry.lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- Link graph ---------------------------------------------------------------------------


def old_slugs(page: Page) -> list[str]:
    return list(
        db.session.scalars(select(SlugRedirect.slug).where(SlugRedirect.page_id == page.id))
    )


def backlinks(page: Page) -> list[Page]:
    """Pages linking here, by the current slug or an old one: a rename keeps them."""
    slugs = [page.slug, *old_slugs(page)]
    sources = db.session.scalars(
        select(Page)
        .join(Link, Link.source_id == Page.id)
        .where(Link.target_slug.in_(slugs), Page.id != page.id)
        .distinct()
    )
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
        select(Page).where(Page.type != "template", Page.id.not_in(select(linked.c.page_id)))
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


# --- Theme vocabulary (admins) ----------------------------------------------------------------


class ThemeError(Exception):
    """A change to the vocabulary refused for a reason shown to the admin as is."""

    def __init__(self, message, pages: list[Page] | None = None):
        super().__init__(str(message))
        self.message = message
        self.pages = pages or []


def _clean_label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ThemeError(_l("Give the theme a label in French and in English."))
    return label[:128]


def _check_names_free(names: Iterable[str], but: str | None = None) -> None:
    """Labels and slugs are matched folded when reading front matter: they must not clash."""
    taken = {}
    for theme in all_themes():
        if theme.slug == but:
            continue
        for name in (theme.slug, theme.label_fr, theme.label_en):
            taken[fold(name)] = theme
    for name in names:
        other = taken.get(fold(name))
        if other is not None:
            raise ThemeError(
                _l(
                    "“%(name)s” is already used by the theme “%(theme)s”.",
                    name=name,
                    theme=other.label_fr,
                )
            )


def add_theme(label_fr: str, label_en: str, slug: str | None = None) -> Theme:
    label_fr, label_en = _clean_label(label_fr), _clean_label(label_en)
    slug = slug_for(slug or label_fr)[:64]
    if not slug:
        raise ThemeError(_l("The theme needs at least one letter or digit in its name."))
    _check_names_free([slug, label_fr, label_en])
    position = db.session.scalar(select(func.max(Theme.position)))
    theme = Theme(slug=slug, label_fr=label_fr, label_en=label_en, position=(position or 0) + 1)
    db.session.add(theme)
    db.session.commit()
    return theme


def update_theme(theme: Theme, label_fr: str, label_en: str) -> Theme:
    label_fr, label_en = _clean_label(label_fr), _clean_label(label_en)
    _check_names_free([label_fr, label_en], but=theme.slug)
    theme.label_fr, theme.label_en = label_fr, label_en
    db.session.commit()
    return theme


def move_theme(theme: Theme, offset: int) -> None:
    """Move a theme up (-1) or down (+1) in the list; positions are renumbered 0..n-1."""
    themes = all_themes()
    index = themes.index(theme)
    target = max(0, min(len(themes) - 1, index + offset))
    themes.insert(target, themes.pop(index))
    for position, each in enumerate(themes):
        each.position = position
    db.session.commit()


def pages_using_theme(theme: Theme) -> list[Page]:
    pages = db.session.scalars(
        select(Page)
        .join(PageTheme, PageTheme.page_id == Page.id)
        .where(PageTheme.theme == theme.slug)
    )
    return sorted(pages, key=lambda page: sort_key(page.title))


def remove_theme(theme: Theme) -> None:
    """Delete a theme no page uses; a theme in use is refused (pages would fail to save)."""
    used_by = pages_using_theme(theme)
    if used_by:
        raise ThemeError(
            _ln(
                "The theme “%(theme)s” is used by %(num)s page: remove it from its metadata first.",
                "The theme “%(theme)s” is used by %(num)s pages: remove it from their "
                "metadata first.",
                len(used_by),
                theme=theme.label_fr,
            ),
            pages=used_by,
        )
    db.session.delete(theme)
    db.session.commit()
