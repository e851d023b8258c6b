"""Files a MediaWiki page shows: brought from a folder of the wiki's files, or noted as absent."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from slugify import slugify

from wiki.extensions import db
from wiki.files import service as file_service
from wiki.files.content import Refused
from wiki.files.storage import storage
from wiki.transfer.models import ImportBatch, ImportItem
from wiki.transfer.report import Report

MAX_FILES_LISTED = 200_000  # names in the files folder: a bound on the walk


class FileFinder:
    """Names references as the wiki's files (`fichier:name`) and brings the files in.

    An XML export holds no file content: with `--files DIR` (the wiki's `images/` folder or a
    `dumpUploads` copy) each file referenced is uploaded through the same checks as any upload;
    without it, or when a file is not there, the page gets a visible note.
    """

    def __init__(self, folder: Path | None, batch: ImportBatch, user, report: Report):
        self.batch, self.user, self.report = batch, user, report
        self.pending: dict[str, str] = {}  # wiki name → Essaim name, for the page being read
        self.done: dict[str, bool] = {}  # Essaim name → present here
        self.available: dict[str, Path] = {}
        if folder is not None:
            for count, path in enumerate(p for p in folder.rglob("*") if p.is_file()):
                if count >= MAX_FILES_LISTED:
                    break
                if not path.is_symlink():
                    self.available.setdefault(_key(path.name), path)

    def essaim_name(self, name: str) -> str:
        stem, dot, extension = name.rpartition(".")
        extension = (extension if dot else "").lower() or "bin"
        extension = {"jpeg": "jpg", "tif": "tiff"}.get(extension, extension)
        essaim = (
            f"{slugify(stem or name, max_length=80, word_boundary=True) or 'fichier'}.{extension}"
        )
        self.pending[name] = essaim
        return essaim

    def bring(self, incoming) -> None:
        """Upload the page's files found in the folder; note the others at the end of its text."""
        absent = []
        for name, essaim in self.pending.items():
            if essaim not in self.done:
                self.done[essaim] = self._present(name, essaim)
            if not self.done[essaim]:
                absent.append((name, essaim))
        self.pending = {}
        if absent and incoming.revisions:
            names = ", ".join(f"« {name} » ({essaim})" for name, essaim in absent)
            incoming.revisions[-1].text += (
                "\n> "
                + _(
                    "Import note: these files are not in the export, send them under the name "
                    "given: %(names)s.",
                    names=names,
                )
                + "\n"
            )
            self.report.note(incoming.title, _l("files absent: %(names)s", names=names))

    def _present(self, name: str, essaim: str) -> bool:
        if file_service.find(essaim) is not None:
            return True
        path = self.available.get(_key(name))
        if path is None:
            return False
        try:
            version = file_service.upload(
                storage(),
                path.read_bytes(),
                filename=path.name,
                name=essaim,
                uploader=self.user,
                alt=name.rpartition(".")[0].replace("_", " ") or name,
                comment=str(_l("Imported from MediaWiki")),
            )
        except (Refused, OSError) as error:
            db.session.rollback()
            self.report.skip(name, getattr(error, "message", error))
            return False
        db.session.add(
            ImportItem(
                batch_id=self.batch.id,
                kind="file",
                source_key=f"file:{version.file.name}"[:255],
                slug=version.file.name,
            )
        )
        db.session.commit()
        return version.file.name == essaim


def _key(name: str) -> str:
    """MediaWiki file names: first letter case-insensitive, spaces and underscores alike."""
    return name.replace("_", " ").strip().lower()
