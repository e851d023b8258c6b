"""Segments of an index: how many there are, how many documents they hold, how they merge."""

from __future__ import annotations

import random
import time

from whoosh import writing
from whoosh.index import LockError
from whoosh.reading import SegmentReader

MAX_SEGMENTS = 8  # segments a commit keeps besides its own: at most nine (see merge_bounded)
SIMILAR = 3  # a segment merges with the newer ones while it holds at most 3 times their documents


def segment_count(ix) -> int:
    """Segments of the index's latest state, from its table of contents (nothing opened)."""
    return len(ix._segments())


def live_documents(ix) -> int:
    """Documents not deleted, from the table of contents: no segment is opened."""
    return sum(segment.doc_count() for segment in ix._segments())


def merge_small_in_order(writer, segments):
    """Whoosh's MERGE_SMALL policy, but the segments it keeps stay in their order.

    MERGE_SMALL returns the kept segments sorted by size, smallest first, which moves the big
    segments' document numbers at every merge; wiki.search.engine.postings keeps decoded posting
    lists numbered per segment position, so big segments must stay first. The merged segment
    comes last, as a new segment does.
    """
    kept = {id(segment) for segment in writing.MERGE_SMALL(writer, segments)}
    return [segment for segment in segments if id(segment) in kept]


def tail_to_merge(sizes: list[int], pending: int, most: int) -> int:
    """How many of the last segments (their documents, in index order) a commit merges.

    A logarithmic policy: the commit's new documents (`pending`) take in the last segment
    while it holds at most SIMILAR times what is being merged so far, then the one before it,
    and so on. Segments of similar size merge, so sizes grow geometrically from the end of the
    index to its start: over n saves each document is rewritten O(log n) times, and a commit
    that merges k documents comes about once in k commits (a save's commit usually merges
    nothing or a few small segments). At most `most` segments are kept (open files): when the
    sizes would need more, the walk accepts segments less similar (the ratio doubles) until
    they fit. A segment whose documents are all deleted counts as empty.

    Only the end of the index merges: the segments kept are a prefix of it, in their order, so
    their document numbers do not move (wiki.search.engine.postings keeps decoded posting lists
    numbered by segment position). A tidy-up (no new documents) lets the last segment play
    the new documents' part.
    """
    if not pending:
        if len(sizes) <= most:
            return 0
        return 1 + tail_to_merge(sizes[:-1], max(sizes[-1], 1), most)
    ratio = SIMILAR
    while True:
        merged, taken = 0, pending
        while merged < len(sizes) and sizes[-1 - merged] <= ratio * taken:
            taken += sizes[-1 - merged]
            merged += 1
        if len(sizes) - merged <= most:
            return merged
        ratio *= 2


def _merge_tail(writer, segments, most: int):
    sizes = [segment.doc_count_all() if segment.doc_count() else 0 for segment in segments]
    count = tail_to_merge(sizes, writer.doc_count(), most)
    if not count or (count == 1 and not writer.doc_count()):  # nothing to merge it with
        return list(segments)
    for segment in segments[-count:]:
        if segment.doc_count():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return list(segments[:-count])


def merge_bounded(writer, segments):
    """Merge policy of every commit: tail_to_merge, keeping at most MAX_SEGMENTS segments
    besides the commit's own, so the index never holds more than MAX_SEGMENTS + 1.

    A burst of saves, an import or a busy lock (the worker's tidy-up merge gives way to other
    writers) can no longer pile up hundreds of segments and thousands of open files, and no
    save's commit re-encodes large segments to stay within the bound: the merged documents come
    from the smallest, newest segments, where the similar sizes make a merge rare and cheap.
    """
    return _merge_tail(writer, segments, MAX_SEGMENTS)


def _merge_down_to_bound(writer, segments):
    # A tidy-up commit adds no documents: only the bound makes it merge.
    return _merge_tail(writer, segments, MAX_SEGMENTS - 1)


# Segments are written as separate files, not Whoosh's default single compound file: reading
# a compound file copies each part it opens into memory (BufferFile wraps a BytesIO), i.e.
# the whole postings and stored-fields files again for every new searcher, ~15 ms a query
# after each save at 10k pages (bench/search.py, "first query after a save").
WRITER_OPTIONS = {"compound": False}


def open_writer(ix, timeout: float, **options):
    """Whoosh's writer, waiting for another process's writer to finish (backoff + jitter)."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        try:
            return ix.writer(**WRITER_OPTIONS, **options)
        except LockError:
            if time.monotonic() > deadline:
                raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)


def merge_small_segments(ix, timeout: float) -> None:
    """The tidy-up: an index above MAX_SEGMENTS segments merges its last ones down to it.

    Gives way at once (within a second) to another writer, which merges as it commits.
    """
    if segment_count(ix) <= MAX_SEGMENTS:
        return
    try:
        writer = open_writer(ix, min(timeout, 1.0))
    except LockError:
        return  # someone else is writing, and will merge
    writer.commit(mergetype=_merge_down_to_bound)
