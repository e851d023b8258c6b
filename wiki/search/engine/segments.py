"""Segments of an index: how many there are, how many documents they hold, how they merge."""

from __future__ import annotations

import random
import time

from whoosh import writing
from whoosh.index import LockError
from whoosh.reading import SegmentReader

MAX_SEGMENTS = 8  # see merge_bounded


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


def merge_bounded(writer, segments):
    """Merge policy of every commit: the index never holds more than MAX_SEGMENTS + 1 segments.

    Below MAX_SEGMENTS nothing is merged, so a save's commit stays fast. At the bound, the
    smallest segments are merged into the commit's new segment until half of the bound is
    kept: a burst of saves, an import or a busy lock (the worker's tidy-up merge gives way
    to other writers) can no longer pile up hundreds of segments and thousands of open files.
    The kept segments stay in their order (see merge_small_in_order).
    """
    if len(segments) < MAX_SEGMENTS:
        return segments
    smallest = sorted(segments, key=lambda segment: segment.doc_count_all())
    merged = {id(segment) for segment in smallest[: len(segments) - MAX_SEGMENTS // 2]}
    for segment in segments:
        if id(segment) in merged:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return [segment for segment in segments if id(segment) not in merged]


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
    if segment_count(ix) <= MAX_SEGMENTS:
        return
    try:
        writer = open_writer(ix, min(timeout, 1.0))
    except LockError:
        return  # someone else is writing, and will merge
    writer.commit(mergetype=merge_small_in_order)
