"""Import YesWiki: its pages and its Bazar entries ("fiches"), from JSON saved off its API.

``?api/pages`` gives pages ({tag: {tag, time, body, owner, user}}); ``?api/forms/<id>/entries``
(or ``?api/fiches``) gives Bazar entries ({id: {id_fiche, bf_titre, …}}). Entries become
experience pages: a mapping file says which Bazar field becomes which front matter key or
section, and which list keys mean which labels.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l

from wiki.content.slugs import slug_for
from wiki.models import User
from wiki.pages import service
from wiki.transfer import batches
from wiki.transfer.experience import build, default_target
from wiki.transfer.files import FileFinder
from wiki.transfer.models import ImportBatch
from wiki.transfer.report import Report
from wiki.transfer.writer import IncomingPage, IncomingRevision, Options, write_page
from wiki.transfer.yeswiki_syntax import convert

# Bookkeeping fields of every Bazar entry: read for dates and authors, never page content.
BAZAR_META = {
    "id_fiche",
    "id_typeannonce",
    "date_creation_fiche",
    "date_maj_fiche",
    "owner",
    "statut_fiche",
    "url",
    "html_output",
    "semantic",
    "categorie_fiche",
    "createur",
    "sendmail",
    "type",
    "geolocation",
}
MAX_FILE_BYTES = 200 * 1024 * 1024


class SourceError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def load(path: Path) -> list[dict]:
    """The records of a saved API answer: a JSON object of records or a list of them."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SourceError(_l("%(name)s is too large to be read.", name=path.name))
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise SourceError(
            _l("%(name)s is not JSON that can be read: %(error)s", name=path.name, error=error)
        ) from error
    records = data.values() if isinstance(data, dict) else data
    if not isinstance(records, list | type({}.values())):
        raise SourceError(_l("%(name)s holds no YesWiki pages nor entries.", name=path.name))
    return [r for r in records if isinstance(r, dict)]


def import_files(
    paths: list[Path],
    mapping: dict,
    options: Options,
    user: User | None = None,
    files_dir: Path | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> tuple[ImportBatch, Report]:
    batch = batches.open_batch(
        "yeswiki", ", ".join(p.name for p in paths), batches.fingerprint(paths), user
    )
    report = Report()
    finder = FileFinder(files_dir, batch, user, report)
    unknown: Counter[str] = Counter()
    for path in paths:
        try:
            records = load(path)
        except SourceError as error:
            report.skip(path.name, error.message)
            continue
        for count, record in enumerate(records, 1):
            page = incoming(record, mapping, finder, report, unknown, path.name)
            if page is not None:
                finder.bring(page)
                write_page(batch, page, options, report)
                _old_name(batch, record, page)
            progress(count)
    for name, count in sorted(unknown.items()):
        report.note(
            name,
            _l(
                "unknown form field in %(count)s entries: not imported (give it a target in "
                "the mapping file's fields: to keep it)",
                count=count,
            ),
        )
    batches.close_batch(batch, report)
    return batch, report


def incoming(record, mapping, finder, report, unknown, source) -> IncomingPage | None:
    """The page a record becomes, or None (the report says why)."""
    if "tag" in record and "body" in record:
        return _page(record, finder, report)
    if "id_fiche" in record or "bf_titre" in record:
        return _entry(record, mapping, finder, report, unknown)
    report.skip(source, _l("a record that is neither a YesWiki page nor a Bazar entry"))
    return None


def _old_name(batch, record: dict, page: IncomingPage) -> None:
    """An entry is also a YesWiki page named by its id (JardinDesLilas): links to that name,
    and its old address, lead to the experience page."""
    old = slug_for(str(record.get("id_fiche") or ""))
    if old and "tag" not in record and old != slug_for(page.title):
        resolved = service.find_page(slug_for(page.title))
        if resolved is not None and resolved.page.deleted_at is None:
            batches.record_redirect(batch, old, resolved.page)


def _page(record: dict, finder: FileFinder, report: Report) -> IncomingPage | None:
    tag = str(record.get("tag") or "").strip()
    converted = convert(str(record.get("body") or ""), finder.essaim_name)
    text = converted.markdown
    if not tag:
        report.skip("?", _l("a page without a name"))
        return None
    return IncomingPage(
        title=tag,
        label=tag,
        revisions=[
            IncomingRevision(
                key=f"yeswiki-page:{tag}:{record.get('time') or _digest(text)}"[:255],
                text=text,
                when=_date(record.get("time")),
                author_name=_name(record.get("user") or record.get("owner")),
                comment=str(_l("Imported from YesWiki")),
            )
        ],
    )


def _entry(record, mapping, finder, report, unknown) -> IncomingPage | None:
    fields = {str(k): str(v).strip() for k, v in (mapping.get("fields") or {}).items()}
    labels = mapping.get("values") or {}
    values: dict[str, str] = {}
    columns: dict[str, str] = {}
    images = []
    for name, raw in record.items():
        if name in BAZAR_META or raw in (None, "", []):
            continue
        target = fields.get(name) or default_target(name)
        if name.startswith(("image", "fichier")) and not target:
            images.append(str(raw))
            continue
        if not target:
            unknown[name] += 1
            continue
        value = _labels(raw, labels.get(name))
        if target.startswith("section:") or target == "body":
            value = convert(value, finder.essaim_name).markdown.strip()
        values[name], columns[name] = value, target
    _geolocation(record.get("geolocation"), values, columns)
    built = build(values, columns, str(mapping.get("type") or "experience"))
    label = str(_l("entry %(id)s (%(title)s)", id=record.get("id_fiche", "?"), title=built.title))
    if built.errors:
        report.skip(label, "; ".join(built.errors))
        return None
    text = built.text + "".join(
        f"\n![{built.title}](fichier:{finder.essaim_name(image)})\n" for image in images
    )
    for note in built.notes:
        report.note(label, note)
    return IncomingPage(
        title=built.title,
        label=label,
        revisions=[
            IncomingRevision(
                key=f"yeswiki:{record.get('id_fiche') or built.title}:{_digest(text)}"[:255],
                text=text,
                when=_date(record.get("date_maj_fiche") or record.get("date_creation_fiche")),
                author_name=_name(record.get("owner")),
                comment=str(_l("Imported from YesWiki")),
            )
        ],
    )


def _labels(raw, table) -> str:
    """A Bazar list or checkbox value: its keys ("1,3") as the labels the mapping gives."""
    if isinstance(raw, list):
        raw = ",".join(str(item) for item in raw)
    text = str(raw)
    if not isinstance(table, dict):
        return text
    names = {str(k): str(v) for k, v in table.items()}
    return ", ".join(names.get(key.strip(), key.strip()) for key in text.split(",") if key.strip())


def _geolocation(value, values: dict, columns: dict) -> None:
    if isinstance(value, dict) and value.get("latitude") and value.get("longitude"):
        values["latitude"], columns["latitude"] = str(value["latitude"]), "lat"
        values["longitude"], columns["longitude"] = str(value["longitude"]), "lon"


def _name(value) -> str | None:
    name = " ".join(str(value or "").split())[:255]
    return name or None


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _date(value) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        return None
