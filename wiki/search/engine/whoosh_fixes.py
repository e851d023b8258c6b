"""Corrections to Whoosh's own code (whoosh-reloaded 2.7.x), applied once on import.

- A pure speed fix of index writing that leaves the index unchanged:
  tests/search/engine/test_speed.py checks that an index built with it equals one built without.
- Segment names drawn from the operating system's randomness, not from the `random` module.
"""

from __future__ import annotations

import secrets

from whoosh.codec import base, whoosh3
from whoosh.util import IDCHARS

_original_cached_reader = whoosh3.W3PerDocReader._cached_reader


def _cached_reader(self, fieldname, column):
    """Remember that a segment has *no* column for a field, not only the columns it has.

    Whoosh asks for the length of every posting of every field when it writes a segment; for
    fields without lengths (ID, KEYWORD, NUMERIC…) it looked for the missing file on disk each
    time: one stat() per posting, about a fifth of the time of a full reindex.
    A segment's files never change once written, so the answer can be kept.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = None
        if self.has_column(fieldname):
            reader = self.column_reader(fieldname, column)
        self._readers[fieldname] = reader
        return reader


_original_random_id = base.Segment.__dict__["_random_id"]


def _random_id(cls, size: int = 16) -> str:
    """A new segment's name, from `secrets` rather than the `random` module.

    Whoosh names each new segment with random.choice(): anything that seeds the process-wide
    `random` module (Hypothesis does before every example it runs; so does any library that calls
    random.seed) makes the next segment take the name of an existing one, and its writer then
    truncates that segment's files while the table of contents still lists it: the index on disk
    is broken and searches answer 500 until a rebuild (found by bench/api_writes_then_search.py;
    tests/search/engine/test_segment_names.py).
    """
    return "".join(secrets.choice(IDCHARS) for _ in range(size))


def apply() -> None:
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    base.Segment._random_id = classmethod(_random_id)


def revert() -> None:
    """For the tests: Whoosh as shipped."""
    whoosh3.W3PerDocReader._cached_reader = _original_cached_reader
    base.Segment._random_id = _original_random_id


apply()
