"""The speed-ups give the same answers as the plain Whoosh ways they replace."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from whoosh import index as whoosh_index

from wiki.search import engine
from wiki.search import query as search_query
from wiki.search.analysis import french_analyzer, legacy_french_analyzer
from wiki.search.engine import whoosh_fixes
from wiki.search.schema import make_schema

TEXTS = [
    "Les vélos électriques, l’énergie des habitantes ; MAIS nous, vos bus et leurs verrous",
    "Œuvre d'été à Saint-Étienne en 2024 : a b c les jardins partagés",
    "Une coopérative où chaque sociétaire a une voix. Le raccordement au réseau.",
]


def _tokens(analyzer, text, **options):
    return [
        (
            t.text,
            getattr(t, "pos", None),
            getattr(t, "startchar", None),
            getattr(t, "endchar", None),
            getattr(t, "stopped", None),
        )
        for t in analyzer(text, **options)
    ]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"positions": True, "chars": True},
        {"positions": True, "chars": True, "removestops": False, "mode": "index"},
        {"no_morph": True},
        {"mode": "query"},
    ],
)
def test_cached_analyzer_gives_the_tokens_of_the_filter_chain(options):
    for text in TEXTS:
        assert _tokens(french_analyzer(), text, **options) == _tokens(
            legacy_french_analyzer(), text, **options
        )


def _documents(count=60):
    start = datetime(2024, 1, 1)
    words = ["jardin", "monnaie", "solaire", "vélos", "habitants", "réseau", "foncier"]
    for n in range(count):
        document = {
            "id": str(n),
            "slug": f"p{n}",
            "title": f"Page {words[n % 7]} {n}",
            "title_prefix": f"Page {words[n % 7]}",
            "title_sort": f"page {n:03d}",
            "body": f"Les {words[n % 7]} et les {words[(n * 3) % 7]} du quartier {n}.",
            "levers": f"Le soutien des élus {words[(n + 1) % 7]}",
            "obstacles": "Le manque de foncier" if n % 4 == 0 else "La lenteur",
            "themes": "energie" if n % 3 else "alimentation",
            "status": "en-cours",
            "updated": start + timedelta(days=(n * 7) % 50),
        }
        document["content"] = "\n\n".join(
            document[name] for name in ("title", "levers", "obstacles", "body")
        )
        yield document


def _build(path, segments=3, delete=("5", "17")):
    path.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(path), make_schema())
    documents = list(_documents())
    size = len(documents) // segments + 1
    for first in range(0, len(documents), size):
        writer = ix.writer()
        for document in documents[first : first + size]:
            writer.add_document(**document)
        writer.commit(merge=False)
    writer = ix.writer()
    for page_id in delete:
        writer.delete_by_term("id", page_id)
    writer.commit(merge=False)
    return ix


QUERIES = [
    "jardin",
    "jardins habitants",
    "monnaie OR solaire",
    "habitants -jardin",
    "verrou:foncier",
    '"manque de foncier"',
    "vélos OR NOT réseau",
    "theme:energie",
    "jardin ANDMAYBE solaire",
    "inconnu",
    "habitants NOT solaire NOT vélos",
]


@pytest.mark.parametrize("q", QUERIES)
def test_set_matching_equals_whoosh_docs_for_query(tmp_path, q):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        assert len(ix._segments()) > 1
        parsed, _notices = search_query.parse(search_query.understand(q), s.schema)
        assert engine.match(s, parsed) == set(s.docs_for_query(parsed))


def test_date_order_is_whoosh_sorted_order(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        parsed, _notices = search_query.parse(search_query.understand("habitants"), s.schema)
        docs = engine.match(s, parsed)
        expected = [
            hit.docnum
            for hit in s.search(parsed, limit=None, filter=docs, sortedby="updated", reverse=True)
        ]
        for page in (1, 2):
            hits = search_query._page_of_hits(s, parsed, docs, True, "date", page, 7)
            wanted = expected[(page - 1) * 7 : page * 7]
            assert [h.page_id for h in hits] == [int(s.stored_fields(d)["id"]) for d in wanted]


def test_relevance_order_is_whoosh_order(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        parsed, _notices = search_query.parse(search_query.understand("jardin vélos"), s.schema)
        docs = engine.match(s, parsed)
        expected = [int(hit["id"]) for hit in s.search(parsed, limit=None)]
        hits = search_query._page_of_hits(s, parsed, docs, False, "relevance", 1, 100)
        assert [h.page_id for h in hits] == expected


def test_index_built_with_the_whoosh_fix_equals_one_built_without(tmp_path):
    whoosh_fixes.revert()
    try:
        plain = _build(tmp_path / "plain")
    finally:
        whoosh_fixes.apply()
    fixed = _build(tmp_path / "fixed")
    with plain.searcher() as a, fixed.searcher() as b:
        names = set(a.reader().indexed_field_names())
        assert names == set(b.reader().indexed_field_names())
        assert {"content", "title", "levers", "spell_content"} <= names  # words and spelling
        for name in sorted(names):
            assert list(a.lexicon(name)) == list(b.lexicon(name)), name
            for term in a.lexicon(name):
                if name.startswith("spell_"):
                    continue  # spelling words have no postings, only their lexicon
                assert _postings(a, name, term) == _postings(b, name, term), (name, term)
                assert a.doc_frequency(name, term) == b.doc_frequency(name, term)
            if a.schema[name].scorable if name in a.schema else False:
                assert a.field_length(name) == b.field_length(name), name
                assert [a.doc_field_length(d, name) for d in range(a.doc_count_all())] == [
                    b.doc_field_length(d, name) for d in range(b.doc_count_all())
                ], name
        assert a.doc_count() == b.doc_count()
        # Each segment keeps its own spelling words ("did you mean" reads them).
        segments = [
            (x.reader(), y.reader())
            for (x, _), (y, _) in zip(a.leaf_searchers(), b.leaf_searchers(), strict=True)
        ]
        assert len(segments) > 1
        for x, y in segments:
            assert list(x.lexicon("spell_content")) == list(y.lexicon("spell_content"))


def _postings(s, name, term):
    """(document, weight, encoded value) of every posting: frequencies, weights, positions."""
    found, matcher = [], s.postings(name, term)
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


@pytest.mark.parametrize(
    "q", ['"manque de foncier"', '"page jardin"', 'habitants "page vélos"', '"les jardin"']
)
def test_phrase_relevance_order_is_whoosh_order(tmp_path, q):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        parsed, _notices = search_query.parse(search_query.understand(q), s.schema)
        docs = engine.match(s, parsed)
        assert docs == set(s.docs_for_query(parsed))
        expected = [int(hit["id"]) for hit in s.search(parsed, limit=None)]
        hits = search_query._page_of_hits(s, parsed, docs, False, "relevance", 1, 100)
        assert [h.page_id for h in hits] == expected
