"""Files as pages show them: names resolved to FileRef values for the Markdown renderer."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_decimal
from sqlalchemy import select

from wiki.extensions import db
from wiki.files import service
from wiki.files.models import File, FileVersion
from wiki.render.files import FileRef, missing_file

TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.oasis.opendocument.presentation": "ODP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "text/csv": "CSV",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
}


def human_size(size: int) -> str:
    """1,2 Mo / 340 ko in French, 1.2 MB / 340 kB in English (decimal units, as phones show)."""
    from flask_babel import get_locale

    french = str(get_locale()) == "fr"
    units = ("o", "ko", "Mo", "Go") if french else ("B", "kB", "MB", "GB")
    value, unit = float(size), 0
    while value >= 1000 and unit < 3:
        value, unit = value / 1000, unit + 1
    pattern = "#,##0" if unit == 0 or value >= 100 else "#,##0.#"
    return f"{format_decimal(value, format=pattern)}\u00a0{units[unit]}"


def content_url(version: FileVersion, external: bool = False) -> str:
    return url_for(
        "files.content", version_id=version.id, name=version.file.name, _external=external
    )


def thumbnail_url(version: FileVersion, width: int, external: bool = False) -> str:
    return url_for(
        "files.thumbnail",
        version_id=version.id,
        width=width,
        name=version.file.name.rsplit(".", 1)[0] + ".webp",
        _external=external,
    )


def credit_line(version: FileVersion) -> str:
    parts = [f"© {version.credit}" if version.credit else "", version.licence.replace("-", " ")]
    return " · ".join(p for p in parts if p)


def file_ref(file: File | None, name: str, version: FileVersion | None = None) -> FileRef:
    if file is None:
        return missing_file(name)
    version = version or service.visible_version(file)
    page_url = url_for("files.view", name=file.name)
    if version is None:
        return FileRef(name=name, page_url=page_url)
    label = f"{TYPE_LABELS.get(version.mime, version.mime)}, {human_size(version.size)}"
    return FileRef(
        name=file.name,
        page_url=page_url,
        kind=file.kind,
        url=content_url(version),
        srcset=tuple((thumbnail_url(version, w), w) for w in version.widths),
        width=version.width,
        height=version.height,
        alt=version.alt,
        title=credit_line(version) if file.kind == "image" else "",
        mime=version.mime,
        label=label,
    )


def resolve(names: list[str]) -> dict[str, FileRef]:
    """The FileRef of each name, in one query (a missing name maps to a missing ref)."""
    if not names:
        return {}
    files = {f.name: f for f in db.session.scalars(select(File).where(File.name.in_(names)))}
    return {name: file_ref(files.get(name), name) for name in names}
