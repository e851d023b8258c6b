"""Index reads, the search façade: results with facets, snippets and suggestions.

A query never raises: whatever is typed, the researcher gets results (perhaps none) and, when
the query was changed to be understood, a notice saying how. The query language is in
wiki.search.language, the snippets in wiki.search.snippets, and everything that knows Whoosh's
internals in wiki.search.engine.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from whoosh import query

from wiki.content.cog import get_department, get_region
from wiki.content.metadata import DEFAULT_THEMES, SCALES, SETTINGS, STATUSES
from wiki.search import engine, semantics
from wiki.search.analysis import STOP_WORDS, facet_key, fold_accents
from wiki.search.hits import Hit, hits_of
from wiki.search.hits import forget as forget_hits  # noqa: F401 (benchmarks)
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

SORTS = ("relevance", "date")


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool


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
    corrected: str | None = None  # the query searched instead, some words corrected
    missing: list[str] = field(default_factory=list)  # words typed that no page holds
    exact: bool = False  # searched as typed, without corrections
    complete: int | None = None  # results holding every plain word (None: not counted)


def index_dir() -> str:
    return current_app.config["SEARCH_INDEX_DIR"]


def search(
    q: str | None = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    directory: str | None = None,
    exact: bool = False,
) -> SearchResults:
    """One page of results for a query and facet filters, with facet counts and notices.

    `exact`: search the words as typed, without correcting those that match nothing.
    """
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
        plan = _plan(s, understood, clean(q)[0], exact)
        if plan is not None:
            parsed, matches = plan.query, plan.docs
            notices += plan.notices
        else:
            parsed, more = parse(understood, s.schema)
            notices += more
            matches = engine.match_bits(s, parsed)
        if parsed is None and understood.text.strip() and not notices:
            notices.append(_l("Your search only has very common words: showing all pages."))
        # Documents are bitmaps (wiki.search.engine.match_bits): a common word matches tens of
        # thousands of pages at 100k; the total and the facet counts are popcounts.
        selected = {name: engine.having_bits(s, name, keys) for name, keys in filters.items()}
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
        total = docs.bit_count()
        pages = max(1, math.ceil(total / per_page))
        page = min(max(int(page or 1), 1), pages)
        hits = (
            _page_of_hits(s, parsed, docs, bool(selected), sort, page, per_page, plan)
            if total
            else []
        )
        suggestion = None
        if total == 0 and understood.plain_words:
            suggestion = did_you_mean(s, understood, clean(q)[0])
    if IndexStore(directory or index_dir()).requeue_pending():
        # An index of an older schema was replaced by an empty one: have it filled again.
        from wiki.search.worker import notify

        notify([])
    searched = understood.text if not understood.fallback else " ".join(understood.plain_words)
    typed = clean(q)[0]
    return SearchResults(
        query=typed,
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
        corrected=_corrected(typed, _as_written(plan.reading.corrections, hits))
        if plan and total
        else None,
        missing=plan.reading.missing if plan else [],
        exact=exact,
        complete=semantics.complete(plan.coordination, docs)
        if plan and plan.coordination
        else None,
    )


@dataclass
class _Plan:
    """A query of plain words read by wiki.search.semantics: its pages and how to rank them."""

    query: query.Query | None  # for scoring and snippets: the clauses and what is required
    docs: int  # a bitmap
    reading: semantics.Reading | None
    coordination: semantics.Coordination | None
    notices: list


def _plan(s, understood: Understood, typed: str, exact: bool) -> _Plan | None:
    """Plain words read as the best engines do (None: the parser reads the query as written)."""
    text = " ".join(understood.plain_words) if understood.fallback else typed
    if not semantics.is_plain(text):
        return None
    required_text, words = semantics.split(text)
    if not words:
        return None
    notices: list = []
    positive, negative = semantics.signed(required_text)
    required = None
    if positive:
        required, more = parse(understand(positive), s.schema)
        notices += more
    within = engine.match_bits(s, required) if required is not None else None
    if negative:
        excluded, more = parse(understand(negative), s.schema)
        notices += more
        if excluded is not None:
            within = (within if within is not None else engine.match_bits(s, None)) & ~(
                engine.match_bits(s, excluded)
            )
    reading = semantics.read(s, words, within, exact)
    notices += reading.notices
    if not reading.clauses:  # only stop words, or words no page holds
        if required is None and reading.missing:
            return _Plan(None, 0, reading, None, notices)
        docs = within if within is not None else engine.match_bits(s, None)
        return _Plan(required, docs, reading, None, notices)
    coordination = semantics.coordinate(reading, within)
    if coordination.total and not semantics.complete(coordination, coordination.docs):
        notices.append(_l("No page holds all your words: the pages with most of them come first."))
    return _Plan(
        semantics.ranking_query(reading, required),
        coordination.docs,
        reading,
        coordination,
        notices,
    )


def _as_written(corrections: dict[str, str], hits: list[Hit]) -> dict[str, str]:
    """Corrections with their accents as the pages write them ("photovoltaique" -> "…aïque").

    The spelling words of the index are folded; the hits shown hold the word as written.
    """
    written = {}
    for typed, folded in corrections.items():
        written[typed] = folded
        for hit in hits:
            found = next(
                (
                    w
                    for w in re.findall(r"\w+", f"{hit.title} {hit.snippet_text}")
                    if fold_accents(w) == folded
                ),
                None,
            )
            if found:
                written[typed] = found.lower() if not typed[:1].isupper() else found
                break
    return written


def _corrected(typed: str, corrections: dict[str, str]) -> str | None:
    """The query as searched, when some of its words were corrected."""
    if not corrections:
        return None
    for word, better in corrections.items():
        typed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, typed, count=1)
    return typed


def export(
    q: str | None,
    filters: dict[str, list[str]] | None,
    sort: str = "relevance",
    directory: str | None = None,
    exact: bool = False,
) -> Iterator[Hit]:
    """Every hit of a search (for the CSV export), with the matched lever/obstacle as text."""
    options = {"per_page": MAX_PER_PAGE, "directory": directory, "exact": exact}
    first = search(q, filters, sort, page=1, **options)
    yield from first.hits
    for number in range(2, first.pages + 1):
        yield from search(q, filters, sort, page=number, **options).hits


def _intersect(docs: int, others) -> int:
    result = docs
    for other in others:
        result = result & other
    return result


def _facet_values(s, name: str, docs: int, selected: list[str] | None) -> list[FacetValue]:
    selected = selected or []
    labels = tag_labels() if name == "tags" else None
    values = [
        FacetValue(
            key,
            labels.get(key, key) if labels is not None else facet_label(name, key),
            count,
            key in selected,
        )
        for key, count in engine.facet_counts(s, name, docs)
        if count or key in selected
    ]
    values.sort(key=lambda v: (not v.selected, -v.count, v.label))
    return values[:FACET_VALUES_SHOWN]


def tag_labels() -> dict[str, str]:
    """Facet key -> tag as written ("circuits-courts" -> "circuits courts"), from the database."""
    from flask import has_app_context

    if not has_app_context():
        return {}
    from wiki.extensions import db

    labels: dict[str, str] = {}
    for tag in db.session.scalars(_tags()):
        labels.setdefault(facet_key(tag), tag)
    return labels


@functools.cache
def _tags():
    """The statement of tag_labels(), built once (every search asks it)."""
    from sqlalchemy import select

    from wiki.models import PageTag

    return select(PageTag.tag).distinct().order_by(PageTag.tag)


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
    value = _vocabulary_keys().get(name, {}).get(key)
    return value if value is not None else key.replace("-", " ")


def _vocabulary_keys() -> dict[str, dict[str, str]]:
    """Facet key -> value of each fixed vocabulary, the first value of each key (a results
    page labels ~100 facet values and 3 per hit: facet_key() once per value, not per label)."""
    global _VOCABULARY_KEYS
    if _VOCABULARY_KEYS is None:
        keys: dict[str, dict[str, str]] = {}
        for name, values in FACET_VOCABULARIES.items():
            for value in values:
                keys.setdefault(name, {}).setdefault(facet_key(value), value)
        _VOCABULARY_KEYS = keys
    return _VOCABULARY_KEYS


_VOCABULARY_KEYS: dict[str, dict[str, str]] | None = None


def _page_of_hits(
    s, parsed, docs: int, filtered: bool, sort: str, page: int, per_page: int, plan=None
) -> list[Hit]:
    """The hits of one page, without counting the matches again (`docs` holds them all).

    By date (or with nothing to score), the newest of `docs`; by relevance, the best scored,
    filtered by the facet selection only when there is one (see wiki.search.engine.top). Plain
    words (`plan`) rank the pages holding more of them first (wiki.search.semantics).
    """
    start = (page - 1) * per_page
    coordination = plan.coordination if plan is not None else None
    if sort == "date" or parsed is None:
        top_n = engine.newest(s, docs, start + per_page)[start:]
    elif coordination is not None:
        top_n = semantics.rank(s, parsed, coordination, docs, start + per_page)[start:]
    else:
        top_n = engine.top(s, parsed, docs, start + per_page, filtered)[start:]
    terms = query_words(parsed) if parsed else {}
    docnums = [docnum for _score, docnum in top_n]
    hits = hits_of(s, docnums, terms, _hit, keep=per_page <= PER_PAGE)
    if coordination is not None:
        for hit, (_score, docnum) in zip(hits, top_n, strict=True):
            hit.missing = semantics.words_missing_from(docnum, plan.reading)
    return hits


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
