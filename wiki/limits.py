"""Bounds on what a request may ask for: ids, page numbers, and the time spent parsing its text."""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

from werkzeug.routing import IntegerConverter

# Ids are 64-bit columns on PostgreSQL and SQLite: a larger number cannot name a row, and the
# drivers raise OverflowError on it instead of finding nothing.
MAX_ID = 2**63 - 1
# No listing has a billion pages; past this an offset would overflow the same way.
MAX_PAGE_NUMBER = 1_000_000
# Characters of a search read from a request. The search module has its own, finer cap (and
# tells the user); this one holds whatever the query language becomes: a 1 MB query string is
# cut here before any parsing, so a search request's cost stays bounded.
MAX_QUERY_CHARS = 1000


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number too large to be an id does not match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def search_words(raw: str | None) -> str:
    """The search text of a request, at most MAX_QUERY_CHARS characters."""
    return (raw or "")[:MAX_QUERY_CHARS]


def whole_number(raw: str | None, maximum: int = MAX_ID) -> int | None:
    """The number written in an argument ("42"), or None when it is not a plain whole number
    from 0 to `maximum` (ASCII digits only: "²".isdigit() is true but int("²") fails)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 19 or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= maximum else None


# --- Time budgets -------------------------------------------------------------------------------
#
# Parsing Markdown is linear since mistune 3.3, but a hostile megabyte (runs of "[", thousands of
# headings) still costs mistune tens of seconds. A request that parses user text therefore runs
# under a deadline, checked by every mistune parser of the application at each token (see
# `budgeted`); past it, BudgetExceeded is raised and the caller answers with a plain-text view or
# a clear refusal. The deadline lives in a context variable: it is per request (per thread), and
# background threads (the indexer) start without one.

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "essaim_deadline", default=None
)


class BudgetExceeded(RuntimeError):
    """The work went past the deadline of `time_budget`."""


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Run the block under a deadline `seconds` from now (None: no new deadline). Nested
    budgets keep the earlier deadline."""
    if seconds is None:
        yield
        return
    deadline = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline() -> None:
    """Raise BudgetExceeded when the current deadline has passed."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise BudgetExceeded


def budgeted(md):
    """Make a mistune Markdown instance check the deadline at every block and inline token."""

    def checking(parse_method):
        def parse_method_checked(m, state):
            check_deadline()
            return parse_method(m, state)

        return parse_method_checked

    md.block.parse_method = checking(md.block.parse_method)
    md.inline.parse_method = checking(md.inline.parse_method)
    return md
