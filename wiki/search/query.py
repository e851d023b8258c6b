"""Index reads: query parsing with a plain-word fallback, facets, snippets, suggestions.

A query never raises: whatever is typed, the researcher gets results (perhaps none) and, when
the query was changed to be understood, a notice saying how.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from whoosh import highlight, query
from whoosh.qparser import MultifieldParser, plugins
from whoosh.qparser.syntax import AndGroup
from whoosh.searching import Results

from wiki.content.cog import department_list, get_department, get_region, region_list
from wiki.content.metadata import DEFAULT_THEMES, SCALES, SETTINGS, STATUSES
from wiki.search import scoring as bm25f
from wiki.search.analysis import STOP_WORDS, facet_key, fold, french_analyzer, stems
from wiki.search.postings import (
    bitmap,
    column,
    deleted,
    doc_ids,
    facet_bits,
    lexicon,
    positions,
    searcher_cache,
)
from wiki.search.schema import FACET_FIELDS, SECTION_FIELDS, TEXT_FIELDS
from wiki.search.store import IndexStore, searcher

MAX_QUERY_CHARS = 500  # a 10 KB paste is cut here: no one types more, and parsing stays cheap
MAX_WORDS = 40
PER_PAGE = 20
MAX_PER_PAGE = 100
FACET_VALUES_SHOWN = 20  # counting is over the matches, but a facet never lists more values
SUGGESTIONS = 8
# Snippets and "matched in" look at the first 20,000 characters of a field: a 1 MB page among
# the hits would otherwise be analysed whole, for every search that shows it.
SNIPPET_SCAN_CHARS = 20_000

# Prefixes people type -> field of the index. English and French, with or without accents.
FIELD_PREFIXES = {
    "levers": ("levier", "leviers", "lever", "levers"),
    "obstacles": ("verrou", "verrous", "obstacle", "obstacles", "frein", "freins"),
    "replicate": ("essaimer", "essaimage", "replicate"),
    "themes": ("theme", "themes"),
    "tags": ("tag", "tags", "motcle", "mot-cle", "mots-cles"),
    "actors": ("acteur", "acteurs", "actor", "actors"),
    "territory": ("territoire", "territory"),
    "region": ("region", "regions"),
    "department": ("departement", "departements", "department", "dept"),
    "status": ("statut", "status"),
    "scale": ("echelle", "scale"),
    "setting": ("milieu", "setting"),
    "author": ("auteur", "author"),
    "title": ("titre", "title"),
}
PREFIX_FIELDS = {alias: name for name, aliases in FIELD_PREFIXES.items() for alias in aliases}
KEY_FIELDS = ("themes", "tags", "status", "scale", "setting", "author", "region", "department")

FACET_VOCABULARIES = {"scale": SCALES, "setting": SETTINGS, "status": STATUSES}
# Other words for the values, as the front matter also accepts them ("done" for "terminé").
VALUE_ALIASES = {
    "status": {
        "idea": "idee",
        "ongoing": "en-cours",
        "done": "termine",
        "finished": "termine",
        "fini": "termine",
        "abandoned": "abandonne",
    },
    "setting": {"urban": "urbain", "periurban": "periurbain", "peri-urbain": "periurbain"},
    "scale": {
        "neighbourhood": "quartier",
        "neighborhood": "quartier",
        "municipality": "commune",
        "epci": "intercommunalite",
        "department": "departement",
        "region": "region",
    },
}

SECTION_LABELS = {
    "levers": _l("Lever"),
    "obstacles": _l("Obstacle"),
    "replicate": _l("How to replicate"),
    "body": _l("Text"),
    "title": _l("Title"),
}
SORTS = ("relevance", "date")

_PREFIXED = re.compile(
    r"(?<![\w:])(?P<name>[^\W\d_][\w-]*):(?P<value>\"[^\"]*\"?|\([^()]*\)?|[^\s()\"]*)"
)
_EXCLUDE = re.compile(r"(?:(?<=[\s(])|^)-(?=[\w\"(])")
_REQUIRE = re.compile(r"(?:(?<=[\s(])|^)\+(?=[\w\"(])")
_WORD = re.compile(r"\w+")
_OPERATORS = {"AND", "OR", "NOT", "ET", "OU", "SAUF"}


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


# -- the query string -----------------------------------------------------------------------------


@dataclass
class Understood:
    """What was made of a query string: the text for the parser and what to tell the user."""

    text: str
    notices: list[str]
    plain_words: list[str]  # words not under a prefix: candidates for "did you mean"
    fallback: bool = False


def clean(raw: str | None) -> tuple[str, list[str]]:
    """Printable text of reasonable length."""
    notices: list[str] = []
    text = "".join(
        " " if unicodedata.category(c)[0] in "CZ" and c not in "\u00a0\u202f" else c
        for c in (raw or "")
    )
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        notices.append(
            _l(
                "Your search was very long: only its first %(n)s characters were used.",
                n=MAX_QUERY_CHARS,
            )
        )
    words = text.split()
    if len(words) > MAX_WORDS:
        text = " ".join(words[:MAX_WORDS])
        notices.append(_l("Only the first %(n)s words of your search were used.", n=MAX_WORDS))
    return text, notices


def understand(raw: str | None) -> Understood:
    text, notices = clean(raw)
    unbalanced = text.count('"') % 2 == 1 or not _balanced(text)
    if unbalanced:
        words = _plain_words(text)
        notices.append(
            _l("Your search has an unclosed quote or parenthesis: it was read as plain words.")
        )
        return Understood(" ".join(words), notices, words, fallback=True)
    plain_parts = []

    def rewrite(match: re.Match) -> str:
        name, value = match.group("name"), match.group("value")
        target = PREFIX_FIELDS.get(fold(name))
        if target is None:  # "http:", "12:30", "note:" — not a field: keep the words
            plain_parts.append(f"{name} {value}")
            return f"{name} {value}"
        if not value.strip('"()').strip():
            notices.append(
                _l(
                    "“%(prefix)s:” needs a word after it (for example %(example)s); it was left "
                    "out.",
                    prefix=name,
                    example=_EXAMPLES.get(target, f"{name}:energie"),
                )
            )
            return " "
        if target in KEY_FIELDS:
            keys = [_value_key(target, v) for v in _values(value)]
            keys = [k for k in keys if k]
            if not keys:
                return " "
            return f"{target}:({' OR '.join(keys)})" if len(keys) > 1 else f"{target}:{keys[0]}"
        return f"{target}:{value}"

    rewritten = _PREFIXED.sub(rewrite, text)
    for part in _PREFIXED.split(text)[::3]:
        plain_parts.append(part)
    rewritten = _REQUIRE.sub("", _EXCLUDE.sub("NOT ", rewritten))
    words = [w for w in _plain_words(" ".join(plain_parts)) if w not in _OPERATORS]
    return Understood(rewritten, notices, words)


_EXAMPLES = {
    "themes": "theme:energie",
    "tags": "tag:compost",
    "actors": "acteur:mairie",
    "status": "statut:termine",
    "scale": "echelle:commune",
    "setting": "milieu:rural",
    "author": "auteur:camille",
    "levers": "levier:elus",
    "obstacles": "verrou:foncier",
    "replicate": "essaimer:convention",
    "territory": "territoire:raismes",
    "title": "titre:jardin",
    "region": "region:occitanie",
    "department": "departement:nord",
}


def _balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r'"[^"]*"', "", text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _plain_words(text: str) -> list[str]:
    return _WORD.findall(text.replace("_", " "))


def _values(value: str) -> list[str]:
    value = value.strip("()")
    if value.startswith('"'):
        return [value.strip('"')]
    return [v for v in value.split() if v not in _OPERATORS]


def _value_key(field_name: str, value: str) -> str:
    key = facet_key(value)
    if field_name == "themes":
        return _theme_slug(key)
    if field_name == "author":
        return value.lower()
    if field_name in ("region", "department"):
        return _division_code(field_name, key)
    return VALUE_ALIASES.get(field_name, {}).get(key, key)


def _division_code(field_name: str, key: str) -> str:
    """A region's or department's code from its code or name: "occitanie" -> "76", "2a"."""
    names = _division_names(field_name)
    if key.upper() in names:
        return key.lower()
    by_name = {facet_key(name): code.lower() for code, name in names.items()}
    return by_name.get(key, key)


def _division_names(field_name: str) -> dict[str, str]:
    return {
        d.code: d.name for d in (region_list() if field_name == "region" else department_list())
    }


def _theme_slug(key: str) -> str:
    themes = _theme_vocabulary()
    for slug, labels in themes.items():
        if key == slug or key in labels:
            return slug
    starting = [
        slug
        for slug, labels in themes.items()
        if slug.startswith(key) or any(label.startswith(key) for label in labels)
    ]
    return starting[0] if len(starting) == 1 else key


def _theme_vocabulary() -> dict[str, tuple[str, ...]]:
    from wiki.extensions import db
    from wiki.models import Theme

    try:
        rows = [(t.slug, t.label_fr, t.label_en) for t in db.session.query(Theme).all()]
    except Exception:  # no application context (benchmarks): the default vocabulary
        rows = []
    rows = rows or DEFAULT_THEMES
    return {slug: (facet_key(fr), facet_key(en)) for slug, fr, en in rows}


def _parser(schema) -> MultifieldParser:
    parser = MultifieldParser(list(TEXT_FIELDS), schema, group=AndGroup)
    # No wildcards, ranges, boosts, `*:*` or single quotes: French apostrophes are not quotes.
    for plugin_type in (
        plugins.WildcardPlugin,
        plugins.RangePlugin,
        plugins.BoostPlugin,
        plugins.EveryPlugin,
        plugins.SingleQuotePlugin,
        plugins.OperatorsPlugin,
    ):
        parser.remove_plugin_class(plugin_type)
    parser.add_plugin(
        plugins.OperatorsPlugin(
            And=r"(?<=\s)(?:AND|ET)(?=\s)",
            Or=r"(?<=\s)(?:OR|OU)(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(?:NOT|SAUF)(?=\s)",
            AndNot=r"(?<=\s)ANDNOT(?=\s)",
            AndMaybe=r"(?<=\s)ANDMAYBE(?=\s)",
            Require=r"(?<=\s)REQUIRE(?=\s)",
        )
    )
    return parser


def parse(understood: Understood, schema) -> tuple[query.Query | None, list[str]]:
    """The Whoosh query (None: nothing to search for) and any further notice."""
    notices: list[str] = []
    parsed = None
    if not understood.fallback:
        try:
            parsed = _parser(schema).parse(understood.text)
        except Exception:
            notices.append(_l("Your search could not be understood: it was read as plain words."))
            understood.fallback = True
    if understood.fallback:
        words = " ".join(w for w in understood.plain_words if w not in _OPERATORS)
        parsed = _parser(schema).parse(words)
    parsed = parsed.normalize() if parsed is not None else None
    if parsed is None or parsed is query.NullQuery:
        return None, notices
    if _only_negative(parsed):
        notices.append(_l("A search cannot only exclude words: the exclusion was ignored."))
        return None, notices
    return parsed, notices


def _only_negative(q: query.Query) -> bool:
    if isinstance(q, query.Not):
        return True
    if isinstance(q, query.And):
        return all(isinstance(sub, query.Not) for sub in q.subqueries)
    return False


# -- searching ------------------------------------------------------------------------------------


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
        matches = _matching_docs(s, parsed or query.Every())
        selected = {name: _facet_docs(s, name, keys) for name, keys in filters.items()}
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


def _matching_docs(s, q: query.Query) -> set[int]:
    """Document numbers matching `q`, computed with set operations on the posting lists.

    Whoosh's docs_for_query() walks nested union/intersection matchers one document at a time,
    in Python: ~60 ms for two common words over 10k pages. Reading each posting list whole and
    combining them as sets gives the same documents several times faster. Query types other than
    terms, AND, OR, NOT and "everything" (phrases) are left to Whoosh.
    The posting lists include deleted documents (wiki.search.postings): they are taken out
    here, once.
    """
    docs = _docs(s, q)
    gone = deleted(s)
    return set(docs - gone) if gone and docs else set(docs)


def _docs(s, q: query.Query) -> set[int]:
    kind = type(q)
    if kind is query.Term:
        return _term_docs(s, q.fieldname, q.text)
    if kind is query.Every and not q.fieldname:
        return _all_docs(s)
    if kind is query.Or and not getattr(q, "minmatch", 0):
        result: set[int] = set()
        for sub in q.subqueries:
            result |= _docs(s, sub)
        return result
    if kind is query.And:
        positive = [sub for sub in q.subqueries if type(sub) is not query.Not]
        negative = [sub.query for sub in q.subqueries if type(sub) is query.Not]
        if not positive:
            return _all_docs(s) - _union(s, negative)
        sets = sorted((_docs(s, sub) for sub in positive), key=len)
        result = set(sets[0])
        for other in sets[1:]:
            result &= other
        return result - _union(s, negative) if negative and result else result
    if kind is query.AndNot:
        result = _docs(s, q.a)
        return result - _docs(s, q.b) if result else result
    if kind is query.Not:
        return _all_docs(s) - _docs(s, q.query)
    if kind is query.AndMaybe:
        return _docs(s, q.a)
    if kind is query.Require:
        return _docs(s, q.a) & _docs(s, q.b)
    if kind is query.NullQuery.__class__:
        return set()
    if kind is query.Phrase and q.slop == 1 and q.words:
        return _phrase_docs(s, q.fieldname, q.words)
    return set(s.docs_for_query(q))


def _phrase_docs(s, fieldname: str, words: list[str]) -> set[int]:
    """Documents holding `words` at consecutive positions (a Phrase of slop 1).

    Whoosh finds them with span matchers, one position list at a time in pure Python (~100 ms
    for a common phrase at 10k pages); here the documents holding every word come from the
    posting lists as sets, and only their positions are compared.
    """
    candidates = None
    for word in set(words):
        found = _term_docs(s, fieldname, word)
        candidates = found if candidates is None else candidates & found
        if not candidates:
            return set()
    if len(words) == 1:
        return candidates
    found = {word: positions(s, fieldname, word) for word in set(words)}
    first, rest = found[words[0]], list(enumerate(words))[1:]
    result: set[int] = set()
    for docnum in candidates:
        others = [(i, found[word][docnum]) for i, word in rest]
        if any(all(p + i in where for i, where in others) for p in first[docnum]):
            result.add(docnum)
    return result


def _scoring(q: query.Query) -> query.Query:
    """`q` with its phrases scored as their words: the same score for a phrase's documents.

    Whoosh scores a phrase by the sum of its terms' scores, after matching the positions again;
    with the matching documents known (the search filter), the terms alone give the same
    ranking without that second pass. Phrases under NOT are kept: they decide what is left out.
    """
    kind = type(q)
    if kind is query.Phrase and q.slop == 1 and q.words:
        return query.And([query.Term(q.fieldname, w) for w in q.words], boost=q.boost)
    if kind is query.Not:
        return q
    if kind is query.AndNot:
        return query.AndNot(_scoring(q.a), q.b)
    if q.is_leaf():
        return q
    return q.apply(_scoring)


def _union(s, queries) -> set[int]:
    result: set[int] = set()
    for sub in queries:
        result |= _docs(s, sub)
    return result


def _term_docs(s, fieldname: str, text) -> frozenset[int]:
    return doc_ids(s, fieldname, text)


def _all_docs(s) -> frozenset[int]:
    """Every live document (reader.all_doc_ids() asks is_deleted() of each: slow)."""
    cache = searcher_cache(s)
    if "all" not in cache:
        cache["all"] = frozenset(range(s.doc_count_all())) - deleted(s)
    return cache["all"]


def _facet_docs(s, name: str, keys: list[str]) -> set[int]:
    docs: set[int] = set()
    for key in keys:
        docs |= _term_docs(s, name, key)
    return docs


def _intersect(docs: set[int], others) -> set[int]:
    result = docs
    for other in others:
        result = result & other
    return result


def _facet_values(s, name: str, docs: set[int], selected: list[str] | None) -> list[FacetValue]:
    selected = selected or []
    values = []
    matches = bitmap(docs)  # counted as bitmaps: one C operation a value (see postings)
    labels = tag_labels() if name == "tags" else None
    for key in _lexicon(s, name):
        if not key:  # pages without a value (no scale given): not a choice to offer
            continue
        count = (matches & facet_bits(s, name, key)).bit_count()
        if count or key in selected:
            label = labels.get(key, key) if labels is not None else facet_label(name, key)
            values.append(FacetValue(key, label, count, key in selected))
    values.sort(key=lambda v: (not v.selected, -v.count, v.label))
    return values[:FACET_VALUES_SHOWN]


def _lexicon(s, name: str) -> list[str]:
    """The values of a facet field, e.g. every theme used (read per segment, see postings)."""
    cache = searcher_cache(s)
    if ("lexicon", name) not in cache:
        cache[("lexicon", name)] = [
            term.decode("utf-8") if isinstance(term, bytes) else term for term in lexicon(s, name)
        ]
    return cache[("lexicon", name)]


def tag_labels() -> dict[str, str]:
    """Facet key -> tag as written ("circuits-courts" -> "circuits courts"), from the database."""
    from flask import has_app_context

    if not has_app_context():
        return {}
    from sqlalchemy import select

    from wiki.extensions import db
    from wiki.models import PageTag

    labels: dict[str, str] = {}
    for tag in db.session.scalars(select(PageTag.tag).distinct().order_by(PageTag.tag)):
        labels.setdefault(facet_key(tag), tag)
    return labels


def facet_label(name: str, key: str) -> str:
    if name == "themes":
        from flask import has_app_context

        if has_app_context():
            from wiki.web import theme_label

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

    By date (or with nothing to score), the newest of `docs` are taken from the "updated"
    column: no pass over the query. By relevance, Whoosh scores the top page, filtered by the
    facet selection only when there is one (a filter set is checked on every match).
    """
    start = (page - 1) * per_page
    if sort == "date" or parsed is None:
        updated = _updated_column(s)
        top = heapq.nlargest(start + per_page, docs, key=lambda d: (updated[d], d))[start:]
        top_n = [(updated[d], d) for d in top]
    else:
        scoring = _scoring(parsed)
        ranked = bm25f.top(s, scoring, docs, start + per_page, lambda sub: _docs(s, sub))
        if ranked is None:  # a query part the ranker does not score: Whoosh does it
            exact = filtered or scoring != parsed  # a phrase's words also match elsewhere
            ranked = s.search(
                scoring, limit=start + per_page, filter=set(docs) if exact else None
            ).top_n
        top_n = ranked[start:]
    results = Results(s, parsed or query.Every(), top_n)
    terms = _query_words(parsed) if parsed else {}
    return [_hit(results[i], terms) for i in range(len(top_n))]


def _updated_column(s) -> list:
    return column(s, "updated")


def _hit(result, terms: dict[str, set[str]]) -> Hit:
    stored = result.fields()
    matched_in = _matched_field(stored, terms)
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
    source = matched_in if matched_in in (*SECTION_FIELDS, "body") else "body"
    html = plain = ""
    if matched_in in (*SECTION_FIELDS, "body"):
        html = _highlight(stored.get(source) or "", _words_for(terms, source), source, _HTML)
        plain = Markup(html).striptags()  # noqa: S704 (escaped by Whoosh, see below)
    if not html:
        text = stored.get(source) or stored.get("body", "")
        plain = _start_of(text)
        html = Markup.escape(plain)
    # Whoosh's HtmlFormatter escapes the page text; only its own <mark> tags are HTML.
    hit.snippet = Markup(html)  # noqa: S704
    hit.snippet_text, hit.matched_in = plain, matched_in
    return hit


_MATCH_ORDER = (*SECTION_FIELDS, "body", "title")


def _query_words(parsed: query.Query) -> dict[str, set[str]]:
    """Indexed words of the query's positive terms, by field ("content" for plain words)."""
    words: dict[str, set[str]] = {}
    for name, text in _positive_terms(parsed):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        words.setdefault(name, set()).add(text)
    return words


def _words_for(terms: dict[str, set[str]], name: str) -> set[str]:
    """The query words that may have matched in stored field `name` of a hit."""
    return terms.get("content", set()) | terms.get(name, set())


def _matched_field(stored: dict, terms: dict[str, set[str]]) -> str:
    """The part of a hit where most query words occur (sections first on a tie, title last).

    Plain words are searched in the catch-all "content" field, which cannot say where a word
    was: the stored texts of the shown hits (20 or so) are looked at instead.
    """
    if not terms:
        return ""
    best, best_count = "", 0
    for name in _MATCH_ORDER:
        words = _words_for(terms, name)
        text = stored.get(name)
        if not words or not text:
            continue
        count = len(words & stems(text[:SNIPPET_SCAN_CHARS]))
        if count > best_count:
            best, best_count = name, count
    return best


def _positive_terms(q: query.Query):
    """(field, text) of the terms a matching document may contain (not those under NOT)."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from _positive_terms(q.a)
        return
    if q.is_leaf():
        try:
            yield from q.terms(phrases=True)
        except Exception:
            return
        return
    for child in q.children():
        yield from _positive_terms(child)


_HTML = highlight.HtmlFormatter(tagname="mark", classname="match", between=" … ")
_FRAGMENTERS = {
    # One lever or obstacle is one line: the snippet is the statement itself.
    "section": None,  # set below: LineFragmenter
    "body": highlight.ContextFragmenter(maxchars=240, surround=60),
}


class LineFragmenter(highlight.Fragmenter):
    """One fragment per line holding a match: section fields store one lever or obstacle a line.

    Whoosh's SentenceFragmenter cannot do this: it never breaks after "." followed by "\n" (two
    end characters in a row read as "...").
    """

    def fragment_tokens(self, text, tokens):
        line_ends = [i for i, char in enumerate(text) if char == "\n"] + [len(text)]
        matched: dict[int, list] = {}
        for token in tokens:
            if token.matched:
                line = bisect.bisect_left(line_ends, token.startchar)
                matched.setdefault(line, []).append(token.copy())
        for line, found in sorted(matched.items()):
            start = line_ends[line - 1] + 1 if line else 0
            yield highlight.mkfrag(text, found, startchar=start, endchar=line_ends[line])


_FRAGMENTERS["section"] = LineFragmenter()


_ANALYZER = french_analyzer()


def _highlight(text: str, words: set[str], name: str, formatter) -> str:
    """Fragments of a stored text around the query's words, as Whoosh's highlight_hit makes.

    highlight_hit() takes the query terms of the field being shown, and plain words are in
    "content": the words are given here instead.
    """
    if not text or not words:
        return ""
    text = text[:SNIPPET_SCAN_CHARS]
    fragmenter = _FRAGMENTERS["body" if name == "body" else "section"]
    highlighter = highlight.Highlighter(fragmenter=fragmenter, formatter=formatter)
    try:
        tokens = _ANALYZER(text, positions=True, chars=True, mode="index", removestops=False)
        tokens = highlight.set_matched_filter(tokens, frozenset(words))
        tokens = highlighter._merge_matched_tokens(tokens)
        fragments = fragmenter.fragment_tokens(text, tokens)
        fragments = highlight.top_fragments(
            fragments, 2, highlighter.scorer, highlighter.order, minscore=1
        )
        return formatter.format(fragments)
    except Exception:
        return ""


def _start_of(text: str, length: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"


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
        folded = fold(word)
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
    words = [fold(w)[:20] for w in _plain_words(text)][:8]
    if not words or sum(len(w) for w in words) < 2:
        return []
    q = query.And([query.Term("title_prefix", w) for w in words])
    with searcher(directory or index_dir()) as s:
        results = s.search(q, limit=limit, sortedby=["title_sort"])
        return [{"title": r["title"], "slug": r["slug"]} for r in results]
