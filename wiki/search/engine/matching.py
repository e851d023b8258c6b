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

from wiki.search.engine.postings import deleted, doc_ids, positions, searcher_cache
from wiki.search.engine.walk import visit


def match(s, q: query.Query | None) -> set[int]:
    """Numbers of the live documents matching `q` (every live document when `q` is None)."""
    docs = Matching(s).docs(q if q is not None else query.Every())
    gone = deleted(s)
    return set(docs - gone) if gone and docs else set(docs)


def having(s, fieldname: str, keys: list[str]) -> set[int]:
    """Documents holding any of `keys` in `fieldname` (deleted ones included: intersect them)."""
    docs: set[int] = set()
    for key in keys:
        docs |= doc_ids(s, fieldname, key)
    return docs


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
    found = {word: positions(s, fieldname, word) for word in set(words)}
    first, rest = found[words[0]], list(enumerate(words))[1:]
    result: set[int] = set()
    for docnum in candidates:
        others = [(i, found[word][docnum]) for i, word in rest]
        if any(all(p + i in where for i, where in others) for p in first[docnum]):
            result.add(docnum)
    return result
