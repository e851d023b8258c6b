"""Reader reuse: a searcher on an index's new state that keeps the readers of unchanged segments."""

from __future__ import annotations

import bisect
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher


def open_searcher(path: Path, attempts: int = 5) -> Searcher:
    """A searcher on the index's latest state. A segment merged away by another process
    between reading the table of contents and opening the segment (whoosh_fixes.SegmentGone)
    means a newer state exists: read it again."""
    for attempt in range(attempts):
        try:
            return whoosh_index.open_dir(str(path)).searcher()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def reopen(old: Searcher, path: Path) -> Searcher:
    """A searcher on the index's latest state, keeping the old one's readers of kept segments.

    Opening a segment reader opens its files and rebuilds in Python the offsets of its stored
    fields: ~10-20 ms at 10k pages, paid by the first search after every save. A segment's
    files never change; only its deleted documents do, and Whoosh reads those from the segment
    object (reader._segment and its per-document reader's), which is swapped for the new one.
    Whoosh's own Searcher.refresh() cannot do this: it matches segments by identity (never
    equal across reads of the index's table of contents) and fails on one-segment indexes.
    Anything unexpected: a fresh searcher, as before.
    """
    opened: list[SegmentReader] = []
    try:
        ix, toc = _index_and_toc(path)
        kept = {
            reader.segment().segment_id(): reader
            for reader, _offset in old.reader().leaf_readers()
            if isinstance(reader, SegmentReader) and not reader.is_closed
        }
        readers = []
        for segment in toc.segments:
            reader = kept.pop(segment.segment_id(), None)
            if reader is not None and reader.doc_count_all() == segment.doc_count_all():
                reader._segment = reader._perdoc._segment = segment
                reader.__dict__.pop("deleted_docs_set", None)  # a cached_property
                reader._gen = toc.generation
            else:
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
                opened.append(reader)
            readers.append(reader)
    except (AttributeError, OSError):  # another Whoosh, or files merged away meanwhile
        for reader in opened:
            reader.close()
        old.close()
        return open_searcher(path)
    for reader in kept.values():  # segments merged away
        reader.close()
    old.is_closed = True  # its reader is not closed: its kept segments live on
    if not readers:
        reader = EmptyReader(toc.schema)
    elif len(readers) == 1:
        reader = readers[0]
    else:
        reader = MultiReader(readers, generation=toc.generation)
    return Searcher(reader, fromindex=ix)


def _index_and_toc(path: Path):
    """The index and its table of contents, read once.

    open_dir() reads (unpickles) the table of contents to check it, then the searcher reads it
    again: each read rebuilds every segment's set of deleted documents, ~7 ms for a segment
    holding tens of thousands (bench/search_profile.py, 100k pages), after every save.
    """
    storage = FileStorage(str(path))
    toc = whoosh_index.TOC.read(storage, whoosh_index._DEF_INDEX_NAME)
    ix = whoosh_index.FileIndex.__new__(whoosh_index.FileIndex)
    ix.storage, ix._schema, ix.indexname = storage, None, whoosh_index._DEF_INDEX_NAME
    return ix, toc


def document_keys(s: Searcher, docnums: list[int]) -> list[tuple[str, int] | None]:
    """Which stored document each of `docnums` is: its segment's id and its number there.

    A segment's documents never change (a save writes the page into a new segment and marks
    the old document deleted; a merge writes a new segment), so what is derived from a stored
    document can be kept under this key for as long as the document is found. None when the
    reader is not made of segments.
    """
    leaves = s.reader().leaf_readers()
    offsets = [offset for _reader, offset in leaves]
    keys: list[tuple[str, int] | None] = []
    for docnum in docnums:
        reader, offset = leaves[bisect.bisect_right(offsets, docnum) - 1]
        if isinstance(reader, SegmentReader):
            keys.append((reader.segment().segment_id(), docnum - offset))
        else:
            keys.append(None)
    return keys
