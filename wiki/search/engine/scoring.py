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
from bisect import bisect_left, bisect_right

from whoosh import query, scoring
from whoosh.util.numeric import byte_to_length

from wiki.search.engine.impacts import impacts
from wiki.search.engine.matching import Matching
from wiki.search.engine.postings import bitmap, length_bytes, members, postings
from wiki.search.engine.walk import visit

# At most this many candidates, each is scored (cheaper than visiting the groups of the words).
SCORE_ALL_BELOW = 400
# Documents scored by the threshold walk before it bounds each remaining candidate instead.
WALK_BUDGET = 200


class Unsupported(Exception):
    """A query part this ranker does not score: Whoosh ranks the query instead."""


def top(s, q: query.Query, docs: set[int] | int, limit: int) -> list[tuple[float, int]] | None:
    """The best `limit` of `docs` for `q` as (score, docnum), best first; None if unsupported.

    `docs` (a set of numbers or a bitmap, see wiki.search.engine.postings) must all match `q`
    (documents that do not are left out, as Whoosh's filter would). Queries of words, AND and
    OR (the plain words of every search) are ranked by `Threshold` without scoring every
    document; other queries score every document of `docs`.
    """
    weighting = s.weighting
    if type(weighting) is not scoring.BM25F or not docs:
        return None if docs else []
    if limit <= 0:
        return []
    ranked = Threshold.ranking(s, weighting, q, docs, limit)
    if ranked is not None:
        return ranked
    if isinstance(docs, int):
        docs = set(members(docs))
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


# -- the best documents without scoring them all ---------------------------------------------------

_TERM, _AND, _OR, _NOTHING = range(4)


class Threshold:
    """The best documents for a query of words, AND and OR, without scoring every match.

    A document's score is a sum over the query's words of each word's BM25F score times the
    boosts above it, and a word's score depends only on the document's (weight, field length)
    group (wiki.search.engine.impacts.Impacts). The groups of every word are visited best
    first, all words together (Fagin's threshold algorithm, with groups instead of single
    postings): each candidate met is scored exactly, as `Scoring` does (same operations in the
    same order, so the same float), and the walk stops once the `limit`-th best score is above
    what a document not met yet can reach: the sum of each word's next group score. Common words
    at 100k pages match tens of thousands of documents; the best 20 are usually among the first
    groups. Ties: lower document number first, as Whoosh does. Exact: the same documents and
    scores as scoring them all (tests/search/engine/test_ranking.py).
    """

    def __init__(self, s, weighting: scoring.BM25F):
        self.s, self.weighting = s, weighting
        self.leaves: list[tuple[str, object, float]] = []  # (field, text, boost product)

    @classmethod
    def ranking(cls, s, weighting, q, docs, limit: int) -> list[tuple[float, int]] | None:
        ranker = cls(s, weighting)
        tree = ranker.compile(q, 1.0)
        if tree is None:
            return None
        words = ranker.words()
        if words is None:
            return None
        bits = docs if isinstance(docs, int) else bitmap(docs)
        return ranker.best(tree, words, bits, limit)

    def compile(self, q: query.Query, boost: float):
        """The query as nested tuples for `value` (None: a part scored by `Scoring` only)."""
        kind = type(q)
        if q is query.NullQuery:
            return (_NOTHING,)
        own = q.boost
        if not isinstance(own, (int, float)) or not own > 0:
            return None
        product = boost * own
        if kind is query.Term:
            self.leaves.append((q.fieldname, q.text, product))
            return (_TERM, len(self.leaves) - 1, own)
        if kind is query.Phrase and q.slop == 1 and q.words:  # as Scoring.phrase: its words
            words = [query.Term(q.fieldname, w) for w in q.words]
            parts = [self.compile(word, product) for word in words]
            return (_AND, parts, own)
        if kind is query.And or (
            kind is query.Or and not getattr(q, "minmatch", 0) and not getattr(q, "scale", None)
        ):
            parts = [self.compile(sub, product) for sub in q.subqueries]
            if any(part is None for part in parts):
                return None
            return (_AND if kind is query.And else _OR, parts, own)
        return None

    def words(self):
        """Each leaf's scoring: (Impacts per segment, scorable, idf, norms) (None: not W3)."""
        s, weighting = self.s, self.weighting
        found = []
        for fieldname, text, _product in self.leaves:
            parts = impacts(s, fieldname, text)
            if parts is None:
                return None
            if not parts:
                found.append(([], False, 0.0, None))
                continue
            field = s.schema[fieldname]
            if not field.scorable:
                found.append((parts, False, 0.0, None))
                continue
            if length_bytes(s, fieldname) is None:
                return None
            avgfl = s.avg_field_length(fieldname) or 1
            B = weighting._field_B.get(fieldname, weighting.B)
            K1 = weighting.K1
            norms = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
            idf = s.idf(fieldname, field.to_bytes(text))
            found.append((parts, True, idf, norms))
        return found

    def best(self, tree, words, bits: int, limit: int) -> list[tuple[float, int]]:
        s = self.s
        K1 = self.weighting.K1
        lengths = {
            fieldname: length_bytes(s, fieldname)
            for (fieldname, _t, _p), (_parts, scorable, _i, _n) in zip(
                self.leaves, words, strict=True
            )
            if scorable
        }
        starts = [offset for _sub, offset in s.leaf_searchers()]
        # Each leaf's Impacts by segment number, for a document's weight.
        by_segment = []
        for parts, *_rest in words:
            table = [None] * len(starts)
            for part in parts:
                table[bisect_right(starts, part.ids[0]) - 1] = part
            by_segment.append(table)

        evaluate = self.evaluator(tree, words, by_segment, lengths, K1)
        if evaluate is None:  # no word of the query is in the index
            return []

        def score(docnum: int):
            return evaluate(docnum, bisect_right(starts, docnum) - 1)

        count = bits.bit_count()
        if count <= max(SCORE_ALL_BELOW, limit):
            scored = [(score(d), d) for d in members(bits)]
            best = heapq.nsmallest(
                limit, ((v, d) for v, d in scored if v is not None), key=lambda x: (-x[0], x[1])
            )
            return best
        return self.walk(words, bits, limit, score)

    def evaluator(self, tree, words, by_segment, lengths, K1):
        """A function (docnum, segment) -> the document's score (None: it does not match),
        computed as Scoring computes it: each word's BM25F, times its boost, parts summed
        from 0.0 in order, times the part's boost (the same floats). Built once a query as
        nested closures; words found nowhere are left out (they score nothing anywhere).
        """
        kind = tree[0]
        if kind == _NOTHING:
            return None
        boost = tree[2]
        if kind == _TERM:
            leaf = tree[1]
            table = by_segment[leaf]
            if all(part is None for part in table):
                return None
            _parts, scorable, idf, norms = words[leaf]
            field_lengths = lengths.get(self.leaves[leaf][0])
            K1_plus_1 = K1 + 1

            def term(docnum: int, segment: int):
                part = table[segment]
                if part is None:
                    return None
                ids = part.ids
                i = bisect_left(ids, docnum)
                if i == len(ids) or ids[i] != docnum:
                    return None
                w = part.weights[i]
                if scorable:
                    w = idf * ((w * K1_plus_1) / (w + norms[field_lengths[docnum]]))
                return w * boost if boost != 1.0 else w

            return term
        children = [self.evaluator(child, words, by_segment, lengths, K1) for child in tree[1]]
        if kind == _AND:
            if not children or None in children:
                return None

            def every(docnum: int, segment: int):
                v = 0.0
                for child in children:
                    p = child(docnum, segment)
                    if p is None:
                        return None
                    v += p
                return v * boost if boost != 1.0 else v

            return every
        children = [child for child in children if child is not None]
        if not children:
            return None

        def any_of(docnum: int, segment: int):
            v = 0.0
            found = False
            for child in children:
                p = child(docnum, segment)
                if p is not None:
                    v += p
                    found = True
            if not found:
                return None
            return v * boost if boost != 1.0 else v

        return any_of

    def walk(self, words, bits: int, limit: int, score) -> list[tuple[float, int]]:
        """The threshold algorithm over the leaves' groups, best group first."""
        candidate = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
        size = len(candidate)
        K1 = self.weighting.K1
        # Each leaf's groups as (best possible score, documents), best first.
        groups = []
        for (_f, _t, product), (parts, scorable, idf, norms) in zip(
            self.leaves, words, strict=True
        ):
            leaf = []
            for part in parts:
                for w, length, docs in part.groups:
                    base = idf * ((w * (K1 + 1)) / (w + norms[length])) if scorable else w
                    leaf.append((base * product, docs))
            leaf.sort(key=lambda group: -group[0])
            groups.append(leaf)
        position = [0] * len(groups)
        frontier = [leaf[0][0] if leaf else 0.0 for leaf in groups]
        queue = [(-frontier[i], i) for i, leaf in enumerate(groups) if leaf]
        heapq.heapify(queue)
        heap: list[tuple[float, int]] = []  # (score, -docnum): the worst kept on top
        seen: set[int] = set()

        def keep(docnum: int) -> None:
            seen.add(docnum)
            v = score(docnum)
            if v is None:
                return
            item = (v, -docnum)
            if len(heap) < limit:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)

        budget = WALK_BUDGET + 4 * limit
        while queue:
            if len(heap) >= limit:
                bound = sum(frontier)
                if heap[0][0] > bound + abs(bound) * 1e-9:
                    break
            if len(seen) > budget:  # the words' best groups hold different documents
                self.by_bound(groups, bits, seen, limit, heap, keep)
                break
            _neg, i = heapq.heappop(queue)
            _score_of, docs = groups[i][position[i]]
            position[i] += 1
            if position[i] < len(groups[i]):
                frontier[i] = groups[i][position[i]][0]
                heapq.heappush(queue, (-frontier[i], i))
            else:
                frontier[i] = 0.0
            for docnum in docs:
                byte = docnum >> 3
                if byte >= size or not candidate[byte] >> (docnum & 7) & 1 or docnum in seen:
                    continue
                keep(docnum)
        heap.sort(reverse=True)
        return [(v, -negative) for v, negative in heap]

    @staticmethod
    def by_bound(groups, bits: int, seen: set[int], limit: int, heap, keep) -> None:
        """The rest of the walk when each word's best groups hold different documents
        ("énergie citoyenne": the pages best for one word are not those best for the other,
        and the sum of the next groups' scores stays high for thousands of pages).

        Each candidate not scored yet gets an upper bound, the sum of its groups' scores (a
        set intersection per group, in C, then a sum per candidate and word), and the
        candidates are scored exactly best bound first, until the `limit`-th score is above
        the next bound. A bound is the document's score up to the order of additions, so
        about `limit` documents are scored.
        """
        remaining = set(members(bits))
        remaining.difference_update(seen)
        bound: dict[int, float] = {}
        get = bound.get
        for leaf in groups:
            for score_of, docs in leaf:
                for docnum in remaining.intersection(docs):
                    bound[docnum] = get(docnum, 0.0) + score_of
        order = [(-value, docnum) for docnum, value in bound.items()]
        heapq.heapify(order)
        while order:
            negative, docnum = heapq.heappop(order)
            if len(heap) >= limit and heap[0][0] > -negative - negative * 1e-9:
                return
            keep(docnum)


def field_length(s, docnum: int, fieldname: str) -> int:
    """A document's field length as Whoosh's scorer sees it (global docnum), asked of Whoosh."""
    for sub, offset in s.leaf_searchers():
        if offset <= docnum < offset + sub.reader().doc_count_all():
            return sub.doc_field_length(docnum - offset, fieldname, 1)
    return 1
