"""Facet counts: how many of a set of documents hold each value of a field."""

from __future__ import annotations

from wiki.search.engine.postings import bitmap, field_bits


def facet_counts(s, fieldname: str, docs: set[int] | int) -> list[tuple[str, int]]:
    """(value, count among `docs`) for each non-empty value of `fieldname`, in lexicon order.

    Counted as bitmaps: one C operation a value (see wiki.search.engine.postings.field_bits);
    `docs` may be given as a bitmap already. Values counted 0 are included: the caller may
    still show a selected one.
    """
    matches = docs if isinstance(docs, int) else bitmap(docs)
    table = field_bits(s, fieldname)
    return [
        (term.decode("utf-8") if isinstance(term, bytes) else term, (matches & bits).bit_count())
        for term, bits in sorted(table.items())
        if term  # pages without a value (no scale given): not a choice to offer
    ]
