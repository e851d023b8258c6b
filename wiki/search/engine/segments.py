"""Segments of an index: how many there are, how many documents they hold, how they merge."""

from __future__ import annotations

from whoosh import writing


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
