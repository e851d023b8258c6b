"""After a save, the next searcher keeps the readers of unchanged segments and sees the new state."""

from __future__ import annotations

from whoosh import index as whoosh_index

from wiki.search import engine
from wiki.search import index as search_index
from wiki.search import query as search_query
from wiki.search.store import IndexStore, forget_readers, searcher

from .test_speed import _documents


def _store(tmp_path, count=40):
    store = IndexStore(tmp_path / "index")
    path = store.new_generation()
    writer = whoosh_index.open_dir(str(path)).writer(**search_index.WRITER_OPTIONS)
    for document in _documents(count):
        writer.add_document(**document)
    writer.commit()
    store.swap(path)
    return store


def _save(store, document, merge=False):
    ix = store.open()
    writer = engine.open_writer(ix, 5)
    writer.update_document(**document)
    writer.commit(merge=False)
    if merge:
        writer = engine.open_writer(ix, 5)
        writer.commit(mergetype=engine.merge_small_in_order)


def _ids(directory, q):
    results = search_query.search(q, directory=str(directory), per_page=100)
    return sorted(hit.page_id for hit in results.hits), results


def _fresh(directory, q):
    forget_readers()
    return _ids(directory, q)


def test_a_save_keeps_the_big_segment_reader_and_shows_the_change(tmp_path):
    forget_readers()
    store = _store(tmp_path)
    directory = store.directory
    before, _ = _ids(directory, "jardin")
    with searcher(directory) as s:
        big = s.reader()
    assert 7 in before

    changed = next(d for d in _documents(40) if d["id"] == "7")
    changed.update(title="Page sans rapport", content="Rien à voir", body="Rien à voir")
    _save(store, changed)
    after, results = _ids(directory, "jardin")
    with searcher(directory) as s:
        leaves = [reader for reader, _offset in s.reader().leaf_readers()]
        assert leaves[0] is big, "the unchanged segment's reader is kept"
        assert len(leaves) == 2 and s.up_to_date()
        assert big.has_deletions() and big.is_deleted(7)
    assert after == sorted(set(before) - {7})
    assert results.facets == _fresh(directory, "jardin")[1].facets
    assert after == _fresh(directory, "jardin")[0]


def test_segments_merged_away_are_closed_and_results_stay_right(tmp_path):
    forget_readers()
    store = _store(tmp_path)
    directory = store.directory
    documents = {d["id"]: d for d in _documents(40)}
    for n in range(12):  # many small segments, then merges
        document = dict(documents[str(n)], content=f"Atelier vélo numéro {n}")
        _save(store, document, merge=n % 4 == 3)
        kept, _ = _ids(directory, "atelier")
        assert kept == list(range(n + 1))
    with searcher(directory) as s:
        open_leaves = [r for r, _o in s.reader().leaf_readers()]
        assert all(not r.is_closed for r in open_leaves)
    assert _ids(directory, "atelier")[0] == _fresh(directory, "atelier")[0]
    assert _ids(directory, "jardin")[0] == _fresh(directory, "jardin")[0]
