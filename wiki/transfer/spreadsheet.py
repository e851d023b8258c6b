"""Import a spreadsheet (CSV in any common encoding and separator, or XLSX): one experience a
row, through a column mapping; a preview says what would be created, updated or skipped."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zipfile import BadZipFile

from flask_babel import lazy_gettext as _l

from wiki.content.slugs import slug_for
from wiki.models import User
from wiki.pages import service
from wiki.transfer import batches
from wiki.transfer.experience import build, default_target
from wiki.transfer.models import ImportBatch
from wiki.transfer.report import Report
from wiki.transfer.writer import IncomingPage, IncomingRevision, Options, imported_keys, write_page

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"


class SheetError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Sheet:
    """The rows of a spreadsheet as {header: cell text}, and how it was read."""

    headers: list[str]
    rows: Iterator[dict[str, str]]
    encoding: str = ""
    delimiter: str = ""


@dataclass
class Plan:
    """What each column becomes, and the columns left unused (shown in the preview)."""

    columns: dict[str, str] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    type: str = "experience"


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and its encoding: as asked, else UTF-8 (BOM or not), UTF-16 with a BOM, else
    Windows-1252, what Excel writes "CSV" in on French Windows (Latin-1 plus € and ’)."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as error:
            raise SheetError(
                _l(
                    "The file cannot be read as %(encoding)s: %(error)s",
                    encoding=encoding,
                    error=error,
                )
            ) from error
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def read_csv(path: Path, encoding: str | None = None) -> Sheet:
    text, used = decode(path.read_bytes(), encoding)
    sample = text[:SNIFF_BYTES]
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SheetError(_l("The file is empty.")) from None
    return Sheet(headers, _dicts(headers, reader), used, delimiter)


def read_xlsx(path: Path, sheet: str | None = None) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Read-only mode streams the rows: a large workbook is never held whole in memory.
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise SheetError(
            _l("This is not an .xlsx workbook that can be read: %(error)s", error=error)
        ) from error
    if sheet and sheet not in book.sheetnames:
        raise SheetError(
            _l(
                "No sheet named %(name)s (sheets: %(names)s).",
                name=sheet,
                names=", ".join(book.sheetnames),
            )
        )
    rows = (book[sheet] if sheet else book.active).iter_rows(values_only=True)
    try:
        headers = [_cell(h).strip() for h in next(rows)]
    except StopIteration:
        raise SheetError(_l("The sheet is empty.")) from None
    return Sheet(headers, _dicts(headers, ([_cell(c) for c in row] for row in rows)), "xlsx")


def read(path: Path, encoding: str | None = None, sheet: str | None = None) -> Sheet:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    return read_csv(path, encoding)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)


def _dicts(headers: list[str], rows) -> Iterator[dict[str, str]]:
    try:
        for row in rows:
            if any(str(cell).strip() for cell in row):
                yield {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers) if h}
    except (csv.Error, BadZipFile, OSError, KeyError, ValueError) as error:
        # A damaged line or sheet part: the rows before it were read; this stops the reading.
        raise SheetError(
            _l("The file could not be read to its end: %(error)s", error=error)
        ) from error


def plan(headers: list[str], mapping: dict) -> Plan:
    """Columns from the mapping file's `columns:`; the others by their usual names."""
    given = {str(k).strip(): str(v).strip() for k, v in (mapping.get("columns") or {}).items()}
    result = Plan(type=str(mapping.get("type") or "experience"))
    for header in headers:
        if not header:
            continue
        target = given.get(header) or default_target(header)
        if target:
            result.columns[header] = target
        else:
            result.unused.append(header)
    return result


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1)
    title: str
    action: str  # create | update | unchanged | skip
    why: str = ""
    notes: list[str] = field(default_factory=list)
    incoming: IncomingPage | None = None


def rows(sheet: Sheet, layout: Plan, source: str) -> Iterator[Row]:
    """What would happen to each row, computed against the wiki as it is (nothing written)."""
    seen_titles: set[str] = set()
    for number, values in enumerate(sheet.rows, start=2):
        built = build(values, layout.columns, layout.type)
        if built.errors:
            yield Row(number, built.title, "skip", "; ".join(built.errors))
            continue
        slug = slug_for(built.title)
        if slug in seen_titles:
            yield Row(number, built.title, "skip", str(_l("same title as an earlier row")))
            continue
        seen_titles.add(slug)
        key = f"sheet:{slug}:{built.digest}"
        incoming = IncomingPage(
            title=built.title,
            label=str(_l("row %(number)s", number=number)),
            revisions=[IncomingRevision(key=key, text=built.text, comment=source)],
        )
        existing = service.find_page(slug)
        if key in imported_keys([key]):
            action, why = "unchanged", str(_l("already imported"))
        elif existing is None or existing.page.deleted_at is not None:
            action, why = "create", ""
        elif existing.page.current and existing.page.current.text == built.text:
            action, why = "unchanged", str(_l("the page already has this text"))
        else:
            action, why = "update", str(_l("a page with this title exists: a new revision"))
        yield Row(number, built.title, action, why, built.notes, incoming)


def import_sheet(
    path: Path,
    mapping: dict,
    options: Options,
    user: User | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Callable[[Row], None] = lambda _row: None,
) -> tuple[ImportBatch, Report]:
    content = read(path, encoding, sheet)
    layout = plan(content.headers, mapping)
    batch = batches.open_batch("spreadsheet", path.name, batches.fingerprint([path]), user)
    report = Report()
    source = str(_l("Import of %(name)s", name=path.name))
    try:
        _import_rows(batch, rows(content, layout, source), options, report, progress)
    except SheetError as error:
        report.skip(path.name, error.message)
    for header in layout.unused:
        report.note(header, _l("column not used (add it to the mapping file to keep it)"))
    batches.close_batch(batch, report)
    return batch, report


def _import_rows(batch, planned, options, report, progress) -> None:
    for row in planned:
        label = str(_l("row %(number)s (%(title)s)", number=row.number, title=row.title or "—"))
        if row.action == "skip":
            report.skip(label, row.why)
        elif row.action == "unchanged":
            report.unchanged.append(row.title)
        else:
            write_page(batch, row.incoming, options, report)
        for note in row.notes:
            report.note(label, note)
        progress(row)
