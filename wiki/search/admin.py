"""The search index seen by administrators: its state, a check, a rebuild run in the background.

A rebuild started from the web runs in a thread of the serving process. Its progress is kept in
a small JSON file in the index directory, so that every worker process can show it, and an
exclusive lock on a file beside it lets one rebuild run at a time, across processes:

    <SEARCH_INDEX_DIR>/rebuild.json     {"state", "done", "total", "started", "finished", "error"}
    <SEARCH_INDEX_DIR>/.rebuild.lock    locked (flock) for the whole rebuild

The lock goes with the process: a rebuild whose process was stopped leaves "running" in the
file and no lock, which reads as "interrupted". The live index is never touched by a failed
rebuild: index.rebuild builds a new generation and swaps it in only once it is complete.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import IO

from flask import current_app
from sqlalchemy import func, select

from wiki.extensions import db
from wiki.models import IndexQueue, Page, utcnow
from wiki.search import index
from wiki.search.engine import live_documents
from wiki.search.index import Drift, Target
from wiki.search.store import CURRENT

log = logging.getLogger(__name__)

PROGRESS_FILE = "rebuild.json"
LOCK_FILE = ".rebuild.lock"
THREAD_NAME = "essaim-search-rebuild"
LISTED = 50  # pages listed per kind of drift or failure; the counts say the rest


class RebuildRunning(Exception):
    """Another rebuild holds the lock (in this process or another one)."""


# -- state ----------------------------------------------------------------------------------------


@dataclass
class Progress:
    """Where the last rebuild is: idle (none yet), running, done, failed or interrupted."""

    state: str = "idle"
    done: int = 0
    total: int = 0
    started: datetime | None = None  # naive UTC, as every date of the database
    finished: datetime | None = None
    error: str | None = None

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
        )


@dataclass
class Failure:
    """A queued page whose indexing failed at least once."""

    page_id: int
    page: Page | None  # None: the page was deleted since
    attempts: int
    last_error: str | None
    queued_at: datetime


@dataclass
class Status:
    pages: int  # in the database
    documents: int  # in the live index
    queued: int  # waiting in the indexing queue, failed ones included
    failed: int
    failures: list[Failure]  # the first LISTED of them
    generation: str | None  # directory name of the live index
    live_since: datetime | None  # naive UTC
    rebuild: Progress = field(default_factory=Progress)


def status(target: Target) -> Status:
    store = target.store
    # From the table of contents: no segment is opened (store.open() creates an empty index
    # if there is none yet).
    documents = live_documents(store.open())
    failed_rows = (
        select(IndexQueue, Page)
        .outerjoin(Page, Page.id == IndexQueue.page_id)
        .where(IndexQueue.attempts > 0)
        .order_by(IndexQueue.attempts.desc(), IndexQueue.queued_at)
        .limit(LISTED)
    )
    failures = [
        Failure(row.page_id, page, row.attempts, row.last_error, row.queued_at)
        for row, page in db.session.execute(failed_rows).tuples()
    ]
    try:
        swapped = os.stat(store.directory / CURRENT).st_mtime
    except FileNotFoundError:
        swapped = None
    return Status(
        pages=db.session.scalar(select(func.count(Page.id))) or 0,
        documents=documents,
        queued=db.session.scalar(select(func.count(IndexQueue.page_id))) or 0,
        failed=db.session.scalar(
            select(func.count(IndexQueue.page_id)).where(IndexQueue.attempts > 0)
        )
        or 0,
        failures=failures,
        generation=store.current_name(),
        live_since=_naive_utc(swapped) if swapped is not None else None,
        rebuild=read_progress(target),
    )


def _naive_utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


# -- check ----------------------------------------------------------------------------------------


@dataclass
class CheckReport:
    drift: Drift
    pages: dict[int, Page]  # the listed pages that exist, for their titles and links
    mended: bool

    def listed(self, page_ids: list[int]) -> list[int]:
        return page_ids[:LISTED]


def check(target: Target, fix: bool) -> CheckReport:
    """Compare the index with the database (index.check); with fix, rewrite what differs."""
    drift = index.check(target, fix=fix)
    listed = drift.missing[:LISTED] + drift.stale[:LISTED]
    pages = {p.id: p for p in db.session.scalars(select(Page).where(Page.id.in_(listed)))}
    return CheckReport(drift=drift, pages=pages, mended=fix)


# -- rebuild --------------------------------------------------------------------------------------


def start_rebuild(target: Target) -> Progress:
    """Start a rebuild in a background thread of this process; RebuildRunning if one runs.

    The lock is taken here, before the thread starts, so that two requests arriving together
    cannot both start one; the thread releases it when the rebuild ends.
    """
    lock = _try_lock(target)
    if lock is None:
        raise RebuildRunning()
    try:
        total = db.session.scalar(select(func.count(Page.id))) or 0
        progress = Progress(state="running", total=total, started=utcnow())
        _write(target, progress)
        thread = threading.Thread(
            target=_run,
            args=(current_app._get_current_object(), target, progress, lock),
            name=THREAD_NAME,
            daemon=True,  # a stopped server leaves "running" and no lock: read as interrupted
        )
        thread.start()
    except BaseException:
        _unlock(lock)
        raise
    return progress


def _run(app, target: Target, progress: Progress, lock: IO) -> None:
    def advance(pages: int) -> None:
        progress.done += pages
        _write(target, progress)

    try:
        with app.app_context():
            # procs=1: more writer processes would be forked from this multi-threaded web
            # process (whose other threads hold locks and database connections the children
            # would inherit half-used) and would take the cores that answer requests. The
            # command line (`essaim search reindex --procs 2`) is there for the fast way.
            count = index.rebuild(target, progress=advance, procs=1)
        progress.done = progress.total = count
        progress.state = "done"
    except Exception as error:
        log.exception("Rebuild of the search index failed; the live index was kept.")
        progress.state = "failed"
        progress.error = str(error) or repr(error)
    finally:
        progress.finished = utcnow()
        _write(target, progress)
        _unlock(lock)


def read_progress(target: Target) -> Progress:
    """The last rebuild's progress, as any process wrote it."""
    progress = _read(target)
    if progress.running and not _locked(target):
        progress = _read(target)  # it may have ended between the two looks
        if progress.running:
            progress.state = "interrupted"  # its process stopped before the end
    return progress


def _read(target: Target) -> Progress:
    try:
        text = (target.store.directory / PROGRESS_FILE).read_text()
        return Progress.from_json(json.loads(text))
    except FileNotFoundError:
        return Progress()
    except (ValueError, TypeError):
        log.warning("Unreadable %s in %s: ignored.", PROGRESS_FILE, target.directory)
        return Progress()


def _write(target: Target, progress: Progress) -> None:
    # Written aside then moved: a reader in another process never sees half a file.
    directory = target.store.directory
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{PROGRESS_FILE}.{uuid.uuid4().hex}"
    tmp.write_text(json.dumps(progress.as_json()))
    os.replace(tmp, directory / PROGRESS_FILE)


def _try_lock(target: Target) -> IO | None:
    """The rebuild lock, or None if it is held. flock, not lockf: two opens of the file conflict
    even within one process, so two threads of one server cannot both hold it."""
    directory = target.store.directory
    directory.mkdir(parents=True, exist_ok=True)
    handle = open(directory / LOCK_FILE, "a")  # noqa: SIM115 (held beyond this function)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _unlock(handle: IO) -> None:
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


def _locked(target: Target) -> bool:
    handle = _try_lock(target)
    if handle is None:
        return True
    _unlock(handle)
    return False
