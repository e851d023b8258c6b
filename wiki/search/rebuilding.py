"""One rebuild of a host's search index at a time, and its progress, seen by every process.

    <SEARCH_INDEX_DIR>/rebuild.json     {"state", "done", "total", "started", "finished", "error",
                                         "reason"}
    <SEARCH_INDEX_DIR>/.rebuild.lock    locked (flock) for the whole rebuild

The lock goes with the process: a rebuild whose process was stopped leaves "running" in the
file and no lock, which reads as "interrupted". Used by the administrators' page (admin.py) and
by a host that finds its index behind the pruned change log (index.follow).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from wiki.models import utcnow

log = logging.getLogger(__name__)

PROGRESS_FILE = "rebuild.json"
LOCK_FILE = ".rebuild.lock"
BEHIND_PRUNED_LOG = "behind-pruned-log"  # reason: this host's cursor is below the watermark
FAR_BEHIND = "far-behind"  # reason: following the log would take far longer than a rebuild


@dataclass
class Progress:
    """Where the last rebuild is: idle (none yet), running, done, failed or interrupted."""

    state: str = "idle"
    done: int = 0
    total: int = 0
    started: datetime | None = None  # naive UTC, as every date of the database
    finished: datetime | None = None
    error: str | None = None
    reason: str | None = None  # None: asked for by an administrator

    @property
    def running(self) -> bool:
        return self.state == "running"

    def as_json(self) -> dict:
        data = asdict(self)
        for name in ("started", "finished"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> Progress:
        def date(value):
            return datetime.fromisoformat(value) if value else None

        return cls(
            state=str(data.get("state", "idle")),
            done=int(data.get("done") or 0),
            total=int(data.get("total") or 0),
            started=date(data.get("started")),
            finished=date(data.get("finished")),
            error=data.get("error"),
            reason=data.get("reason"),
        )


def read_progress(directory: str | os.PathLike) -> Progress:
    """The last rebuild's progress, as any process wrote it."""
    progress = _read(directory)
    if progress.running and not locked(directory):
        progress = _read(directory)  # it may have ended between the two looks
        if progress.running:
            progress.state = "interrupted"  # its process stopped before the end
    return progress


def _read(directory: str | os.PathLike) -> Progress:
    try:
        text = (Path(directory) / PROGRESS_FILE).read_text()
        return Progress.from_json(json.loads(text))
    except FileNotFoundError:
        return Progress()
    except (ValueError, TypeError):
        log.warning("Unreadable %s in %s: ignored.", PROGRESS_FILE, directory)
        return Progress()


def write_progress(directory: str | os.PathLike, progress: Progress) -> None:
    # Written aside then moved: a reader in another process never sees half a file.
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{PROGRESS_FILE}.{uuid.uuid4().hex}"
    tmp.write_text(json.dumps(progress.as_json()))
    os.replace(tmp, directory / PROGRESS_FILE)


def try_lock(directory: str | os.PathLike) -> IO | None:
    """The rebuild lock, or None if it is held. flock, not lockf: two opens of the file conflict
    even within one process, so two threads of one server cannot both hold it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    handle = open(directory / LOCK_FILE, "a")  # noqa: SIM115 (held beyond this function)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def unlock(handle: IO) -> None:
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


def locked(directory: str | os.PathLike) -> bool:
    handle = try_lock(directory)
    if handle is None:
        return True
    unlock(handle)
    return False


def run_here(
    directory: str | os.PathLike,
    total: int,
    build: Callable[[Callable[[int], None]], int],
    reason: str | None = None,
) -> Progress | None:
    """Run build(advance) in this thread under the lock, keeping its progress for every
    process to see; None (nothing done) if another rebuild holds the lock. A failure is
    written down, then raised."""
    lock = try_lock(directory)
    if lock is None:
        return None
    progress = Progress(state="running", total=total, started=utcnow(), reason=reason)
    try:
        write_progress(directory, progress)

        def advance(pages: int) -> None:
            progress.done += pages
            write_progress(directory, progress)

        progress.done = progress.total = build(advance)
        progress.state = "done"
    except Exception as error:
        progress.state = "failed"
        progress.error = str(error) or repr(error)
        raise
    finally:
        progress.finished = utcnow()
        write_progress(directory, progress)
        unlock(lock)
    return progress
