"""Posting lists and field lengths read whole, a block at a time, for set-based querying.

Whoosh's matchers step through postings one call at a time (is_active, id, next, skip_to,
weight, score…), all in Python: at 10k pages that walk is most of a query's time. A leaf of
the W3 codec (the only codec Whoosh 2.7 writes) already decodes each block of postings into a
tuple of ids, an array of weights and a tuple of encoded values; this module takes those
blocks whole. Anything that is not such a leaf goes through Whoosh's public matcher API, so
the answers never depend on the shortcut (tests/search/engine/test_ranking.py compares both).

Two caches, both safe because what they hold cannot change:
- per segment: a segment's files are never rewritten (a save adds a small segment and marks
  the old document deleted; merges make new segments), so its decoded posting lists are kept
  across searchers, within a budget of postings. After a save, the next query only decodes
  the new small segment.
- per searcher (one state of the index): the lists combined over segments.

Document numbers are global (a segment's own number plus its offset in the searcher) and the
lists include deleted documents: filtering each list again after every save would cost more
than the query. wiki.search.engine.matching removes deleted documents once from its set of matches
(`deleted()`); facet counts and scores only ever look at documents of that set.
"""

from __future__ import annotations

import struct
import threading
import weakref
from collections import OrderedDict

from whoosh.codec import whoosh3
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import length_to_byte

# Decoded lists kept, all segments together, in (estimated) bytes: at 100k pages the load
# mix's words take ~11 MB as Impacts and bitmaps (bench/search_profile.py); the old sets and
# dicts of numbers (~60-120 bytes a posting) only serve queries with NOT, phrases and facets.
SEGMENT_BUDGET = 64 * 2**20
# Lists combined over segments, kept per searcher, i.e. per thread and until the next save.
# A query word takes up to four entries (title and content, numbers and weights); at 50k pages
# the benchmark's 20 queries need more than 64, and with 64 each query recombined its lists:
# p50 73 ms instead of 44 ms. Each entry may hold a posting per page (~0.3 MB at 10k).
SEARCHER_TERMS = 256
# Bitmaps of terms combined over segments, kept per searcher (one per thread): ~N/8 bytes each
# (22 kB for the 177k documents of the 100k bench's index), so at most ~3 MB a searcher; the
# load mix uses ~60.
SEARCHER_BITS = 128

_searchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_segments: OrderedDict = OrderedDict()  # (segment id, field, term, kind) -> (size, data)
_segments_size = 0
_lock = threading.Lock()


def searcher_cache(s) -> dict:
    """A dict that lives as long as searcher `s` (one state of the index)."""
    cache = _searchers.get(s)
    if cache is None:
        cache = _searchers[s] = {}
    return cache


def clear() -> None:
    """Forget every decoded posting list (tests compare with and without the caches)."""
    global _segments_size
    with _lock:
        _segments.clear()
        _segments_size = 0
        _deletions.clear()
        _just_read.clear()


def doc_ids(s, fieldname: str, text) -> frozenset[int]:
    """Global numbers of the documents holding a term, deleted ones included (see above)."""
    return _combined(s, fieldname, text, "ids")


def facet_bits(s, fieldname: str, text) -> int:
    """The documents holding a term as a bitmap: bit n set for global document n.

    For facet counting: `(matches & bits).bit_count()` runs in C, costs a few kB per value
    where a set of numbers costs ~50 bytes a document, and is rebuilt after a save by
    shifting each segment's bitmap to its offset (segments' bitmaps are kept, see above).
    Deleted documents are included, like the other lists.
    """
    btext = term_bytes(s, fieldname, text)
    if btext is None:
        return 0
    cache = searcher_cache(s).setdefault("bits", OrderedDict())
    key = (fieldname, btext)
    bits = cache.get(key)
    if bits is not None:
        cache.move_to_end(key)
        return bits
    bits = 0
    for sub, offset in s.leaf_searchers():
        local = _segment_postings(sub.reader(), 0, fieldname, btext, "bits")
        if local:
            bits |= local << offset
    cache[key] = bits
    while len(cache) > SEARCHER_BITS:
        cache.popitem(last=False)
    return bits


# The documents of a term as a bitmap, for matching as for facets.
doc_bits = facet_bits


def bitmap(docs) -> int:
    """A set of document numbers as a bitmap (bit n set for document n)."""
    if not docs:
        return 0
    data = bytearray((max(docs) >> 3) + 1)
    for docnum in docs:
        data[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(data, "little")


# The numbers of the set bits of each byte value.
_BYTE_MEMBERS = [tuple(i for i in range(8) if value >> i & 1) for value in range(256)]


def members(bits: int) -> list[int]:
    """The document numbers of a bitmap, in increasing order."""
    if not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    table = _BYTE_MEMBERS
    return [i << 3 | b for i, byte in enumerate(data) if byte for b in table[byte]]


def deleted_bits(s) -> int:
    """The searcher's deleted documents as a bitmap (see `deleted`)."""
    cache = searcher_cache(s)
    if "deleted_bits" not in cache:
        bits = 0
        for sub, offset in s.leaf_searchers():
            reader = sub.reader()
            if reader.has_deletions():
                bits |= _segment_deleted_bits(reader) << offset
        cache["deleted_bits"] = bits
    return cache["deleted_bits"]


# segment id -> (its deleted documents, as a frozenset and as a bitmap), the latest seen.
_deletions: OrderedDict = OrderedDict()
_DELETIONS_KEPT = 64


def _segment_deleted_bits(reader) -> int:
    """A segment's deleted documents as a bitmap, updated from the last one seen of it.

    Each save marks one more document of an old segment deleted. A segment written by a
    rebuild and then rewritten page by page may hold tens of thousands: turning them into a
    bitmap each time (per thread, after every save) cost ~30 ms at 100k pages; only the
    documents deleted since are added now (a set difference, in C).
    """
    segment = reader.segment()
    now = reader.deleted_docs_set
    if segment is None:
        return bitmap(now)
    key = (segment.segment_id(), reader.doc_count_all())
    with _lock:
        last = _deletions.get(key)
    if last is not None and last[0] == now:
        return last[1]
    if last is not None and last[0] <= now:
        bits = last[1] | bitmap(now - last[0])
    else:
        bits = bitmap(now)
    with _lock:
        _deletions[key] = (now, bits)
        _deletions.move_to_end(key)
        while len(_deletions) > _DELETIONS_KEPT:
            _deletions.popitem(last=False)
    return bits


def live_bits(s) -> int:
    """Every live document as a bitmap."""
    cache = searcher_cache(s)
    if "live_bits" not in cache:
        cache["live_bits"] = ((1 << s.doc_count_all()) - 1) & ~deleted_bits(s)
    return cache["live_bits"]


def postings(s, fieldname: str, text) -> dict[int, float]:
    """{global docnum: weight} of a term: Whoosh's matcher.weight(), frequency x field boost."""
    return _combined(s, fieldname, text, "weights")


def segment_positions(s, fieldname: str, text) -> list[dict[int, tuple[int, ...]]]:
    """{global docnum: word positions} of a term, one dict per segment (the empty ones left
    out), straight from the segment cache: a phrase looks up its candidates only, so the
    lists are not combined into one per searcher (i.e. per thread, after every save)."""
    btext = term_bytes(s, fieldname, text)
    if btext is None:
        return []
    parts = [
        _segment_postings(sub.reader(), offset, fieldname, btext, "positions")
        for sub, offset in s.leaf_searchers()
    ]
    return [part for part in parts if part]


def positions(s, fieldname: str, text) -> dict[int, tuple[int, ...]]:
    """{global docnum: word positions} of a term, for phrase matching."""
    return _combined(s, fieldname, text, "positions")


def term_bytes(s, fieldname: str, text) -> bytes | None:
    """The term as the field's index holds it; None if no field can hold it: it matches nothing."""
    if fieldname not in s.schema:
        return None
    try:
        return s.schema[fieldname].to_bytes(text)
    except (ValueError, TypeError):
        return None


def _combined(s, fieldname: str, text, kind: str):
    btext = term_bytes(s, fieldname, text)
    if btext is None:
        return frozenset() if kind == "ids" else {}
    cache = searcher_cache(s).setdefault("postings", OrderedDict())
    key = (fieldname, btext, kind)
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    parts = [
        _segment_postings(sub.reader(), offset, fieldname, btext, kind)
        for sub, offset in s.leaf_searchers()
    ]
    parts = [part for part in parts if part]
    if len(parts) == 1:
        found = parts[0]
    elif kind == "ids":
        found = frozenset().union(*parts)
    else:
        found = {}
        for part in parts:
            found.update(part)
    cache[key] = found
    while len(cache) > SEARCHER_TERMS:
        cache.popitem(last=False)
    return found


def _segment_postings(reader, offset: int, fieldname: str, btext: bytes, kind: str):
    """A segment's posting list, numbered from `offset` (deleted documents included)."""
    segment = reader.segment()
    if segment is None:  # an empty index
        return _decoded(reader, fieldname, btext, kind, offset)
    # A segment keeps its offset until a segment before it is merged away (rarely: new
    # segments come last), so the list is kept already numbered.
    key = (segment.segment_id(), reader.doc_count_all(), offset, fieldname, btext, kind)
    found = _recall(key)
    if found is not None:
        return found
    data = _decoded(reader, fieldname, btext, kind, offset)
    _remember(key, data)
    return data


def _decoded(reader, fieldname: str, btext: bytes, kind: str, offset: int):
    if kind == "bits":
        if not reader.schema[fieldname].scorable:
            return bitmap(_read(reader, fieldname, btext, "ids", offset))
        # A word's documents are matched first, then ranked from its Impacts: decode its
        # weights now and leave them for that (impacts.weights_read_for), not the list twice.
        weights = _read(reader, fieldname, btext, "weights", offset)
        segment = reader.segment()
        if segment is not None and weights:
            key = (segment.segment_id(), reader.doc_count_all(), offset, fieldname, btext)
            with _lock:
                _just_read[key] = weights
                while len(_just_read) > _JUST_READ_KEPT:
                    _just_read.popitem(last=False)
        return bitmap(weights)
    return _read(reader, fieldname, btext, kind, offset)


# Weights decoded for a word's bitmap, waiting to become its Impacts (a few; taken once).
_just_read: OrderedDict = OrderedDict()
_JUST_READ_KEPT = 32


def _recall(key):
    """What _remember kept under `key` (now the most recently used), or None."""
    with _lock:
        found = _segments.get(key)
        if found is None:
            return None
        _segments.move_to_end(key)
        return found[1]


def _remember(key, data) -> None:
    global _segments_size
    size = _size(data)
    with _lock:
        previous = _segments.pop(key, None)  # two threads may have read the same list
        if previous is not None:
            _segments_size -= previous[0]
        _segments[key] = (size, data)
        _segments_size += size
        while _segments_size > SEGMENT_BUDGET and len(_segments) > 1:
            _old, (size, _data) = _segments.popitem(last=False)
            _segments_size -= size


def _size(data) -> int:
    """Bytes that a decoded list holds, roughly (Python objects included)."""
    if isinstance(data, int):
        return data.bit_length() // 8 + 32
    if hasattr(data, "nbytes"):  # Impacts (wiki.search.engine.impacts), FieldBits
        return data.nbytes()
    per_item = {frozenset: 60, tuple: 50, list: 40}.get(type(data), 120)  # dicts: ~120
    return per_item * len(data) + 100


def _read(reader, fieldname: str, btext: bytes, kind: str, offset: int = 0):
    try:  # (a missing term raises TermNotFound: asking `in reader` first looked it up twice)
        matcher = reader.postings(fieldname, btext)
    except (TermNotFound, ValueError, TypeError):
        return frozenset() if kind == "ids" else {}
    if isinstance(matcher, FilterMatcher):  # deletions are applied per searcher, not here
        matcher = matcher.child
    if type(matcher) is not whoosh3.W3LeafMatcher:
        return _read_public(reader, fieldname, btext, kind, offset)
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    while matcher.is_active():
        matcher.id()  # decodes the block's ids
        ids.extend(matcher._ids)
        if kind == "weights":
            matcher.weight()  # decodes its weights
            weights.extend(matcher._weights)
        elif kind == "positions":
            matcher.value()  # decodes its values
            values.extend(matcher._values)
        matcher._i = matcher._blocklength - 1  # the block is taken: on to the next
        matcher.next()
    if offset:
        ids = list(map(offset.__add__, ids))
    if kind == "ids":
        return frozenset(ids)
    if kind == "weights":
        return dict(zip(ids, weights, strict=True))
    decode = matcher.format.decoder("positions")
    return {docnum: tuple(decode(value)) for docnum, value in zip(ids, values, strict=True)}


def _read_public(reader, fieldname: str, btext: bytes, kind: str, offset: int = 0):
    """The same through Whoosh's public matcher API (not a W3 leaf), deleted documents kept."""
    found: dict = {}
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    while matcher.is_active():
        found[offset + matcher.id()] = (
            matcher.weight()
            if kind == "weights"
            else tuple(matcher.value_as("positions"))
            if kind == "positions"
            else None
        )
        matcher.next()
    return frozenset(found) if kind == "ids" else found


def deleted(s) -> frozenset[int]:
    """Global numbers of the searcher's deleted documents (replaced or removed pages)."""
    cache = searcher_cache(s)
    if "deleted" not in cache:
        cache["deleted"] = frozenset(
            offset + docnum
            for sub, offset in s.leaf_searchers()
            if sub.reader().has_deletions()
            for docnum in sub.reader().deleted_docs_set
        )
    return cache["deleted"]


class FieldBits(dict):
    """term -> bitmap of the documents holding it, for every term of a (facet) field."""

    def nbytes(self) -> int:
        return sum(bits.bit_length() // 8 + 100 for bits in self.values()) + 100


def field_bits(s, fieldname: str) -> FieldBits:
    """Every term of a facet field with its documents as a bitmap (deleted ones included).

    Each segment's are read once from its own term list (only the values it holds: a save's
    one-page segment holds a few) and kept; per searcher they are shifted into place and
    combined. Asking each value of every segment instead cost ~200 term look-ups a request
    after each save. (A term whose documents were all deleted may remain, with no live
    document: a facet value counted 0 is not shown.)
    """
    cache = searcher_cache(s)
    key = ("field_bits", fieldname)
    found = cache.get(key)
    if found is None:
        found = FieldBits()
        for sub, offset in s.leaf_searchers():
            for term, bits in _segment_field_bits(sub.reader(), fieldname).items():
                found[term] = found.get(term, 0) | bits << offset
        cache[key] = found
    return found


def _segment_field_bits(reader, fieldname: str) -> FieldBits:
    segment = reader.segment()
    key = (
        segment.segment_id() if segment else None,
        reader.doc_count_all(),
        fieldname,
        "field_bits",
    )
    cached = _recall(key)
    if cached is not None:
        return cached
    found = FieldBits()
    if fieldname in reader.schema:
        one_page = reader.doc_count_all() == 1  # a save's segment: each term is its page's
        for term in reader.lexicon(fieldname):  # kept when all its documents are deleted
            found[term] = 1 if one_page else bitmap(_read(reader, fieldname, term, "ids"))
    if segment is not None:
        _remember(key, found)
    return found


def column(s, fieldname: str) -> list:
    """The values of a numeric column (e.g. "updated") of every document, by global docnum.

    Whoosh's column reader fetches one value per file access; a segment's column is read here
    in one piece (and kept: it never changes).
    """
    cache = searcher_cache(s)
    key = ("column", fieldname)
    if key not in cache:
        values: list = []
        for sub, _offset in s.leaf_searchers():
            values.extend(_segment_column(sub.reader(), fieldname))
        cache[key] = values
    return cache[key]


def _segment_column(reader, fieldname: str) -> list:
    segment = reader.segment()
    key = (segment.segment_id() if segment else None, reader.doc_count_all(), fieldname, "column")
    found = _recall(key)
    if found is not None:
        return found
    source = reader.column_reader(fieldname, translate=False)
    count = reader.doc_count_all()
    try:
        stored = min(source._count, count)
        data = source._dbfile.get(source._basepos, stored * source._fixedlen)
        values = list(struct.unpack(f"!{stored}{source._typecode}", data))
        values += [source._default] * (count - stored)
    except AttributeError:  # not a fixed-size numeric column: Whoosh's way
        values = list(source)
    if segment is not None:
        _remember(key, values)
    return values


def length_bytes(s, fieldname: str) -> bytes | None:
    """The encoded length of `fieldname` in every document, indexed by global docnum.

    Whoosh stores one byte per document and field (a logarithmic scale, see
    whoosh.util.numeric.byte_to_length); BM25F needs it for every scored document. Read here
    as one bytes object per segment instead of one file access per document. None when a
    segment cannot be read that way (the caller then asks Whoosh per document).
    """
    cache = searcher_cache(s)
    key = ("lengths", fieldname)
    if key not in cache:
        try:
            parts = [_segment_lengths(sub.reader(), fieldname) for sub, _o in s.leaf_searchers()]
            cache[key] = b"".join(parts)
        except AttributeError:  # not the W3 codec
            cache[key] = None
    return cache[key]


def _segment_lengths(reader, fieldname: str) -> bytes:
    """A segment's encoded lengths of `fieldname`, one byte a document (AttributeError: not W3)."""
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if column is None:  # Whoosh's scorer then takes a length of 1
        return bytes([length_to_byte(1)]) * count
    stored = min(column._count, count)
    data = column._dbfile.get(column._basepos, stored) if stored else b""
    return bytes(data) + bytes(count - stored)
