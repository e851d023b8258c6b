"""Facet counts: how many of a set of documents hold each value of a field."""

from __future__ import annotations

from wiki.search.engine.postings import bitmap, facet_bits, lexicon, searcher_cache


def facet_counts(s, fieldname: str, docs: set[int] | int) -> list[tuple[str, int]]:
    """(value, count among `docs`) for each non-empty value of `fieldname`, in lexicon order.

    Counted as bitmaps: one C operation a value (see wiki.search.engine.postings.facet_bits);
    `docs` may be given as a bitmap already. Values counted 0 are included: the caller may
    still show a selected one.
    """
    matches = docs if isinstance(docs, int) else bitmap(docs)
    return [
        (key, (matches & facet_bits(s, fieldname, key)).bit_count())
        for key in values(s, fieldname)
        if key  # pages without a value (no scale given): not a choice to offer
    ]


def values(s, fieldname: str) -> list[str]:
    """The values of a facet field, e.g. every theme used (read per segment, see postings)."""
    cache = searcher_cache(s)
    if ("lexicon", fieldname) not in cache:
        cache[("lexicon", fieldname)] = [
            term.decode("utf-8") if isinstance(term, bytes) else term
            for term in lexicon(s, fieldname)
        ]
    return cache[("lexicon", fieldname)]
