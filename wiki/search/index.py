"""Index writes: pages queued in the database are (re)written into the Whoosh index.

Every save, rename, revert, import and hide writes an IndexQueue row in its own transaction,
then calls notify(). The queue row is deleted only once the index has committed the page, so a
crash, a full disk or a lock held too long loses nothing: the page waits in the queue (with the
number of attempts and the last error) for the next drain or `essaim search check`.

Whoosh allows one writer per index at a time, across processes: a writer that finds the lock
taken waits and retries with a growing, jittered delay, so no LockError reaches a user.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, joinedload, selectinload
from whoosh import index as whoosh_index
from whoosh.index import LockError

from wiki.models import IndexQueue, Page, Revision, Theme, utcnow
from wiki.search.document import THEME_LABELS, page_document
from wiki.search.engine import merge_bounded, merge_small_in_order, segment_count
from wiki.search.engine import segments as engine_segments
from wiki.search.queue import enqueue
from wiki.search.store import IndexStore

log = logging.getLogger(__name__)

BATCH = 100  # pages per index commit when draining the queue
POLL_SECONDS = 5.0  # the background worker looks at the queue at least this often
MAX_SEGMENTS = engine_segments.MAX_SEGMENTS  # the worker tidies up above this; commits at it


@dataclass
class Target:
    """Where pages are read from and written to: a database and an index directory."""

    engine: Engine
    directory: str
    lock_timeout: float = 60.0

    @property
    def store(self) -> IndexStore:
        return IndexStore(self.directory)


def target_for(app=None) -> Target:
    from wiki.extensions import db

    app = app or current_app._get_current_object()
    with app.app_context():
        engine = db.engine
    return Target(
        engine=engine,
        directory=app.config["SEARCH_INDEX_DIR"],
        lock_timeout=float(app.config.get("SEARCH_LOCK_TIMEOUT", 60.0)),
    )


# -- after a commit -------------------------------------------------------------------------------


def notify(page_ids: Iterable[int]) -> None:
    """Index the pages a commit just changed: now ("sync") or in the background ("thread").

    Never raises: the save has already succeeded and its pages stay queued if indexing fails.
    """
    try:
        app = current_app._get_current_object()
        mode = app.config.get("SEARCH_INDEXING", "thread")
        if mode == "off":
            return
        target = target_for(app)
        if mode == "sync":
            drain(target, list(page_ids))
        else:
            _worker_for(target).wake()
    except Exception:
        log.exception("Search index update failed; the pages stay queued for reindexing.")


def drain(target: Target, page_ids: list[int] | None = None, merge: bool = True) -> int:
    """Index up to BATCH queued pages (those of `page_ids` first); return how many were done.

    merge=False leaves the merging of small segments to the caller (the background worker
    merges once the queue is empty, so a page is searchable without waiting for a merge).
    """
    with Session(target.engine, expire_on_commit=False) as session:
        requeue_outdated(target, session)
        rows = _queued(session, page_ids or [])
        if not rows:
            return 0
        snapshot = {row.page_id: row.queued_at for row in rows}
        try:
            write_pages(target, session, list(snapshot), merge=merge)
        except Exception as error:
            session.rollback()
            session.execute(
                update(IndexQueue)
                .where(IndexQueue.page_id.in_(list(snapshot)))
                .values(attempts=IndexQueue.attempts + 1, last_error=repr(error)[:2000])
            )
            session.commit()
            raise
        for page_id, queued_at in snapshot.items():
            # A save after our read moved queued_at: that row stays for the next drain.
            session.execute(
                delete(IndexQueue).where(
                    IndexQueue.page_id == page_id, IndexQueue.queued_at == queued_at
                )
            )
        session.commit()
        return len(snapshot)


def drain_all(target: Target, progress: Callable[[int], None] | None = None) -> int:
    """Index every queued page now, then tidy the segments; return how many were indexed.

    For commands (`essaim import`, `essaim demo`): a background thread would die with the
    command and leave pages out of the index until a server happened to drain the queue.
    """
    done = 0
    while count := drain(target, merge=False):
        done += count
        if progress:
            progress(count)
    merge_small_segments(whoosh_index.open_dir(str(target.store.current_path())), 60.0)
    return done


def requeue_outdated(target: Target, session: Session) -> int:
    """Queue every page if an index of an older schema was replaced (see store.py)."""
    store = target.store
    store.current_path()  # replaces an outdated index
    with store.requeue() as pending:
        if not pending:
            return 0
        queued = set(session.scalars(select(IndexQueue.page_id)))
        public = select(Page.id).where(Page.public.is_(True))
        missing = [i for i in session.scalars(public) if i not in queued]
        enqueue(session, missing, touch=False)  # a save may queue one of them meanwhile
        session.commit()
        return len(missing)


def _queued(session: Session, page_ids: list[int]) -> list[IndexQueue]:
    rows = []
    if page_ids:
        rows = list(session.scalars(select(IndexQueue).where(IndexQueue.page_id.in_(page_ids))))
    others = session.scalars(
        select(IndexQueue)
        .where(IndexQueue.page_id.not_in(page_ids))
        .order_by(IndexQueue.attempts, IndexQueue.queued_at)
        .limit(max(BATCH - len(rows), 0))
    )
    return rows + list(others)


# -- writing --------------------------------------------------------------------------------------


def write_pages(target: Target, session: Session, page_ids: list[int], merge: bool = True) -> None:
    """Rewrite the documents of these pages (a page gone from the database leaves the index).

    The pages are read from the database once the index's write lock is held, never before:
    a writer that read a page, then waited for the lock while another wrote a newer revision,
    would otherwise replace the newer document with the older one (issue 9, defect 3). Under
    the lock, each writer reads what was committed before it, so the last one writes the
    newest state; a save committed after that read has moved its queue row's `queued_at`,
    which keeps the row for the next drain.
    """
    store = target.store
    while True:
        path = store.current_path()
        ix = whoosh_index.open_dir(str(path))
        writer = open_writer(ix, target.lock_timeout)
        try:
            labels = theme_labels(session)
            documents = {
                page.id: page_document(page, labels)
                for page in load_pages(session, page_ids, fresh=True)
            }
            for page_id in page_ids:
                if page_id in documents:
                    writer.update_document(**documents[page_id])
                else:
                    writer.delete_by_term("id", str(page_id))
            # Merging is what makes a commit slow: below the bound nothing is merged here (the
            # worker tidies up once the queue is empty); at the bound, this commit merges.
            writer.commit(mergetype=merge_bounded)
        except BaseException:
            writer.cancel()
            raise
        if merge:
            merge_small_segments(ix, target.lock_timeout)
        if store.current_path() == path:
            return
        # A rebuild swapped generations while we wrote: write into the new one too.


# Segments are written as separate files, not Whoosh's default single compound file: reading
# a compound file copies each part it opens into memory (BufferFile wraps a BytesIO), i.e.
# the whole postings and stored-fields files again for every new searcher, ~15 ms a query
# after each save at 10k pages (bench/search.py, "first query after a save").
WRITER_OPTIONS = {"compound": False}


def open_writer(ix, timeout: float, **options):
    """Whoosh's writer, waiting for another process's writer to finish (backoff + jitter)."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        try:
            return ix.writer(**WRITER_OPTIONS, **options)
        except LockError:
            if time.monotonic() > deadline:
                raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)


def merge_small_segments(ix, timeout: float) -> None:
    if segment_count(ix) <= MAX_SEGMENTS:
        return
    try:
        writer = open_writer(ix, min(timeout, 1.0))
    except LockError:
        return  # someone else is writing, and will merge
    writer.commit(mergetype=merge_small_in_order)


def load_pages(session: Session, page_ids: list[int], fresh: bool = False) -> list[Page]:
    """The public pages with what their documents need (deleted or hidden pages leave the
    index); `fresh`: as the database holds them now, not as this session may have loaded them
    earlier."""
    statement = (
        select(Page)
        .where(Page.id.in_(page_ids), Page.public.is_(True))
        .options(
            selectinload(Page.themes),
            selectinload(Page.tags),
            joinedload(Page.current).joinedload(Revision.author),
        )
    )
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return list(session.scalars(statement).unique())


def theme_labels(session: Session) -> dict[str, tuple[str, str]]:
    labels = {t.slug: (t.label_fr, t.label_en) for t in session.scalars(select(Theme))}
    return labels or dict(THEME_LABELS)


# -- background worker ("thread" mode) ------------------------------------------------------------


class _Worker:
    """One thread per process and index: drains the queue when woken, retries failures later."""

    def __init__(self, target: Target):
        self.target = target
        self.event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="essaim-search-index", daemon=True)
        self.thread.start()

    def wake(self) -> None:
        self.event.set()

    def _run(self) -> None:
        failures = 0
        self.event.set()  # drain whatever a previous run left in the queue
        while True:
            # Polling too: a row left by a process killed between its commit and its notify()
            # is indexed within seconds, with no manual step.
            self.event.wait(timeout=POLL_SECONDS if not failures else min(300.0, 2.0**failures))
            self.event.clear()
            try:
                while drain(self.target, merge=False):
                    pass
                merge_small_segments(  # once the queue is empty: no page waits for it
                    whoosh_index.open_dir(str(self.target.store.current_path())),
                    self.target.lock_timeout,
                )
                failures = 0
            except Exception:
                failures += 1
                log.exception("Background search indexing failed (attempt %s)", failures)


_workers: dict[tuple[str, str], _Worker] = {}
_workers_lock = threading.Lock()
_workers_pid = os.getpid()


def _worker_for(target: Target) -> _Worker:
    global _workers_pid
    key = (str(target.engine.url), str(target.directory))
    with _workers_lock:
        if os.getpid() != _workers_pid:  # forked: the parent's threads did not come along
            _workers.clear()
            _workers_pid = os.getpid()
        worker = _workers.get(key)
        if worker is None or not worker.thread.is_alive():
            worker = _workers[key] = _Worker(target)
        return worker


# -- rebuild and consistency check ----------------------------------------------------------------


def rebuild(
    target: Target,
    progress: Callable[[int], None] | None = None,
    procs: int = 1,
    limitmb: int = 256,
) -> int:
    """Build a new index from the database, then swap it in; return the number of pages.

    Saves made during the build are caught up after the swap (pages changed since the start,
    plus the queue), so the new index misses nothing.
    """
    store = target.store
    started = utcnow() - timedelta(minutes=1)  # margin: updated_at is set before the commit
    path = store.new_generation()
    try:
        count = _build(target, path, progress, procs, limitmb)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    store.swap(path)
    store.requeue_done()  # this build holds every page: an outdated index needs no more
    with Session(target.engine) as session:
        changed = list(session.scalars(select(Page.id).where(Page.updated_at >= started)))
        if changed:
            write_pages(target, session, changed)
    while drain(target):
        pass
    store.remove_old_generations()
    return count


def _build(target: Target, path: Path, progress, procs: int, limitmb: int) -> int:
    ix = whoosh_index.open_dir(str(path))
    with Session(target.engine) as session:
        labels = theme_labels(session)
        page_ids = list(
            session.scalars(select(Page.id).where(Page.public.is_(True)).order_by(Page.id))
        )
        options = {"limitmb": limitmb, **WRITER_OPTIONS}
        if procs > 1:
            options.update(procs=procs, multisegment=True)
        writer = ix.writer(**options)
        try:
            for start in range(0, len(page_ids), 200):
                chunk = page_ids[start : start + 200]
                for page in load_pages(session, chunk):
                    writer.add_document(**page_document(page, labels))
                session.expunge_all()
                if progress:
                    progress(len(chunk))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    return len(page_ids)


@dataclass
class Drift:
    """Differences between the database and the index."""

    missing: list[int] = field(default_factory=list)  # pages absent from the index
    stale: list[int] = field(default_factory=list)  # indexed from an older state
    extra: list[int] = field(default_factory=list)  # documents of pages that no longer exist
    queued: int = 0  # pages waiting in the queue

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check(target: Target, fix: bool = True, progress=None) -> Drift:
    """Compare every page with its document (by fingerprint); rewrite the ones that differ."""
    store = target.store
    ix = whoosh_index.open_dir(str(store.current_path()))
    with ix.searcher() as searcher:
        indexed = {
            int(fields["id"]): fields.get("fingerprint") for fields in searcher.all_stored_fields()
        }
    drift = Drift()
    with Session(target.engine) as session:
        labels = theme_labels(session)
        page_ids = list(
            session.scalars(select(Page.id).where(Page.public.is_(True)).order_by(Page.id))
        )
        for start in range(0, len(page_ids), 200):
            for page in load_pages(session, page_ids[start : start + 200]):
                if page.id not in indexed:
                    drift.missing.append(page.id)
                elif page_document(page, labels)["fingerprint"] != indexed[page.id]:
                    drift.stale.append(page.id)
            session.expunge_all()
            if progress:
                progress(len(page_ids[start : start + 200]))
        drift.missing.sort()
        drift.stale.sort()
        drift.extra = sorted(set(indexed) - set(page_ids))
        drift.queued = len(session.scalars(select(IndexQueue.page_id)).all())
        if fix and not drift.clean:
            todo = drift.missing + drift.stale + drift.extra
            for start in range(0, len(todo), BATCH):
                write_pages(target, session, todo[start : start + BATCH])
        if fix:
            store.requeue_done()  # every page was just compared: an outdated index needs no more
    if fix:
        while drain(target):  # what was waiting in the queue, with its own bookkeeping
            pass
    return drift
