"""The search index seen by administrators: its state, a check, a rebuild run in the background.

A rebuild started from the web runs in the host's indexer process under `essaim serve`, else in a
thread of the serving process. Its progress is kept in
a small JSON file in the index directory, so that every worker process can show it, and an
exclusive lock on a file beside it lets one rebuild run at a time, across processes
(rebuilding.py):

    <SEARCH_INDEX_DIR>/rebuild.json     {"state", "done", "total", "started", … "reason"}
    <SEARCH_INDEX_DIR>/.rebuild.lock    locked (flock) for the whole rebuild

The live index is never touched by a failed
rebuild: index.rebuild builds a new generation and swaps it in only once it is complete.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from flask import current_app
from sqlalchemy import func, select

from wiki.extensions import db
from wiki.models import IndexQueue, Page, utcnow
from wiki.search import changes, index, rebuilding, wakeup
from wiki.search.engine import live_documents
from wiki.search.index import Drift, Target
from wiki.search.rebuilding import LOCK_FILE, PROGRESS_FILE, Progress  # noqa: F401 (admin.*)
from wiki.search.store import CURRENT

log = logging.getLogger(__name__)

THREAD_NAME = "essaim-search-rebuild"
LISTED = 50  # pages listed per kind of drift or failure; the counts say the rest


class RebuildRunning(Exception):
    """Another rebuild holds the lock (in this process or another one)."""


# -- state ----------------------------------------------------------------------------------------


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
    applied: int = 0  # last change of the change log applied to this host's index
    pruned_upto: int = 0  # the change log's watermark (changes.prune)

    @property
    def behind_pruned_log(self) -> bool:
        """The index cannot follow the pruned log: it is rebuilt from the pages."""
        return self.applied < self.pruned_upto


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
        applied=changes.Cursor(target.directory).read(),
        pruned_upto=changes.watermark(db.session),
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
    """Start a rebuild in the background; RebuildRunning if one runs.

    The lock is taken here, before the rebuild starts, so that two requests arriving together
    cannot both start one; the rebuild releases it when it ends. Under `essaim serve`
    (SEARCH_INDEXING = "process") the host's indexer process runs it, lock included
    (wakeup.hand_over_rebuild), at a lower priority than the requests; otherwise, or if no
    indexer listens, a thread of this process does.
    """
    lock = rebuilding.try_lock(target.directory)
    if lock is None:
        raise RebuildRunning()
    try:
        total = db.session.scalar(select(func.count(Page.id))) or 0
        progress = Progress(state="running", total=total, started=utcnow())
        rebuilding.write_progress(target.directory, progress)
        if current_app.config.get("SEARCH_INDEXING") == "process":
            if wakeup.hand_over_rebuild(target.directory, lock):
                lock.close()  # the indexer's copy of the file keeps it locked
                return progress
        thread = threading.Thread(
            target=_run,
            args=(current_app._get_current_object(), target, progress, lock),
            name=THREAD_NAME,
            daemon=True,  # a stopped server leaves "running" and no lock: read as interrupted
        )
        thread.start()
    except BaseException:
        rebuilding.unlock(lock)
        raise
    return progress


def _run(app, target: Target, progress: Progress, lock: IO) -> None:
    def advance(pages: int) -> None:
        progress.done += pages
        rebuilding.write_progress(target.directory, progress)

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
        rebuilding.write_progress(target.directory, progress)
        rebuilding.unlock(lock)


def read_progress(target: Target) -> Progress:
    """The last rebuild's progress, as any process wrote it."""
    return rebuilding.read_progress(target.directory)
