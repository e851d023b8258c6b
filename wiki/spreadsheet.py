"""Tables for spreadsheets: CSV (UTF-8 with a BOM, commas or French Excel's semicolons) and .xlsx.

Excel set to French reads "CSV" with semicolons: a comma-separated file opens there as one
column, so every export offers both (`?sep=semicolon`), under distinct file names, and an .xlsx
that opens right everywhere. Headers are in the reader's language (`?header=codes` gives the
stable column codes, for scripts); codes such as INSEE's 01368 stay text; no cell is ever run
as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from flask import Response, stream_with_context

BOM = "\ufeff"  # spreadsheets then read the accents right
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CODE = re.compile(r"^[0-9A-Za-z]{1,12}$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column: its stable code, its header in the reader's language, and whether its
    values are codes that must stay text (a leading zero is part of "01368")."""

    code: str
    label: object  # a (lazy) translated string
    text: bool = False


def delimiter(args: Mapping[str, str]) -> str:
    """The separator asked for in a request's arguments: `sep=semicolon` (or `;`), else a comma."""
    return ";" if args.get("sep") in ("semicolon", ";") else ","


def header(columns: Sequence[Column], args: Mapping[str, str]) -> list[str]:
    return [c.code if args.get("header") == "codes" else str(c.label) for c in columns]


def cell(value) -> str:
    """A value as a spreadsheet cell that is shown, never run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _excel_text(value) -> str:
    """A code as French Excel keeps it: ="01368" is a constant, shown 01368 (not 1368)."""
    text = "" if value is None else str(value)
    return f'="{text}"' if _CODE.match(text) else cell(text)


def lines(
    header: Iterable, rows: Iterable[Iterable], sep: str = ",", text_columns: Sequence[int] = ()
) -> Iterator[str]:
    """The document a line at a time (for streaming): the BOM, the header, then each row.

    In the semicolon (French Excel) variant, `text_columns` are written so that Excel keeps
    them as text; the comma variant, read by scripts and import dialogs, keeps plain values.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    as_text = set(text_columns) if sep == ";" else set()
    yield BOM
    writer.writerow([cell(value) for value in header])
    yield _take(buffer)
    for row in rows:
        writer.writerow([_excel_text(v) if i in as_text else cell(v) for i, v in enumerate(row)])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Essaim") -> bytes:
    """An .xlsx workbook (openpyxl, write-only: rows are not all kept in memory): bold frozen
    header, every value a typed cell; text stays text, so codes keep their zeros and nothing
    starting with "=" becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    page = book.create_sheet(sheet[:31])
    page.freeze_panes = "A2"
    bold = Font(bold=True)

    def typed(value, style=None):
        if style is None and not (isinstance(value, str) and value.startswith("=")):
            return value  # a plain value: openpyxl types it (a cell object per value is slow)
        found = WriteOnlyCell(page, value=value)
        if isinstance(value, str):
            found.data_type = "s"  # openpyxl would take "=…" for a formula
        if style:
            found.font = style
        return found

    # Widths before the first row: a write-only sheet writes its columns first.
    for index, title in enumerate(header):
        letter = _column_letter(index)
        page.column_dimensions[letter].width = min(60, max(12, len(str(title)) + 4))
    page.append([typed(str(title), bold) for title in header])
    for row in rows:
        page.append([typed("" if value is None else value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def download(
    stem: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    args: Mapping[str, str],
    xlsx_format: bool = False,
) -> Response:
    """The table as the download asked for: `stem`.xlsx, `stem`.csv (commas) or
    `stem`-excel.csv (semicolons), so that both CSV variants never overwrite each other."""
    names = header(columns, args)
    if xlsx_format:
        return Response(
            xlsx(names, rows),
            mimetype=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
        )
    sep = delimiter(args)
    text_columns = [i for i, column in enumerate(columns) if column.text]
    name = f"{stem}-excel.csv" if sep == ";" else f"{stem}.csv"
    return Response(
        stream_with_context(lines(names, rows, sep, text_columns)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
