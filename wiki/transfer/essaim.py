"""Import an Essaim export (`essaim export DIR --history`) with its whole history, as it was:
titles, authors' names, dates, comments, revision numbers, and permalinks when free."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l

from wiki.models import User
from wiki.transfer import batches
from wiki.transfer.models import ImportBatch
from wiki.transfer.report import Report
from wiki.transfer.writer import IncomingPage, IncomingRevision, Options, write_page

INDEX = "index.json"


class ExportError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def read_index(folder: Path) -> list:
    try:
        index = json.loads((folder / INDEX).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ExportError(
            _l("%(name)s cannot be read: %(error)s", name=INDEX, error=error)
        ) from error
    if not isinstance(index, list):
        raise ExportError(_l("%(name)s is not a list of pages.", name=INDEX))
    return index


def import_export(
    folder: Path,
    options: Options,
    user: User | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> tuple[ImportBatch, Report]:
    index = read_index(folder)
    sources = [folder / INDEX, *sorted(folder.rglob("*.md"))]
    batch = batches.open_batch("essaim", folder.name, batches.fingerprint(sources), user)
    report = Report()
    for count, entry in enumerate(index, 1):
        incoming = _page(folder, entry, report)
        if incoming is not None:
            write_page(batch, incoming, options, report)
        progress(count)
    batches.close_batch(batch, report)
    return batch, report


def _page(folder: Path, entry, report: Report) -> IncomingPage | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("slug"), str):
        report.skip(INDEX, _l("an entry without a page address"))
        return None
    slug = entry["slug"]
    if "/" in slug or "\\" in slug or slug.startswith("."):
        report.skip(slug, _l("not a page address"))
        return None
    code = str(entry.get("short_code") or slug)
    incoming = IncomingPage(
        title=str(entry.get("title") or slug),
        page_id=_int(entry.get("page_id")),
        short_code=entry.get("short_code") if isinstance(entry.get("short_code"), str) else None,
        label=f"{slug}.md",
    )
    revisions = entry.get("revisions")
    if isinstance(revisions, list):
        for meta in revisions:
            if not isinstance(meta, dict) or _int(meta.get("number")) is None:
                report.skip(slug, _l("a revision without a number"))
                continue
            number = _int(meta["number"])
            text = _read(folder / slug / f"{number:04d}.md", report, f"{slug}/{number:04d}.md")
            if text is None:
                continue
            incoming.revisions.append(
                IncomingRevision(
                    key=f"essaim:{code}:{number}",
                    text=text,
                    when=_date(meta.get("created")),
                    author_name=meta.get("author") if isinstance(meta.get("author"), str) else None,
                    comment=str(meta.get("comment") or ""),
                    number=number,
                    revision_id=_int(meta.get("id")),
                )
            )
    else:  # an export without --history: the current text only
        text = _read(folder / f"{slug}.md", report, f"{slug}.md")
        if text is not None:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            incoming.revisions.append(
                IncomingRevision(
                    key=f"essaim:{code}:text:{digest}",
                    text=text,
                    when=_date(entry.get("updated")),
                    revision_id=_int(entry.get("current_revision")),
                )
            )
    return incoming


def _read(path: Path, report: Report, name: str) -> str | None:
    if path.is_symlink() or not path.is_file():
        report.skip(name, _l("missing file (or a symbolic link, not followed)"))
        return None
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        report.skip(name, _l("not UTF-8 text"))
        return None


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _date(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return None
