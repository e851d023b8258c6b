"""The search engine room: everything that knows Whoosh's internals, behind a few functions.

Whoosh answers correctly but slowly through its matchers (one document at a time, in Python);
the modules here read its posting lists, columns and field lengths whole and do the set logic
and the BM25F scoring themselves, with the same results (tests/search/engine/). They rely on
private parts of Whoosh 2.7 (attributes and modules named here), so they live behind this
fence: the rest of `wiki/` uses the functions below and Whoosh's public API only, which
tests/search/test_fence.py checks.

- match(s, q), having(s, field, keys): which documents (walk, matching, postings), and
  match_bits, having_bits: the same as bitmaps (bit n set for document n), with members(bits)
  the numbers of a bitmap;
- top(s, q, docs, limit), newest(s, docs, limit): the best of them (ranking, scoring), docs
  given as a set or a bitmap;
- facet_counts(s, field, docs): how many hold each value of a field (facets);
- reopen(searcher, path): a searcher on a changed index, reusing unchanged segments, and
  open_searcher(path), retrying when a segment was merged away meanwhile, and
  document_keys(s, docnums): which stored document each is, a key that never names another
  (readers);
- segment_count, live_documents, merge_bounded, merge_small_in_order, merge_small_segments,
  open_writer (a writer that waits for another process's): segments and merging (segments);
- whoosh_fixes: a speed fix of Whoosh's own code, applied on import.
"""

from wiki.search.engine import whoosh_fixes  # noqa: F401 (applied on import)
from wiki.search.engine.facets import facet_counts
from wiki.search.engine.matching import having, having_bits, match, match_bits
from wiki.search.engine.postings import members
from wiki.search.engine.ranking import newest, top
from wiki.search.engine.readers import document_keys, open_searcher, reopen
from wiki.search.engine.segments import (
    live_documents,
    merge_bounded,
    merge_small_in_order,
    merge_small_segments,
    open_writer,
    segment_count,
)

__all__ = [
    "document_keys",
    "facet_counts",
    "having",
    "having_bits",
    "live_documents",
    "match",
    "match_bits",
    "members",
    "merge_bounded",
    "merge_small_in_order",
    "merge_small_segments",
    "open_writer",
    "newest",
    "open_searcher",
    "reopen",
    "segment_count",
    "top",
]
