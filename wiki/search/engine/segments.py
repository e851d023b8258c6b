"""Segments of an index: how many there are, how many documents they hold, how they merge."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import time
import uuid
from pathlib import Path

from whoosh import writing
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

MAX_SEGMENTS = 8  # segments a commit keeps besides its own: at most nine (see merge_bounded)
SIMILAR = 3  # a segment merges with the newer ones while it holds at most 3 times their documents
COMMIT_BUDGET = 100  # documents a commit merges of its own accord; more: the tidy-up's, unlocked


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


def tail_to_merge(
    sizes: list[int], pending: int, most: int, budget: int | None = None, largest: int | None = None
) -> int:
    """How many of the last segments (their documents, in index order) a commit merges.

    A logarithmic policy: the commit's new documents (`pending`) take in the last segment
    while it holds at most SIMILAR times what is being merged so far, then the one before it,
    and so on. Segments of similar size merge, so sizes grow geometrically from the end of the
    index to its start: over n saves each document is rewritten O(log n) times, and a merge
    of k documents comes about once in k commits. The walk stops before taking more than
    `budget` documents (a commit leaves bigger merges to the tidy-up, which builds them
    without the lock: merge_small_segments). At most `most` segments are kept (open files):
    when the sizes would need more, the walk accepts segments less similar (the ratio
    doubles), budget or not, until they fit. A segment above `largest` documents (a quarter of
    the index, see largest_merged) is taken only then: a rebuild's segments are not rewritten
    because they are alike. A segment whose documents are all deleted counts as empty.

    Only the end of the index merges: the segments kept are a prefix of it, in their order, so
    their document numbers do not move (wiki.search.engine.postings keeps decoded posting lists
    numbered by segment position).
    """
    if pending <= 0:  # nothing new: the last segment plays the new documents' part
        if len(sizes) < 2:
            return 0
        if largest is not None and sizes[-1] > largest and len(sizes) <= most:
            return 0
        rest = tail_to_merge(sizes[:-1], max(sizes[-1], 1), max(most - 1, 0), budget, largest)
        return rest + 1 if rest else 0
    ratio = SIMILAR
    while True:
        merged, taken = 0, pending
        while merged < len(sizes) and sizes[-1 - merged] <= ratio * taken:
            size = sizes[-1 - merged]
            if ratio == SIMILAR and (
                (budget is not None and taken + size > budget)
                or (largest is not None and size > largest)
            ):
                break
            taken += size
            merged += 1
        if len(sizes) - merged <= most:
            return merged
        ratio *= 2


def sizes_of(segments) -> list[int]:
    """Documents of each segment as merging costs them (one wholly deleted counts as none)."""
    return [segment.doc_count_all() if segment.doc_count() else 0 for segment in segments]


def largest_merged(sizes: list[int]) -> int:
    """Segments above this many documents merge only when the bound needs it."""
    return max(COMMIT_BUDGET, sum(sizes) // 4)


def merge_bounded(writer, segments):
    """Merge policy of every commit: tail_to_merge within COMMIT_BUDGET, keeping at most
    MAX_SEGMENTS segments besides the commit's own, so the index never holds more than
    MAX_SEGMENTS + 1.

    A burst of saves, an import or a busy lock (the tidy-up gives way to other writers) can no
    longer pile up hundreds of segments and thousands of open files, and a save's commit does
    not re-encode large segments: it merges the smallest, newest ones, rarely and cheaply.
    """
    sizes = sizes_of(segments)
    count = tail_to_merge(
        sizes, writer.doc_count(), MAX_SEGMENTS, COMMIT_BUDGET, largest_merged(sizes)
    )
    for segment in segments[len(segments) - count :]:
        if segment.doc_count():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
    return list(segments[: len(segments) - count])


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


def merge_small_segments(ix, timeout: float) -> bool:
    """The tidy-up: merge the last segments that the walk of tail_to_merge joins (no budget),
    or down to MAX_SEGMENTS; return whether it merged.

    The merged segment is written without the index's lock, into a directory of its own: other
    writers go on committing meanwhile (a merge of thousands of documents takes seconds). Then,
    under the lock (waiting at most a second: a writer that holds it commits and merges
    anyway), the documents those writers deleted from the merged segments meanwhile are
    deleted from the new one, its files move into the index and it takes the place of the
    segments it replaces, in their position. If another process merged them first, this
    merge is dropped. One tidy-up at a time per index directory (a lock file).
    """
    folder = Path(ix.storage.folder)
    try:
        guard = open(folder / ".merging.lock", "a+")  # noqa: SIM115 (held for the whole merge)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # this host's other process is merging
        for left in folder.glob(".merging-*"):  # by a process stopped while merging
            shutil.rmtree(left, ignore_errors=True)
        segments = ix._segments()
        sizes = sizes_of(segments)
        count = tail_to_merge(sizes, 0, MAX_SEGMENTS, largest=largest_merged(sizes))
        if count < 2:
            return False
        return _merge_unlocked(ix, segments[len(segments) - count :], timeout)
    finally:
        guard.close()


def _merge_unlocked(ix, run, timeout: float) -> bool:
    folder = Path(ix.storage.folder)
    work = folder / f".merging-{uuid.uuid4().hex}"  # dot: Whoosh's clean-up leaves it alone
    try:
        scratch = FileStorage(str(work)).create().create_index(ix.schema, indexname=ix.indexname)
        builder = SegmentWriter(scratch, compound=False)
        numbers = []  # per merged segment: {its document number: the new segment's}
        try:
            for segment in run:
                live = [n for n in range(segment.doc_count_all()) if not segment.is_deleted(n)]
                numbers.append({n: builder.docnum + i for i, n in enumerate(live)})
                reader = SegmentReader(ix.storage, ix.schema, segment)
                builder.add_reader(reader)
                reader.close()
            merged = builder._finalize_segment()
        finally:
            builder._finish()
        files = [f for f in os.listdir(work) if f.startswith(merged.segment_id() + ".")]

        def swap(_writer, current):
            by_id = {segment.segment_id(): segment for segment in current}
            if any(segment.segment_id() not in by_id for segment in run):
                raise _Outdated  # another process merged some of them
            for segment, renumber in zip(run, numbers, strict=True):
                for n in set(by_id[segment.segment_id()].deleted_docs()) - set(
                    segment.deleted_docs()
                ):
                    merged.delete_document(renumber[n])
            for name in files:
                os.replace(work / name, folder / name)
            gone = {segment.segment_id() for segment in run}
            position = next(i for i, s in enumerate(current) if s.segment_id() in gone)
            kept = [s for s in current if s.segment_id() not in gone]
            return kept[:position] + [merged] + kept[position:]

        try:
            writer = open_writer(ix, min(timeout, 1.0))
        except LockError:
            return False  # busy: the next tidy-up merges (or the writer's commit does)
        try:
            writer.commit(mergetype=swap)
        except _Outdated:
            writer.cancel()
            return False
        except BaseException:
            writer.cancel()
            raise
        return True
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _Outdated(Exception):
    """The segments a tidy-up merged are no longer all in the index."""
