"""Files in `essaim export` and `essaim import`: each visible version with its metadata.

An export holds ``files/files.json`` (names, and per version: description, credit, licence,
comment, author, date) beside the blobs ``files/<sha256>.<ext>``. Import reads them back
through the same checks as an upload, so a folder from elsewhere cannot bring in an HTML page
or a photo still carrying its position.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from wiki.extensions import db
from wiki.files import service
from wiki.files.content import Refused
from wiki.files.models import File, FileVersion
from wiki.files.storage import Storage, blob_key
from wiki.models import User

FOLDER = "files"
INDEX = "files.json"


@dataclass
class FilesReport:
    found: bool = False  # the folder has a files/files.json
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


def export_files(storage: Storage, folder: Path) -> int:
    """Write every file's visible versions under ``folder/files``; return the number of files."""
    files = list(db.session.scalars(select(File).order_by(File.name)))
    if not files:
        return 0
    target = folder / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    index = []
    for file in files:
        versions = [v for v in service.versions(file) if not v.hidden]
        if not versions:
            continue
        entries = []
        for version in sorted(versions, key=lambda v: v.number):
            blob = f"{version.sha256}.{file.name.rsplit('.', 1)[-1]}"
            if not (target / blob).exists():
                (target / blob).write_bytes(storage.get(blob_key(version.sha256)))
            entries.append(
                {
                    "number": version.number,
                    "blob": blob,
                    "mime": version.mime,
                    "size": version.size,
                    "alt": version.alt,
                    "credit": version.credit,
                    "licence": version.licence,
                    "comment": version.comment,
                    "uploader": version.uploader.username if version.uploader else None,
                    "created": version.created_at.isoformat() + "Z",
                    "original_name": version.original_name,
                }
            )
        current = file.current.number if file.current and not file.current.hidden else None
        index.append(
            {"name": file.name, "kind": file.kind, "current": current, "versions": entries}
        )
    (target / INDEX).write_text(json.dumps(index, ensure_ascii=False, indent=2), "utf-8")
    return len(index)


def import_files(storage: Storage, folder: Path, author: User | None) -> FilesReport:
    """Create the files of an export that this wiki does not have yet (by name)."""
    report = FilesReport()
    source = folder / FOLDER
    index_path = source / INDEX
    if not index_path.is_file():
        return report
    report.found = True
    try:
        index = json.loads(index_path.read_text("utf-8"))
        if not isinstance(index, list):
            raise ValueError("not a list")
    except (ValueError, UnicodeDecodeError) as error:
        report.refused.append((INDEX, f"unreadable: {error}"))
        return report
    for entry in index:
        name = str(entry.get("name", "")) if isinstance(entry, dict) else ""
        if not name:
            report.refused.append((INDEX, "an entry without a name"))
            continue
        if service.find(name) is not None:
            report.unchanged.append(name)
            continue
        try:
            _import_file(storage, source, name, entry, author)
        except (Refused, ValueError, OSError) as error:
            db.session.rollback()
            _forget(name)
            report.refused.append((name, str(getattr(error, "message", error))))
        else:
            report.created.append(name)
    return report


def _import_file(storage, source: Path, name: str, entry: dict, author: User | None) -> None:
    versions = sorted(
        (v for v in entry.get("versions", []) if isinstance(v, dict)),
        key=lambda v: int(v.get("number", 0)),
    )
    if not versions:
        raise ValueError("no version")
    file = None
    for meta in versions:
        data = _blob(source, str(meta.get("blob", "")))
        uploader = _account(meta.get("uploader")) or author
        version = service.upload(
            storage,
            data,
            filename=name,
            name=name,
            uploader=uploader,
            alt=str(meta.get("alt") or ""),
            credit=str(meta.get("credit") or ""),
            licence=str(meta.get("licence") or service.DEFAULT_LICENCE),
            comment=str(meta.get("comment") or ""),
            replace=file,
        )
        if version.file.name != name:
            raise ValueError(f"the name {name!r} is not one this wiki would give")
        created = _date(meta.get("created"))
        if created is not None:
            version.created_at = created
            db.session.commit()
        file = version.file


def _blob(source: Path, blob: str) -> bytes:
    path = source / blob
    if "/" in blob or "\\" in blob or blob.startswith(".") or path.is_symlink():
        raise ValueError(f"bad blob name {blob!r}")
    if not path.is_file():
        raise ValueError(f"missing {blob}")
    return path.read_bytes()


def _account(username) -> User | None:
    if not isinstance(username, str) or not username:
        return None
    from wiki.auth.service import find_user

    return find_user(username)


def _date(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return None


def _forget(name: str) -> None:
    """A file whose later version was refused: remove what was imported of it."""
    file = service.find(name)
    if file is None:
        return
    file.current = None
    db.session.flush()
    for version in db.session.scalars(select(FileVersion).where(FileVersion.file_id == file.id)):
        db.session.delete(version)
    db.session.delete(file)
    db.session.commit()
