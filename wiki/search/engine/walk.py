"""One dispatch over the query types the engine answers itself, for matching and for scoring.

Which documents match a query (wiki.search.engine.matching) and how they score
(wiki.search.engine.scoring) are two readings of the same tree: both go through `visit`, so a
query type is recognised (or left to Whoosh) in one place and the two cannot drift apart.
A reading is an object with one method per kind of node; each method recurses through its own
entry point (`docs()`, `scores()`).
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from whoosh import query

T = TypeVar("T")


class Reading(Protocol[T]):
    def term(self, q: query.Term) -> T: ...
    def everything(self, q: query.Every) -> T: ...
    def phrase(self, q: query.Phrase) -> T: ...
    def all_of(self, q: query.And) -> T: ...
    def any_of(self, q: query.Or) -> T: ...
    def inverse(self, q: query.Not) -> T: ...
    def but_not(self, q: query.AndNot) -> T: ...
    def require(self, q: query.Require) -> T: ...
    def and_maybe(self, q: query.AndMaybe) -> T: ...
    def nothing(self, q: query.Query) -> T: ...
    def other(self, q: query.Query) -> T: ...


def visit(q: query.Query, reading: Reading[T]) -> T:
    """`reading`'s method for the kind of `q` (exact types: a subclass may mean something else)."""
    kind = type(q)
    if kind is query.Term:
        return reading.term(q)
    if kind is query.And:
        return reading.all_of(q)
    if kind is query.Or and not getattr(q, "minmatch", 0):
        return reading.any_of(q)
    if kind is query.Not:
        return reading.inverse(q)
    if kind is query.AndNot:
        return reading.but_not(q)
    if kind is query.Require:
        return reading.require(q)
    if kind is query.AndMaybe:
        return reading.and_maybe(q)
    if kind is query.Every and not q.fieldname:
        return reading.everything(q)
    if kind is query.Phrase and q.slop == 1 and q.words:
        return reading.phrase(q)
    if q is query.NullQuery:
        return reading.nothing(q)
    return reading.other(q)
