"""CSV for spreadsheets: UTF-8 with a BOM, no formulas, commas or French Excel's semicolons.

Excel set to French reads "CSV" with semicolons: a comma-separated file opens there as one
column. Every export offers both (`?sep=semicolon`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping

BOM = "\ufeff"  # spreadsheets then read the accents right
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def delimiter(args: Mapping[str, str]) -> str:
    """The separator asked for in a request's arguments: `sep=semicolon` (or `;`), else a comma."""
    return ";" if args.get("sep") in ("semicolon", ";") else ","


def cell(value) -> str:
    """A value as a spreadsheet cell that is shown, never run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def lines(header: Iterable, rows: Iterable[Iterable], sep: str = ",") -> Iterator[str]:
    """The document a line at a time (for streaming): the BOM, the header, then each row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    yield BOM
    writer.writerow([cell(value) for value in header])
    yield _take(buffer)
    for row in rows:
        writer.writerow([cell(value) for value in row])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
