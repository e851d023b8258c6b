"""Highlighting support: matched tokens that overlap are marked as one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh import highlight


def merge_matched(tokens: Iterable) -> Iterator:
    """Consecutive matched tokens that overlap, merged, as Whoosh's Highlighter does it.

    The snippets build their fragments from tokens themselves (the query's words are given,
    not taken from a hit), so the step Whoosh's highlight_hit() runs in between is asked here.
    """
    return highlight.Highlighter._merge_matched_tokens(tokens)
