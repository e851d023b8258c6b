"""A correction to Whoosh's own code (whoosh-reloaded 2.7.x), applied once on import.

A pure speed fix of index writing that leaves the index unchanged:
tests/search/engine/test_speed.py checks that an index built with it equals one built without.
"""

from __future__ import annotations

from whoosh.codec import whoosh3

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


def apply() -> None:
    whoosh3.W3PerDocReader._cached_reader = _cached_reader


def revert() -> None:
    """For the tests: Whoosh as shipped."""
    whoosh3.W3PerDocReader._cached_reader = _original_cached_reader


apply()
