"""A reader opened before another process merges the index still reads its documents.

Seen in CI: the index check of the kill -9 reliability test failed with "'NoneType' object is
not subscriptable" while a restarted server merged segments: the reader had read the table of
contents, then found the stored fields' file of a merged-away segment gone.
"""

from __future__ import annotations

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema

from wiki.search.engine.segments import WRITER_OPTIONS


def test_a_reader_keeps_reading_segments_that_a_merge_removed(tmp_path):
    schema = Schema(id=ID(stored=True), title=STORED(), body=TEXT())
    ix = whoosh_index.create_in(str(tmp_path), schema)
    for n in range(3):  # three segments, with one file per column as Essaim writes them
        writer = ix.writer(**WRITER_OPTIONS)
        writer.add_document(id=str(n), title=f"Expérience {n}", body="un jardin " * (n + 1))
        writer.commit(merge=False)
    reader = whoosh_index.open_dir(str(tmp_path)).reader()  # before the merge
    try:
        other = whoosh_index.open_dir(str(tmp_path))  # "another process" merges everything
        other.writer(**WRITER_OPTIONS).commit(optimize=True)
        assert len(list(tmp_path.glob("*_stored.col"))) == 1  # the old segments' files are gone
        titles = sorted(fields["title"] for fields in reader.all_stored_fields())
        # What ranking reads: each document's field length, and the longest (BM25F).
        lengths = sorted(
            leaf.doc_field_length(0, "body") for leaf, _offset in reader.leaf_readers()
        )
        longest = max(leaf.max_field_length("body") for leaf, _offset in reader.leaf_readers())
    finally:
        reader.close()
    assert titles == ["Expérience 0", "Expérience 1", "Expérience 2"]
    assert lengths == [2, 4, 6] and longest == 6
