"""The BM25F ranker and the posting-list reader agree with Whoosh's own search, to the bit.

A multi-segment index with deleted documents (as after saves) is searched both ways: Whoosh's
matchers and collector (the reference) and wiki.search.engine.scoring / wiki.search.engine.postings.
"""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from wiki.search import engine
from wiki.search import query as search_query
from wiki.search.engine import postings, scoring
from wiki.search.index import WRITER_OPTIONS
from wiki.search.schema import make_schema

from .test_speed import _build, _documents

RANKED = [
    "jardin",
    "jardins habitants",
    "monnaie OR solaire",
    "habitants -jardin",
    "verrou:foncier",
    "verrou:foncier jardin",
    "vélos OR NOT réseau",
    "theme:energie",
    "theme:energie habitants",
    "jardin ANDMAYBE solaire",
    "habitants NOT solaire NOT vélos",
    "(jardin OR monnaie) soutien",
    "levier:élus OR titre:page",
    "inconnu",
    "jardin^3 vélos",
]


def _whoosh_ranking(s, parsed, docs):
    """(docnum, score) best first, as Whoosh's collector ranks the matching documents."""
    found = s.search(parsed, limit=None, filter=set(docs))
    return [(hit.docnum, hit.score) for hit in found]


@pytest.mark.parametrize("q", RANKED)
def test_scores_and_order_equal_whoosh(tmp_path, q):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        assert len(ix._segments()) > 1 and s.reader().has_deletions()
        parsed, _notices = search_query.parse(search_query.understand(q), s.schema)
        assert parsed is not None
        docs = engine.match(s, parsed)
        expected = _whoosh_ranking(s, parsed, docs)
        ranked = scoring.top(s, parsed, docs, len(docs) + 5)
        assert ranked is not None, "a query the ranker should handle"
        assert [docnum for _score, docnum in ranked] == [docnum for docnum, _s in expected]
        for (score, _docnum), (_d, whoosh_score) in zip(ranked, expected, strict=True):
            assert score == pytest.approx(whoosh_score, rel=1e-12)


def test_top_is_the_head_of_the_whole_ranking(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        parsed, _n = search_query.parse(search_query.understand("habitants"), s.schema)
        docs = engine.match(s, parsed)
        every = scoring.top(s, parsed, docs, len(docs))
        for limit in (1, 5, 13):
            head = scoring.top(s, parsed, docs, limit)
            assert head == every[:limit]


def test_unsupported_parts_are_left_to_whoosh(tmp_path):
    from whoosh import query

    ix = _build(tmp_path)
    with ix.searcher() as s:
        spans = query.Phrase("content", ["manqu", "fonci"], slop=3)
        docs = set(s.docs_for_query(spans))
        assert docs
        assert scoring.top(s, spans, docs, 10) is None
        assert scoring.top(s, spans, set(), 10) == []


def test_lengths_read_whole_equal_whoosh_per_document(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        for name in ("title", "content", "levers", "obstacles"):
            lengths = postings.length_bytes(s, name)
            assert len(lengths) == s.doc_count_all()
            for sub, offset in s.leaf_searchers():
                for docnum in range(sub.doc_count_all()):
                    if sub.reader().is_deleted(docnum):
                        continue
                    whoosh_length = sub.doc_field_length(docnum, name, 1)
                    from whoosh.util.numeric import byte_to_length

                    assert byte_to_length(lengths[offset + docnum]) == whoosh_length


def test_postings_read_whole_equal_whoosh_matchers(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        for name in ("content", "title", "obstacles", "themes", "id"):
            for term in s.lexicon(name):
                matcher = s.postings(name, term)
                expected = {}
                while matcher.is_active():
                    expected[matcher.id()] = (matcher.weight(), matcher.value())
                    matcher.next()
                # Deleted documents stay in the lists read whole; search() drops them once.
                gone = postings.deleted(s)
                assert gone
                assert {
                    d: w for d, w in postings.postings(s, name, term).items() if d not in gone
                } == {d: w for d, (w, _v) in expected.items()}
                assert postings.doc_ids(s, name, term) - gone == set(expected)
                if s.schema[name].format.supports("positions"):
                    decode = s.schema[name].format.decoder("positions")
                    assert {
                        d: p for d, p in postings.positions(s, name, term).items() if d not in gone
                    } == {d: tuple(decode(v)) for d, (_w, v) in expected.items()}


def test_deleted_are_the_documents_whoosh_leaves_out(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        live = set(s.reader().all_doc_ids())
        assert postings.deleted(s) == set(range(s.doc_count_all())) - live
        assert len(postings.deleted(s)) == 2


def test_columns_read_whole_equal_whoosh(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        assert postings.column(s, "updated") == list(
            s.reader().column_reader("updated", translate=False)
        )


def test_public_reader_path_gives_the_same_lists(tmp_path):
    """The fallback for matchers other than the W3 codec's leaf reads the same postings."""
    ix = _build(tmp_path)
    with ix.searcher() as s:
        for sub, _offset in s.leaf_searchers():
            reader = sub.reader()
            for term in list(reader.lexicon("content"))[:40]:
                for kind in ("ids", "weights", "positions"):
                    assert postings._read(reader, "content", term, kind) == postings._read_public(
                        reader, "content", term, kind
                    )


def test_after_a_save_the_cached_segments_give_the_new_state(tmp_path):
    """Decoded lists of unchanged segments are reused; deletions and new segments are not missed."""
    postings.clear()
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = ix.writer(**WRITER_OPTIONS)
    for document in _documents(30):
        writer.add_document(**document)
    writer.commit()
    q = "jardin"
    with ix.searcher() as s:
        parsed, _n = search_query.parse(search_query.understand(q), s.schema)
        before = {int(s.stored_fields(d)["id"]) for d in engine.match(s, parsed)}
    assert 7 in before
    changed = next(d for d in _documents(30) if d["id"] == "7")
    changed.update(title="Page sans rapport", content="Rien à voir", body="Rien à voir")
    writer = ix.writer(**WRITER_OPTIONS)
    writer.update_document(**changed)
    writer.add_document(
        **{**changed, "id": "99", "title": "Un jardin de plus", "content": "Un jardin de plus"}
    )
    writer.commit(merge=False)
    with ix.searcher() as s:
        assert len(s.leaf_searchers()) == 2
        parsed, _n = search_query.parse(search_query.understand(q), s.schema)
        docs = engine.match(s, parsed)
        after = {int(s.stored_fields(d)["id"]) for d in docs}
        assert docs == set(s.docs_for_query(parsed))
        assert after == (before - {7}) | {99}
        ranked = scoring.top(s, parsed, docs, 50)
        assert [d for _score, d in ranked] == [d for d, _s in _whoosh_ranking(s, parsed, docs)]
    assert not list(tmp_path.glob("*.seg")), "segments are written as separate files"


def test_the_segment_cache_counts_a_list_read_twice_once(tmp_path):
    """Two threads reading the same list at once must not inflate the cache's size."""
    postings.clear()
    postings._remember(("segment", "field", b"term", "ids"), frozenset(range(10)))
    postings._remember(("segment", "field", b"term", "ids"), frozenset(range(10)))
    assert postings._segments_size == postings._size(frozenset(range(10)))
    assert len(postings._segments) == 1
    postings.clear()


def test_facet_bitmaps_hold_the_same_documents_as_the_lists(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as s:
        for name in ("themes", "status", "id"):
            for term in s.lexicon(name):
                bits = postings.facet_bits(s, name, term)
                numbers = {n for n in range(bits.bit_length()) if bits >> n & 1}
                assert numbers == postings.doc_ids(s, name, term)
        assert postings.bitmap({0, 9, 64}) == 1 | 1 << 9 | 1 << 64 and postings.bitmap(()) == 0


@pytest.mark.parametrize("bounded", [False, True], ids=["walk", "walk-then-bounds"])
@pytest.mark.parametrize("q", [*RANKED, "jardin vélos habitants", '"manque de foncier" jardin'])
def test_the_threshold_walk_gives_the_head_of_the_full_scoring(tmp_path, monkeypatch, q, bounded):
    """Ranking by groups of (weight, length), best first, stopping early, changes nothing:
    the same documents in the same order with the same scores (to the bit) as scoring every
    document, whatever the limit, and within a subset of the matches (a facet selection);
    also when the walk hands over to scoring candidates by their bound (Threshold.by_bound)."""
    monkeypatch.setattr(scoring, "SCORE_ALL_BELOW", 0)  # the walk, even on 60 documents
    if bounded:
        monkeypatch.setattr(scoring, "WALK_BUDGET", -1000)  # bounds from the first group on
    ix = _build(tmp_path)
    with ix.searcher() as s:
        parsed, _notices = search_query.parse(search_query.understand(q), s.schema)
        assert parsed is not None
        docs = engine.match(s, parsed)
        for subset in (docs, {d for d in docs if d % 3}):
            if not subset:
                continue
            every = scoring.Scoring(s, s.weighting, subset).scores(parsed)
            full = sorted(((v, d) for d, v in every.items()), key=lambda x: (-x[0], x[1]))
            for limit in (1, 2, 5, len(subset) + 3):
                ranked = scoring.top(s, parsed, subset, limit)
                assert ranked == full[:limit]
                assert scoring.top(s, parsed, postings.bitmap(subset), limit) == ranked


def test_plain_words_are_ranked_by_the_walk_as_whoosh_ranks_them(tmp_path, monkeypatch):
    """The query the plain words of a search become (each word in title and text, boosted)."""
    from wiki.search import semantics

    monkeypatch.setattr(scoring, "SCORE_ALL_BELOW", 0)
    ix = _build(tmp_path)
    with ix.searcher() as s:
        reading = semantics.read(s, ["jardin", "soutien", "vélos"], None, exact=True)
        q = semantics.ranking_query(reading, None)
        assert scoring.Threshold(s, s.weighting).compile(q, 1.0) is not None
        docs = engine.match(s, q)
        expected = _whoosh_ranking(s, q, docs)
        ranked = scoring.top(s, q, docs, 7)
        assert [d for _score, d in ranked] == [d for d, _s in expected[:7]]
        for (score, _d), (_e, whoosh_score) in zip(ranked, expected, strict=False):
            assert score == pytest.approx(whoosh_score, rel=1e-12)


def test_a_facet_fields_bitmaps_read_per_segment_equal_each_values(tmp_path):
    """Facet counts read each segment's own values once: the same bitmaps as asking each."""
    ix = _build(tmp_path)
    with ix.searcher() as s:
        for name in ("themes", "status", "id"):
            table = postings.field_bits(s, name)
            assert set(table) == set(s.lexicon(name))
            for term, bits in table.items():
                assert bits == postings.facet_bits(s, name, term.decode())


def test_facet_bitmaps_of_the_one_page_segments_saves_write_equal_each_values(tmp_path):
    """A save writes its page alone in a new segment: its facet terms are read without lookups."""
    ix = _build(tmp_path)
    documents = {document["id"]: document for document in _documents()}
    for page_id, status in (("8", "termine"), ("9", "en-cours"), ("8", "abandonne")):
        writer = ix.writer()  # one page saved, as the indexer does: a one-page segment
        writer.update_document(**{**documents[page_id], "status": status})
        writer.commit(merge=False)
    postings.clear()
    with ix.searcher() as s:
        sizes = [reader.doc_count_all() for reader, _offset in s.reader().leaf_readers()]
        assert sizes.count(1) == 3
        live = postings.live_bits(s)  # (both lists may hold deleted documents: not counted)
        for name in ("themes", "status", "id"):
            table = postings.field_bits(s, name)
            assert set(table) == set(s.lexicon(name))
            for term, bits in table.items():
                assert bits & live == postings.facet_bits(s, name, term.decode()) & live
        assert (table[b"8"] & live).bit_count() == 1  # its first save's document is deleted
        status = postings.field_bits(s, "status")
        assert (status[b"abandonne"] & table[b"8"] & live).bit_count() == 1
