"""Which documents match a query, with set operations on whole posting lists.

Whoosh's docs_for_query() walks nested union/intersection matchers one document at a time,
in Python: ~60 ms for two common words over 10k pages. Reading each posting list whole and
combining them as sets gives the same documents several times faster. Query types other than
terms, AND, OR, NOT, phrases and "everything" are left to Whoosh (see walk.visit).
The posting lists include deleted documents (wiki.search.engine.postings): `match` takes them
out, once.
"""

from __future__ import annotations

from whoosh import query

from wiki.search.engine.postings import (
    bitmap,
    deleted,
    doc_bits,
    doc_ids,
    live_bits,
    members,
    searcher_cache,
    segment_positions,
)
from wiki.search.engine.walk import visit


def match(s, q: query.Query | None) -> set[int]:
    """Numbers of the live documents matching `q` (every live document when `q` is None)."""
    return set(members(match_bits(s, q)))


def match_bits(s, q: query.Query | None) -> int:
    """The live documents matching `q` as a bitmap (bit n: document n; see postings.bitmap).

    Each word's documents are a bitmap (kept per segment), so AND, OR and NOT, the count of
    matches and the facet counts run in C over N/8 bytes whatever the number of matches.
    """
    if q is None:
        return live_bits(s)
    return BitMatching(s).docs(q) & live_bits(s)


def having(s, fieldname: str, keys: list[str]) -> set[int]:
    """Documents holding any of `keys` in `fieldname` (deleted ones included: intersect them)."""
    docs: set[int] = set()
    for key in keys:
        docs |= doc_ids(s, fieldname, key)
    return docs


def having_bits(s, fieldname: str, keys: list[str]) -> int:
    """`having` as a bitmap."""
    bits = 0
    for key in keys:
        bits |= doc_bits(s, fieldname, key)
    return bits


def all_docs(s) -> frozenset[int]:
    """Every live document (reader.all_doc_ids() asks is_deleted() of each: slow)."""
    cache = searcher_cache(s)
    if "all" not in cache:
        cache["all"] = frozenset(range(s.doc_count_all())) - deleted(s)
    return cache["all"]


class Matching:
    """The documents of each part of a query, deleted ones included (see `match`)."""

    def __init__(self, s):
        self.s = s

    def docs(self, q: query.Query) -> set[int]:
        return visit(q, self)

    def term(self, q: query.Term):
        return doc_ids(self.s, q.fieldname, q.text)

    def everything(self, q: query.Every):
        return all_docs(self.s)

    def any_of(self, q: query.Or):
        return self.union(q.subqueries)

    def all_of(self, q: query.And):
        positive = [sub for sub in q.subqueries if type(sub) is not query.Not]
        negative = [sub.query for sub in q.subqueries if type(sub) is query.Not]
        if not positive:
            return all_docs(self.s) - self.union(negative)
        sets = sorted((self.docs(sub) for sub in positive), key=len)
        result = set(sets[0])
        for other in sets[1:]:
            result &= other
        return result - self.union(negative) if negative and result else result

    def but_not(self, q: query.AndNot):
        result = self.docs(q.a)
        return result - self.docs(q.b) if result else result

    def inverse(self, q: query.Not):
        return all_docs(self.s) - self.docs(q.query)

    def and_maybe(self, q: query.AndMaybe):
        return self.docs(q.a)

    def require(self, q: query.Require):
        return self.docs(q.a) & self.docs(q.b)

    def nothing(self, q: query.Query):
        return set()

    def phrase(self, q: query.Phrase):
        return phrase_docs(self.s, q.fieldname, q.words)

    def other(self, q: query.Query):
        return set(self.s.docs_for_query(q))

    def union(self, queries) -> set[int]:
        result: set[int] = set()
        for sub in queries:
            result |= self.docs(sub)
        return result


def phrase_docs(s, fieldname: str, words: list[str]) -> set[int]:
    """Documents holding `words` at consecutive positions (a Phrase of slop 1).

    Whoosh finds them with span matchers, one position list at a time in pure Python (~100 ms
    for a common phrase at 10k pages); here the documents holding every word come from the
    posting lists as sets, and only their positions are compared.
    """
    candidates = None
    for word in set(words):
        found = doc_ids(s, fieldname, word)
        candidates = found if candidates is None else candidates & found
        if not candidates:
            return set()
    if len(words) == 1:
        return candidates
    return _in_order(s, fieldname, words, candidates)


def _in_order(s, fieldname: str, words: list[str], candidates) -> set[int]:
    """The `candidates` (holding every word) where the words are at consecutive positions."""
    found = {word: segment_positions(s, fieldname, word) for word in set(words)}

    def where(word: str, docnum: int) -> tuple[int, ...]:
        for part in found[word]:
            places = part.get(docnum)
            if places is not None:
                return places
        return ()

    first, rest = words[0], list(enumerate(words))[1:]
    result: set[int] = set()
    for docnum in candidates:
        others = [(i, where(word, docnum)) for i, word in rest]
        if any(all(p + i in places for i, places in others) for p in where(first, docnum)):
            result.add(docnum)
    return result


class BitMatching:
    """The documents of each part of a query as bitmaps, deleted ones included (see match_bits)."""

    def __init__(self, s):
        self.s = s

    def docs(self, q: query.Query) -> int:
        return visit(q, self)

    def term(self, q: query.Term) -> int:
        return doc_bits(self.s, q.fieldname, q.text)

    def everything(self, q: query.Every) -> int:
        return live_bits(self.s)

    def any_of(self, q: query.Or) -> int:
        return self.union(q.subqueries)

    def all_of(self, q: query.And) -> int:
        positive = [sub for sub in q.subqueries if type(sub) is not query.Not]
        negative = [sub.query for sub in q.subqueries if type(sub) is query.Not]
        result = live_bits(self.s)
        for sub in positive:
            result &= self.docs(sub)
            if not result:
                return 0
        return result & ~self.union(negative) if negative else result

    def but_not(self, q: query.AndNot) -> int:
        result = self.docs(q.a)
        return result & ~self.docs(q.b) if result else result

    def inverse(self, q: query.Not) -> int:
        return live_bits(self.s) & ~self.docs(q.query)

    def and_maybe(self, q: query.AndMaybe) -> int:
        return self.docs(q.a)

    def require(self, q: query.Require) -> int:
        return self.docs(q.a) & self.docs(q.b)

    def nothing(self, q: query.Query) -> int:
        return 0

    def phrase(self, q: query.Phrase) -> int:
        candidates = live_bits(self.s)
        for word in set(q.words):
            candidates &= doc_bits(self.s, q.fieldname, word)
            if not candidates:
                return 0
        if len(q.words) == 1:
            return candidates
        return bitmap(_in_order(self.s, q.fieldname, q.words, members(candidates)))

    def other(self, q: query.Query) -> int:
        return bitmap(self.s.docs_for_query(q))

    def union(self, queries) -> int:
        result = 0
        for sub in queries:
            result |= self.docs(sub)
        return result
