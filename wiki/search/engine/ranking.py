"""The best documents of a known set of matches: by relevance (BM25F) or newest first."""

from __future__ import annotations

import heapq

from whoosh import query

from wiki.search.engine import scoring
from wiki.search.engine.postings import column, members


def top(
    s, q: query.Query, docs: set[int] | int, limit: int, filtered: bool = False
) -> list[tuple[float, int]]:
    """The best `limit` of `docs` (all matching `q`; a set or a bitmap) as (score, docnum).

    Scored from whole posting lists (wiki.search.engine.scoring); a query with parts that
    ranker does not score is ranked by Whoosh, restricted to `docs` when `filtered` (a facet
    selection narrowed them) or when phrases were scored as their words.
    """
    words = phrases_as_words(q)
    ranked = scoring.top(s, words, docs, limit)
    if ranked is None:  # a query part the ranker does not score: Whoosh does it
        exact = filtered or words != q  # a phrase's words also match elsewhere
        if exact and isinstance(docs, int):
            docs = members(docs)
        ranked = s.search(words, limit=limit, filter=set(docs) if exact else None).top_n
    return ranked


def newest(s, docs: set[int] | int, limit: int) -> list[tuple[object, int]]:
    """The `limit` most recently updated of `docs` (a set or a bitmap) as (updated, docnum),
    newest first.

    Taken from the "updated" column read whole: no pass over the query.
    """
    if isinstance(docs, int):
        docs = members(docs)
    updated = column(s, "updated")
    best = heapq.nlargest(limit, docs, key=lambda d: (updated[d], d))
    return [(updated[d], d) for d in best]


def phrases_as_words(q: query.Query) -> query.Query:
    """`q` with its phrases scored as their words: the same score for a phrase's documents.

    Whoosh scores a phrase by the sum of its terms' scores, after matching the positions again;
    with the matching documents known (the search filter), the terms alone give the same
    ranking without that second pass. Phrases under NOT are kept: they decide what is left out.
    """
    kind = type(q)
    if kind is query.Phrase and q.slop == 1 and q.words:
        return query.And([query.Term(q.fieldname, w) for w in q.words], boost=q.boost)
    if kind is query.Not:
        return q
    if kind is query.AndNot:
        return query.AndNot(phrases_as_words(q.a), q.b)
    if q.is_leaf():
        return q
    return q.apply(phrases_as_words)
