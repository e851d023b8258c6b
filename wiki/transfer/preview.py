"""What an import would do, item by item, computed without writing anything (the web preview)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from wiki.content.slugs import slug_for
from wiki.pages import service
from wiki.transfer import mediawiki, spreadsheet, yeswiki
from wiki.transfer.files import FileFinder
from wiki.transfer.report import Report
from wiki.transfer.writer import imported_keys

LISTED = 500  # items listed on the page; the counts cover them all


@dataclass
class Item:
    label: str
    action: str  # create | update | unchanged | skip | redirect
    why: str = ""


@dataclass
class Preview:
    items: list[Item] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    columns: dict[str, str] = field(default_factory=dict)  # a spreadsheet's mapping
    unused: list[str] = field(default_factory=list)
    error: str | None = None

    def add(self, label: str, action: str, why="") -> None:
        self.counts[action] += 1
        if len(self.items) < LISTED:
            self.items.append(Item(label, action, str(why)))

    @property
    def total(self) -> int:
        """Items the import will go through (for its progress bar)."""
        return sum(self.counts.values())


def plan(title: str, keys: list[str]) -> tuple[str, str]:
    """Create, update or unchanged, for a page of `title` whose revisions have these keys."""
    seen = imported_keys(keys)
    if keys and len(seen) == len(set(keys)):
        return "unchanged", str(_l("already imported"))
    resolved = service.find_page(slug_for(title)) if slug_for(title) else None
    if resolved is None or resolved.page.deleted_at is not None:
        return "create", ""
    return "update", str(
        _l("%(count)s new revisions for an existing page", count=len(set(keys) - seen))
    )


def of_spreadsheet(path: Path, mapping: dict) -> Preview:
    preview = Preview()
    content = spreadsheet.read(path)
    layout = spreadsheet.plan(content.headers, mapping)
    preview.columns, preview.unused = layout.columns, layout.unused
    try:
        for row in spreadsheet.rows(content, layout, ""):
            label = str(_l("row %(number)s (%(title)s)", number=row.number, title=row.title or "—"))
            why = "; ".join(part for part in [row.why, *row.notes] if part)
            preview.add(label, row.action, why)
    except spreadsheet.SheetError as error:
        preview.error = str(error.message)
    return preview


def of_yeswiki(paths: list[Path], mapping: dict) -> Preview:
    preview = Preview()
    report = Report()
    finder = FileFinder(None, None, None, report)  # names only: nothing is uploaded here
    unknown: Counter[str] = Counter()
    for path in paths:
        try:
            records = yeswiki.load(path)
        except yeswiki.SourceError as error:
            preview.add(path.name, "skip", error.message)
            continue
        for record in records:
            skipped = len(report.skipped)
            incoming = yeswiki.incoming(record, mapping, finder, report, unknown, path.name)
            if incoming is None:
                label, why = report.skipped[skipped] if len(report.skipped) > skipped else ("?", "")
                preview.add(label, "skip", why)
                continue
            preview.add(incoming.label, *plan(incoming.title, [r.key for r in incoming.revisions]))
    for name, count in sorted(unknown.items()):
        preview.add(
            name, "skip", _l("unknown form field in %(count)s entries: not imported", count=count)
        )
    return preview


def of_mediawiki(path: Path, settings: mediawiki.Settings) -> Preview:
    """Pages and revision keys only: no wikitext is converted, so a large dump previews fast."""
    import mwxml

    preview = Preview()
    try:
        with mediawiki.open_dump(path) as stream:
            dump = mwxml.Dump.from_file(stream)
            site = dump.site_info
            known = {n.id: n.name for n in (site.namespaces or [])}
            prefix = f"mw:{site.dbname or site.name or path.stem}"
            for page in dump:
                title = page.title if page.namespace == 0 else mediawiki.full_title(page, known)
                keys = [f"{prefix}:{revision.id}" for revision in page]
                if known and page.namespace not in known:
                    preview.add(
                        title, "skip", _l("unknown namespace %(number)s", number=page.namespace)
                    )
                elif page.namespace not in settings.namespaces:
                    preview.counts["not imported"] += 1
                elif page.redirect:
                    preview.add(title, "redirect", _l("to “%(target)s”", target=page.redirect))
                else:
                    preview.add(title, *plan(title, keys))
    except mediawiki.READ_ERRORS as error:
        preview.error = str(
            _l(
                "The file could not be read to its end (truncated or damaged: %(error)s).",
                error=str(error)[:200],
            )
        )
    return preview
