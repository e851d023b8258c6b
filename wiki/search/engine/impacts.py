"""A term's postings grouped by what BM25F takes from a document, for ranking the best first.

See Impacts. Kept per segment in wiki.search.engine.postings' cache, like the posting lists.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

from wiki.search.engine.postings import (
    _just_read,
    _lock,
    _read,
    _recall,
    _remember,
    _segment_lengths,
    term_bytes,
)


class Impacts:
    """A segment's postings of one term (global numbers), for ranking without scoring them all.

    `groups`: the documents by (weight, encoded field length), the only two things BM25F
    takes from a document: every document of a group scores the same for this term, whatever
    the statistics of the index (idf, average length) are when the query runs. A ranker scores
    the groups (a few hundred for a common word) instead of the documents, and visits the
    documents of the best groups first (wiki.search.engine.scoring). `ids` and `weights`,
    sorted by document: a document's weight, for the exact score of the documents visited.
    About 12 bytes a posting.
    """

    __slots__ = ("ids", "weights", "groups")

    def __init__(self, ids: array, weights: array, groups: list[tuple[float, int, array]]):
        self.ids, self.weights, self.groups = ids, weights, groups

    def __len__(self) -> int:
        return len(self.ids)

    def nbytes(self) -> int:  # its share of postings.SEGMENT_BUDGET
        return 16 * len(self.ids) + 120 * len(self.groups) + 100

    def weight(self, docnum: int) -> float | None:
        ids = self.ids
        i = bisect_left(ids, docnum)
        if i < len(ids) and ids[i] == docnum:
            return self.weights[i]
        return None


def impacts(s, fieldname: str, text) -> list[Impacts] | None:
    """The term's Impacts in each segment (the empty ones left out); None: not the W3 codec.

    Each segment's are kept across searchers (they never change), like its posting lists.
    """
    btext = term_bytes(s, fieldname, text)
    if btext is None:
        return []
    scorable = s.schema[fieldname].scorable
    found = []
    try:
        for sub, offset in s.leaf_searchers():
            reader = sub.reader()
            segment = reader.segment()
            key = (
                segment.segment_id() if segment else None,
                reader.doc_count_all(),
                offset,
                fieldname,
                btext,
                "impacts",
            )
            part = _recall(key)
            if part is None:
                lengths = _segment_lengths(reader, fieldname) if scorable else None
                weights = weights_read_for(reader, fieldname, btext, offset)
                part = _impacts(weights, lengths, offset)
                if segment is not None:
                    _remember(key, part)
            if part.ids:
                found.append(part)
    except AttributeError:  # not the W3 codec
        return None
    return found


def _impacts(weights: dict[int, float], lengths: bytes | None, offset: int) -> Impacts:
    """`weights` in increasing document order (as posting lists are read)."""
    groups: dict[tuple[float, int], list[int]] = {}
    if lengths is None:
        for docnum, w in weights.items():
            groups.setdefault((w, 0), []).append(docnum)
    else:
        for docnum, w in weights.items():
            groups.setdefault((w, lengths[docnum - offset]), []).append(docnum)
    return Impacts(
        array("i", weights),
        array("d", weights.values()),
        [(w, length, array("i", docs)) for (w, length), docs in groups.items()],
    )


def weights_read_for(reader, fieldname: str, btext: bytes, offset: int) -> dict[int, float]:
    """{docnum: weight} of a term in a segment, numbered from `offset`: the ones just decoded
    for its bitmap when there are, else read now (deleted documents included)."""
    segment = reader.segment()
    if segment is not None:
        with _lock:
            local = _just_read.pop(
                (segment.segment_id(), reader.doc_count_all(), 0, fieldname, btext), None
            )
        if local is not None:
            return {docnum + offset: w for docnum, w in local.items()} if offset else local
    return _read(reader, fieldname, btext, "weights", offset)
