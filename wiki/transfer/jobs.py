"""Imports started from the web: the uploaded source kept aside, previewed, then run in a thread.

Each job is a folder of the data dir, so that every worker process can show it:

    <DATA_DIR>/imports/<job id>/source.<ext>    the uploaded file (kept with the report)
    <DATA_DIR>/imports/<job id>/mapping.yaml    the mapping file, if one was sent
    <DATA_DIR>/imports/<job id>/job.json        {"kind", "name", "state", "done", "total",
                                                 "batch", "error", "pid", "by"}

A job whose process was stopped while it ran reads as "interrupted" (its pid is gone); what it
had written is a batch like any other, listed and undoable.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from werkzeug.utils import secure_filename

from wiki.extensions import db
from wiki.transfer import mapping as mapping_file

log = logging.getLogger(__name__)

KINDS = {
    "mediawiki": (".xml", ".bz2", ".gz"),
    "yeswiki": (".json",),
    "spreadsheet": (".csv", ".xlsx", ".xlsm", ".txt"),
}
JOB_ID = re.compile(r"^[0-9a-f]{32}$")


class JobError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Job:
    id: str
    kind: str
    name: str  # the uploaded file's name, as shown
    state: str = "staged"  # staged | running | done | failed | interrupted
    done: int = 0
    total: int = 0
    batch: int | None = None
    error: str | None = None
    pid: int | None = None
    by: int | None = None  # the administrator's account id

    @property
    def folder(self) -> Path:
        return jobs_dir() / self.id

    @property
    def source(self) -> Path:
        return next(p for p in self.folder.iterdir() if p.name.startswith("source"))

    @property
    def mapping_path(self) -> Path | None:
        path = self.folder / "mapping.yaml"
        return path if path.is_file() else None


def jobs_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "imports"


def stage(kind: str, filename: str, data: bytes, mapping: bytes | None, by: int | None) -> Job:
    if kind not in KINDS:
        raise JobError("unknown kind")
    name = secure_filename(filename or "") or "source"
    suffix = "".join(Path(name).suffixes[-2:]).lower()
    if not name.lower().endswith(KINDS[kind]):
        raise JobError(", ".join(KINDS[kind]))
    job = Job(id=uuid.uuid4().hex, kind=kind, name=name, by=by)
    job.folder.mkdir(parents=True)
    (job.folder / f"source{suffix}").write_bytes(data)
    if mapping:
        (job.folder / "mapping.yaml").write_bytes(mapping)
    save(job)
    return job


def load(job_id: str) -> Job | None:
    if not JOB_ID.match(job_id or ""):
        return None
    try:
        data = json.loads((jobs_dir() / job_id / "job.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    job = Job(**{k: data.get(k) for k in Job.__dataclass_fields__ if k in data})
    if job.state == "running" and job.pid and not _alive(job.pid):
        job.state = "interrupted"
    return job


def save(job: Job) -> None:
    path = job.folder / "job.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(job)), "utf-8")
    os.replace(temporary, path)  # readers never see half a file


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def rules(job: Job) -> dict:
    return mapping_file.load(job.mapping_path)


def preview(job: Job):
    from wiki.transfer import preview as previews
    from wiki.transfer.mediawiki import Settings

    settings = rules(job)
    if job.kind == "mediawiki":
        return previews.of_mediawiki(
            job.source, Settings(categories=settings.get("categories") or {})
        )
    if job.kind == "yeswiki":
        return previews.of_yeswiki([job.source], settings)
    return previews.of_spreadsheet(job.source, settings)


def start(job: Job, total: int) -> threading.Thread:
    """Run the import in a thread of this process; its progress goes to job.json."""
    job.state, job.total, job.done, job.pid = "running", total, 0, os.getpid()
    save(job)
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run, args=(app, job), name=f"essaim-import-{job.id[:8]}")
    thread.daemon = True
    thread.start()
    return thread


def _run(app, job: Job) -> None:
    with app.app_context():
        try:
            batch = _import(app, job)
        except Exception as error:  # noqa: BLE001 (shown to the administrator, never lost)
            log.exception("import %s failed", job.id)
            db.session.rollback()
            job.state, job.error = "failed", str(getattr(error, "message", error))[:500]
        else:
            job.state, job.batch = "done", batch.id
        finally:
            save(job)
            db.session.remove()
        _index(app)


def _import(app, job: Job):
    from wiki.models import User
    from wiki.transfer import mediawiki, spreadsheet, yeswiki
    from wiki.transfer.writer import Options

    user = db.session.get(User, job.by) if job.by else None
    options = Options(
        max_bytes=app.config["MAX_PAGE_BYTES"], seconds=app.config["SAVE_TIME_BUDGET"]
    )
    settings = rules(job)

    def advance(*_args) -> None:
        job.done += 1
        if job.done % 10 == 0 or job.done >= job.total:
            save(job)

    if job.kind == "mediawiki":
        config = mediawiki.Settings(categories=settings.get("categories") or {}, options=options)
        batch, _report = mediawiki.import_dump(job.source, config, user, advance)
    elif job.kind == "yeswiki":
        batch, _report = yeswiki.import_files(
            [job.source], settings, options, user, progress=advance
        )
    else:
        batch, _report = spreadsheet.import_sheet(
            job.source, settings, options, user, progress=advance
        )
    batch.source = job.name[:500]  # the name the administrator sent, not the stored one
    db.session.commit()
    return batch


def _index(app) -> None:
    """The pages written are indexed as after any save (the queue), by this thread now."""
    if app.config.get("SEARCH_INDEXING") == "off":
        return
    from wiki.search import index

    with app.app_context():
        try:
            index.drain_all(index.target_for())
        except Exception:  # noqa: BLE001 (the queue stays; `essaim search check` mends)
            log.exception("indexing after an import failed")
