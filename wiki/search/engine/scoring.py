"""BM25F ranking of a known set of matching documents, from whole posting lists.

By the time results are ranked, search() already knows every matching document (it counted
them for the total and the facets). Whoosh would find them again through its matcher tree and
score each one through several layers of Python calls; here each query word's posting list is
read once (wiki.search.engine.postings) and the documents are scored with the same BM25F formula,
statistics (idf, average field length, Whoosh's one-byte field lengths) and combination rules
as Whoosh's matchers:

- a word scores idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length)),
  times its boost; in a field without lengths (themes, status…) it scores its weight;
- AND and OR add the scores of the parts a document matches (an OR part it lacks adds 0);
- a NOT part inside AND/OR adds 1.0 to the documents it lets through (Whoosh's InverseMatcher);
- AND NOT keeps the left side's score; AND MAYBE adds the right side's where it matches.

Ties are broken as Whoosh does, lower document number first. Only the order of additions may
differ from Whoosh's matcher tree, i.e. scores agree to the last bits of a float
(tests/search/engine/test_ranking.py checks scores and order against Whoosh's own search()).
Queries with other parts (spans, wildcards…) return None: the caller asks Whoosh.
"""

from __future__ import annotations

import heapq

from whoosh import query, scoring
from whoosh.util.numeric import byte_to_length

from wiki.search.engine.matching import Matching
from wiki.search.engine.postings import field_length, length_bytes, postings
from wiki.search.engine.walk import visit


class Unsupported(Exception):
    """A query part this ranker does not score: Whoosh ranks the query instead."""


def top(s, q: query.Query, docs: set[int], limit: int) -> list[tuple[float, int]] | None:
    """The best `limit` of `docs` for `q` as (score, docnum), best first; None if unsupported.

    `docs` must all match `q` (documents that do not are left out, as Whoosh's filter would).
    """
    weighting = s.weighting
    if type(weighting) is not scoring.BM25F or not docs:
        return None if docs else []
    try:
        scores = Scoring(s, weighting, docs).scores(q)
    except Unsupported:
        return None
    best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
    return [(score, docnum) for docnum, score in best]


class Scoring:
    """The BM25F score of each document of `docs` for each part of a query (see walk.visit)."""

    def __init__(self, s, weighting: scoring.BM25F, docs: set[int]):
        self.s, self.weighting, self.docs = s, weighting, docs
        self.matching = Matching(s)  # the documents of NOT parts

    def scores(self, q: query.Query) -> dict[int, float]:
        result = visit(q, self)
        boost = q.boost if type(q) is not query.Not else 1.0  # an inverse scores its weight, 1.0
        if boost != 1.0:
            result = {d: v * boost for d, v in result.items()}
        return result

    def term(self, q: query.Term):
        return self.term_scores(q.fieldname, q.text)

    def all_of(self, q: query.And):
        return self.combine(q.subqueries, every=True)

    def any_of(self, q: query.Or):
        if getattr(q, "scale", None):
            raise Unsupported("Or with a scale")
        return self.combine(q.subqueries, every=False)

    def phrase(self, q: query.Phrase):
        # The documents are known to hold the phrase: it scores as its words (Whoosh scores a
        # phrase by the sum of its terms' scores).
        return self.combine([query.Term(q.fieldname, w) for w in q.words], every=True)

    def inverse(self, q: query.Not):
        excluded = self.matching.docs(q.query)
        return {d: 1.0 for d in self.docs if d not in excluded}

    def but_not(self, q: query.AndNot):
        excluded = self.matching.docs(q.b)
        return {d: v for d, v in self.scores(q.a).items() if d not in excluded}

    def require(self, q: query.Require):
        required = self.matching.docs(q.b)
        return {d: v for d, v in self.scores(q.a).items() if d in required}

    def and_maybe(self, q: query.AndMaybe):
        result = self.scores(q.a)
        maybe = self.scores(q.b)
        return {d: v + maybe[d] if d in maybe else v for d, v in result.items()}

    def nothing(self, q: query.Query):
        return {}

    def everything(self, q: query.Query):
        raise Unsupported(type(q).__name__)

    other = everything

    def combine(self, subqueries, every: bool) -> dict[int, float]:
        parts = [self.scores(sub) for sub in subqueries]
        if not parts:
            return {}
        if every:
            keys = set(min(parts, key=len))
            for part in parts:
                keys.intersection_update(part)
        else:
            keys = set().union(*parts)
        result = {}
        for docnum in keys:
            total = 0.0
            for part in parts:
                value = part.get(docnum)
                if value is not None:
                    total += value
            result[docnum] = total
        return result

    def term_scores(self, fieldname: str, text) -> dict[int, float]:
        s = self.s
        if fieldname not in s.schema:
            return {}
        field = s.schema[fieldname]
        weights = postings(s, fieldname, text)
        docs = self.docs
        if len(weights) < len(docs):
            found = [(d, w) for d, w in weights.items() if d in docs]
        else:
            found = [(d, weights[d]) for d in docs if d in weights]
        if not found:
            return {}
        if not field.scorable:
            result = dict(found)
        else:
            result = self.bm25(fieldname, field.to_bytes(text), found)
        return result

    def bm25(self, fieldname: str, btext: bytes, found) -> dict[int, float]:
        s, weighting = self.s, self.weighting
        idf = s.idf(fieldname, btext)  # as Whoosh's scorer asks it: cached by the searcher
        avgfl = s.avg_field_length(fieldname) or 1
        B = weighting._field_B.get(fieldname, weighting.B)
        K1 = weighting.K1
        lengths = length_bytes(s, fieldname)
        if lengths is not None:
            # The denominator's length part, for each of the 256 encoded lengths.
            norms = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
            return {d: idf * ((w * (K1 + 1)) / (w + norms[lengths[d]])) for d, w in found}
        return {
            d: scoring.bm25(idf, w, field_length(s, d, fieldname), avgfl, B, K1) for d, w in found
        }
