"""Index reads, the search façade: results with facets, snippets and suggestions.

A query never raises: whatever is typed, the researcher gets results (perhaps none) and, when
the query was changed to be understood, a notice saying how. The query language is in
wiki.search.language, the snippets in wiki.search.snippets, and everything that knows Whoosh's
internals in wiki.search.engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from whoosh import query

from wiki.content.cog import get_department, get_region
from wiki.content.metadata import DEFAULT_THEMES, SCALES, SETTINGS, STATUSES
from wiki.search import engine
from wiki.search.analysis import STOP_WORDS, facet_key, fold_accents
from wiki.search.language import (  # noqa: F401 (parse and understand: part of the façade)
    Understood,
    clean,
    parse,
    plain_words,
    understand,
)
from wiki.search.schema import FACET_FIELDS, TEXT_FIELDS
from wiki.search.snippets import matched_field, query_words, snippet
from wiki.search.store import IndexStore, searcher

PER_PAGE = 20
MAX_PER_PAGE = 100
FACET_VALUES_SHOWN = 20  # counting is over the matches, but a facet never lists more values
SUGGESTIONS = 8

FACET_VOCABULARIES = {"scale": SCALES, "setting": SETTINGS, "status": STATUSES}

SECTION_LABELS = {
    "levers": _l("Lever"),
    "obstacles": _l("Obstacle"),
    "replicate": _l("How to replicate"),
    "body": _l("Text"),
    "title": _l("Title"),
}
SORTS = ("relevance", "date")


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    page_id: int
    slug: str
    title: str
    territory: str
    insee: str
    themes: list[str]
    scale: str
    setting: str
    status: str
    author: str
    updated: datetime | None
    snippet: Markup = field(default_factory=Markup)
    snippet_text: str = ""
    matched_in: str = ""  # levers | obstacles | replicate | body | title | ""

    @property
    def matched_label(self) -> str:
        return str(SECTION_LABELS.get(self.matched_in, ""))


@dataclass
class SearchResults:
    query: str  # as typed (cleaned of control characters, cut if too long): "verrou:foncier"
    searched: str  # as given to the parser: "obstacles:foncier", or the plain-word fallback
    hits: list[Hit]
    total: int
    page: int
    pages: int
    per_page: int
    sort: str
    filters: dict[str, list[str]]
    facets: dict[str, list[FacetValue]]
    notices: list[str] = field(default_factory=list)
    did_you_mean: str | None = None


def index_dir() -> str:
    return current_app.config["SEARCH_INDEX_DIR"]


def search(
    q: str | None = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    directory: str | None = None,
) -> SearchResults:
    """One page of results for a query and facet filters, with facet counts and notices."""
    filters = {
        k: [facet_key(v) for v in vs if facet_key(v)]
        for k, vs in (filters or {}).items()
        if k in FACET_FIELDS
    }
    filters = {k: vs for k, vs in filters.items() if vs}
    sort = sort if sort in SORTS else "relevance"
    per_page = min(max(int(per_page or PER_PAGE), 1), MAX_PER_PAGE)
    understood = understand(q)
    notices = list(understood.notices)
    with searcher(directory or index_dir()) as s:
        parsed, more = parse(understood, s.schema)
        notices += more
        if parsed is None and understood.text.strip() and not notices:
            notices.append(_l("Your search only has very common words: showing all pages."))
        matches = engine.match(s, parsed)
        selected = {name: engine.having(s, name, keys) for name, keys in filters.items()}
        docs = _intersect(matches, selected.values())
        facets = {
            name: _facet_values(
                s,
                name,
                _intersect(matches, [d for n, d in selected.items() if n != name]),
                filters.get(name),
            )
            for name in FACET_FIELDS
        }
        total = len(docs)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(int(page or 1), 1), pages)
        hits = _page_of_hits(s, parsed, docs, bool(selected), sort, page, per_page) if total else []
        suggestion = None
        if total == 0 and understood.plain_words:
            suggestion = did_you_mean(s, understood, clean(q)[0])
    if IndexStore(directory or index_dir()).requeue_pending():
        # An index of an older schema was replaced by an empty one: have it filled again.
        from wiki.search.index import notify

        notify([])
    searched = understood.text if not understood.fallback else " ".join(understood.plain_words)
    return SearchResults(
        query=clean(q)[0],
        searched=searched,
        hits=hits,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        sort=sort,
        filters=filters,
        facets=facets,
        notices=[str(n) for n in notices],
        did_you_mean=suggestion,
    )


def export(
    q: str | None,
    filters: dict[str, list[str]] | None,
    sort: str = "relevance",
    directory: str | None = None,
) -> Iterator[Hit]:
    """Every hit of a search (for the CSV export), with the matched lever/obstacle as text."""
    first = search(q, filters, sort, page=1, per_page=MAX_PER_PAGE, directory=directory)
    yield from first.hits
    for number in range(2, first.pages + 1):
        yield from search(
            q, filters, sort, page=number, per_page=MAX_PER_PAGE, directory=directory
        ).hits


def _intersect(docs: set[int], others) -> set[int]:
    result = docs
    for other in others:
        result = result & other
    return result


def _facet_values(s, name: str, docs: set[int], selected: list[str] | None) -> list[FacetValue]:
    selected = selected or []
    values = [
        FacetValue(key, facet_label(name, key), count, key in selected)
        for key, count in engine.facet_counts(s, name, docs)
        if count or key in selected
    ]
    values.sort(key=lambda v: (not v.selected, -v.count, v.label))
    return values[:FACET_VALUES_SHOWN]


def facet_label(name: str, key: str) -> str:
    if name == "themes":
        from flask import has_app_context

        if has_app_context():
            from wiki.labels import theme_label

            return theme_label(key)
        return dict((slug, fr) for slug, fr, _en in DEFAULT_THEMES).get(key, key)
    if name in ("region", "department"):
        division = (get_region if name == "region" else get_department)(key)
        return division.name if division else key
    for value in FACET_VOCABULARIES.get(name, ()):
        if facet_key(value) == key:
            return value
    return key.replace("-", " ")


def _page_of_hits(
    s, parsed, docs: set[int], filtered: bool, sort: str, page: int, per_page: int
) -> list[Hit]:
    """The hits of one page, without counting the matches again (`docs` holds them all).

    By date (or with nothing to score), the newest of `docs`; by relevance, the best scored,
    filtered by the facet selection only when there is one (see wiki.search.engine.top).
    """
    start = (page - 1) * per_page
    if sort == "date" or parsed is None:
        top_n = engine.newest(s, docs, start + per_page)[start:]
    else:
        top_n = engine.top(s, parsed, docs, start + per_page, filtered)[start:]
    terms = query_words(parsed) if parsed else {}
    return [_hit(s.stored_fields(docnum), terms) for _score, docnum in top_n]


def _hit(stored: dict, terms: dict[str, set[str]]) -> Hit:
    matched_in = matched_field(stored, terms)
    hit = Hit(
        page_id=int(stored["id"]),
        slug=stored.get("slug", ""),
        title=stored.get("title", ""),
        territory=stored.get("territory", ""),
        insee=stored.get("insee", ""),
        themes=[t for t in stored.get("themes", "").split(",") if t],
        scale=facet_label("scale", stored.get("scale", "")) if stored.get("scale") else "",
        setting=facet_label("setting", stored.get("setting", "")) if stored.get("setting") else "",
        status=facet_label("status", stored.get("status", "")) if stored.get("status") else "",
        author=stored.get("author", ""),
        updated=stored.get("updated"),
    )
    hit.snippet, hit.snippet_text = snippet(stored, terms, matched_in)
    hit.matched_in = matched_in
    return hit


# -- did you mean, autocomplete -------------------------------------------------------------------


def did_you_mean(s, understood: Understood, typed: str | None = None) -> str | None:
    """The query with its unknown words replaced by the nearest indexed ones, if any.

    The words are replaced in `typed` (what the researcher wrote) when given, so that the
    suggestion reads "verrou:foncier", not the parser's "obstacles:foncier".
    """
    reader = s.reader()
    correctors = [
        reader.corrector(name) for name in TEXT_FIELDS if s.schema[name].separate_spelling()
    ]
    if not correctors:
        return None
    analyzer = s.schema["content"].analyzer
    changed = False
    text = typed if typed is not None else understood.text
    for word in dict.fromkeys(understood.plain_words):
        folded = fold_accents(word)
        if folded in STOP_WORDS or word.isdigit():
            continue
        analysed = [t.text for t in analyzer(word)]
        if analysed and any(s.doc_frequency(name, analysed[0]) for name in TEXT_FIELDS):
            continue
        # Nearest first: Whoosh's corrector ranks by frequency within `maxdist`, not by
        # distance, so distance 1 is asked before distance 2.
        candidates: set[str] = set()
        for maxdist in (1, 2):
            candidates = {
                c
                for corrector in correctors
                for c in corrector.suggest(folded, limit=3, maxdist=maxdist, prefix=1)
            }
            if candidates:
                break
        if candidates:
            best = min(candidates, key=lambda c: (-_frequency(s, c), c))
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, text, count=1)
            changed = True
    return text if changed else None


def _frequency(s, word: str) -> int:
    analysed = [t.text for t in s.schema["content"].analyzer(word)]
    return sum(s.doc_frequency(name, analysed[0]) for name in TEXT_FIELDS) if analysed else 0


def suggest(
    prefix: str | None, limit: int = SUGGESTIONS, directory: str | None = None
) -> list[dict[str, str]]:
    """Page titles starting with what is typed ("jard parta" -> "Jardin partagé …")."""
    text, _notices = clean(prefix)
    words = [fold_accents(w)[:20] for w in plain_words(text)][:8]
    if not words or sum(len(w) for w in words) < 2:
        return []
    q = query.And([query.Term("title_prefix", w) for w in words])
    with searcher(directory or index_dir()) as s:
        results = s.search(q, limit=limit, sortedby=["title_sort"])
        return [{"title": r["title"], "slug": r["slug"]} for r in results]
