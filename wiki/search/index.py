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
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index

from wiki.models import Change, IndexQueue, Page, utcnow
from wiki.search import changes, rebuilding
from wiki.search.document import load_pages, page_document, theme_labels
from wiki.search.engine import (
    merge_bounded,
    merge_small_segments,
    open_searcher,
    open_writer,
)
from wiki.search.engine import segments as engine_segments
from wiki.search.engine.segments import WRITER_OPTIONS
from wiki.search.queue import enqueue
from wiki.search.store import IndexStore, searcher

log = logging.getLogger(__name__)

BATCH = 100  # pages per index commit when draining the queue
SKIP_AFTER = 3  # a page whose document failed this often waits for its next edit (or a check)
MAX_SEGMENTS = engine_segments.MAX_SEGMENTS  # segments a commit keeps besides its own


@dataclass
class Target:
    """Where pages are read from and written to: a database and an index directory."""

    engine: Engine
    directory: str
    lock_timeout: float = 60.0
    page_budget: float | None = None  # seconds to build one page's document; beyond: skipped
    batch_seconds: float = 0.0  # the background worker's least time between two writes

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
        page_budget=float(app.config.get("SEARCH_PAGE_BUDGET", 10.0)),
        batch_seconds=float(app.config.get("SEARCH_BATCH_SECONDS", 0.0)),
    )


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
            skipped = write_pages(target, session, list(snapshot), merge=merge)
        except Exception as error:
            # The index itself failed (disk full, lock held too long): every page stays queued
            # and is tried again, never left out for good.
            session.rollback()
            tried = IndexQueue.attempts + 1
            session.execute(
                update(IndexQueue)
                .where(IndexQueue.page_id.in_(list(snapshot)))
                .values(
                    attempts=case((tried >= SKIP_AFTER, SKIP_AFTER - 1), else_=tried),
                    last_error=repr(error)[:2000],
                )
            )
            session.commit()
            raise
        for page_id, queued_at in snapshot.items():
            if page_id in skipped:
                attempts, why = skipped[page_id]
                session.execute(
                    update(IndexQueue)
                    .where(IndexQueue.page_id == page_id, IndexQueue.queued_at == queued_at)
                    .values(attempts=attempts(IndexQueue.attempts), last_error=why)
                )
        _dequeue(session, snapshot, skipped)
        session.commit()
        return len(snapshot)


def _dequeue(session: Session, snapshot: dict, skipped) -> None:
    """Delete the queue rows of the pages written (a row's page_id → queued_at, as read before
    the write). A save after that read moved its row's queued_at: that row stays for the next
    drain, which writes the newer revision."""
    for page_id, queued_at in snapshot.items():
        if page_id not in skipped:
            session.execute(
                delete(IndexQueue).where(
                    IndexQueue.page_id == page_id, IndexQueue.queued_at == queued_at
                )
            )


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
    while merge_small_segments(whoosh_index.open_dir(str(target.store.current_path())), 60.0):
        pass
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
        rows = list(
            session.scalars(
                select(IndexQueue).where(
                    IndexQueue.page_id.in_(page_ids), IndexQueue.attempts < SKIP_AFTER
                )
            )
        )
    others = session.scalars(
        select(IndexQueue)
        .where(IndexQueue.page_id.not_in(page_ids), IndexQueue.attempts < SKIP_AFTER)
        .order_by(IndexQueue.attempts, IndexQueue.queued_at)
        .limit(max(BATCH - len(rows), 0))
    )
    return rows + list(others)


# -- following the change log (several hosts) ---------------------------------------------------


def follow(target: Target, merge: bool = True) -> int:
    """Apply the next changes of the change log (changes.py) to this host's index; return how
    many changes the cursor moved over. merge=False leaves the tidy-up merge to the caller
    (the background worker runs it beside, so that no change waits for a merge).

    A host whose cursor is below the pruned log's watermark rebuilds its index instead (the
    holes of the pruned range would be stepped over as rollbacks), and so does a host far
    behind (changes.far_behind): following would take much longer than a rebuild."""
    cursor = changes.Cursor(target.directory)
    after = cursor.read()
    with Session(target.engine) as session:
        rows = session.execute(
            select(Change.id, Change.page_id, Change.revision_id, Change.kind, Change.created_at)
            .where(Change.id > after)
            .order_by(Change.id)
            .limit(changes.BATCH)
        ).all()
        # Read after the rows: a prune committed before them has raised it by now.
        pruned = changes.watermark(session)
        if after < pruned:
            session.close()
            return catch_up(target, after, pruned)
        if not rows:
            return 0
        if len(rows) == changes.BATCH and changes.far_behind(session, after):
            session.close()
            return catch_up(target, after, pruned)
        newest: dict[int, int] = {}
        for row in rows:
            newest[row.page_id] = max(newest.get(row.page_id, 0), row.revision_id or 0)
        held = indexed_revisions(target, list(newest))
        stale = [page_id for page_id, rev in newest.items() if held.get(page_id, -1) < rev]
        stale += [page_id for page_id, rev in newest.items() if rev == 0 and page_id in held]
        # Moderation (delete, restore, hide) changes what readers see at the same revision.
        stale += sorted({row.page_id for row in rows if row.kind != "save"} - set(stale))
        # A page saved on this host is often queued still (saved while the queue was being
        # drained): written here, its row goes too, or the next drain would write it again.
        queued = stale and dict(
            session.execute(
                select(IndexQueue.page_id, IndexQueue.queued_at).where(
                    IndexQueue.page_id.in_(stale)
                )
            ).all()
        )
        for start in range(0, len(stale), BATCH):
            batch = stale[start : start + BATCH]
            skipped = write_pages(target, session, batch, merge=merge)
            _dequeue(session, {p: queued[p] for p in batch if p in queued}, skipped)
            session.commit()
    mark = changes.consecutive(after, rows)
    cursor.advance(mark)
    return mark - after


def catch_up(target: Target, after: int, pruned: int) -> int:
    """Rebuild this host's index: it applied less than the log has lost (its cursor then moves
    to the watermark), or is too far behind for following to be quicker (changes.far_behind).
    Returns how far the cursor moved (0: another process of this host rebuilds it)."""
    pruned_past = after < pruned
    reason = rebuilding.BEHIND_PRUNED_LOG if pruned_past else rebuilding.FAR_BEHIND
    why = f"the log was pruned up to {pruned}" if pruned_past else "too far behind the log"
    log.warning("Search index in %s at change %s, %s: rebuilding it.", target.directory, after, why)
    with Session(target.engine) as session:
        total = session.scalar(select(func.count(Page.id))) or 0
    done = rebuilding.run_here(
        target.directory,
        total,
        lambda advance: rebuild(target, progress=advance),
        reason=reason,
    )
    if done is not None:
        log.warning("The search index in %s was rebuilt: %s pages.", target.directory, done.total)
    return changes.Cursor(target.directory).read() - after if done is not None else 0


def indexed_revisions(target, page_ids: list[int]) -> dict[int, int]:
    """The revision each of these pages has in this host's index (absent: not indexed)."""
    held = {}
    # This thread's searcher, reopened on what changed (store.searcher): opening every segment
    # anew cost 22 ms at each change followed, two thirds of what indexing a save costs.
    with searcher(target.directory) as current:
        for page_id in page_ids:
            fields = current.document(id=str(page_id))
            if fields is not None:
                held[page_id] = int(fields.get("revision") or 0)
    return held


# -- writing --------------------------------------------------------------------------------------


def write_pages(
    target: Target, session: Session, page_ids: list[int], merge: bool = True
) -> dict[int, tuple[Callable, str]]:
    """Rewrite the documents of these pages (a page gone from the database leaves the index).

    Returns the pages left as they were in the index, each with how to count the attempt and
    why: a page whose document could not be built, or took longer than `target.page_budget`
    seconds, is skipped so that it never holds up the others (issue 9, part 2).

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
            documents, skipped = _documents(session, page_ids, target.page_budget)
            for page_id in page_ids:
                if page_id in documents:
                    writer.update_document(**documents[page_id])
                elif page_id not in skipped:
                    writer.delete_by_term("id", str(page_id))
            # Merging is what makes a commit slow: this one merges only the last segments
            # when they are about as small as its own (engine.segments.tail_to_merge).
            writer.commit(mergetype=merge_bounded)
        except BaseException:
            writer.cancel()
            raise
        if merge:
            merge_small_segments(ix, target.lock_timeout)
        if store.current_path() == path:
            return skipped
        # A rebuild swapped generations while we wrote: write into the new one too.


def _documents(session: Session, page_ids: list[int], budget: float | None):
    """The pages' documents, and the pages skipped: (how to count the attempt, why)."""
    labels = theme_labels(session)
    documents, skipped = {}, {}
    for page in load_pages(session, page_ids, fresh=True):
        started = time.monotonic()
        try:
            document = page_document(page, labels)
        except Exception as error:
            log.exception("Page %s could not be indexed; it is skipped.", page.id)
            skipped[page.id] = (lambda attempts: attempts + 1, repr(error)[:2000])
            continue
        took = time.monotonic() - started
        if budget is not None and took > budget:
            # Building it again would cost as much: it waits for its next edit (or a check).
            log.warning(
                "Page %s took %.1f s to index (budget %.1f s): skipped.", page.id, took, budget
            )
            why = f"Indexing took {took:.1f} s, more than the budget of {budget:g} s: skipped"
            skipped[page.id] = (lambda _attempts: SKIP_AFTER, why)
            continue
        documents[page.id] = document
    return documents, skipped


# -- rebuild and consistency check ----------------------------------------------------------------


def rebuild(
    target: Target,
    progress: Callable[[int], None] | None = None,
    procs: int = 1,
    limitmb: int = 256,
    finishing: Callable[[], None] | None = None,
) -> int:
    """Build a new index from the database, then swap it in; return the number of pages.

    Saves made during the build are caught up after the swap (pages changed since the start,
    plus the queue), so the new index misses nothing. `finishing` is called once every page
    is read, when the writers write out their segments (minutes at 100k pages, no progress).
    """
    store = target.store
    started = utcnow() - timedelta(minutes=1)  # margin: updated_at is set before the commit
    with Session(target.engine) as session:
        pruned = changes.watermark(session)  # every change up to it is in what we read next
        settled = session.scalar(select(func.max(Change.id)).where(Change.created_at < started))
    path = store.new_generation()
    try:
        count = _build(target, path, progress, procs, limitmb, finishing)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    store.swap(path)
    store.requeue_done()  # this build holds every page: an outdated index needs no more
    with Session(target.engine) as session:
        changed = list(session.scalars(select(Page.id).where(Page.updated_at >= started)))
        stale = _differing(target, session, changed)
        for start in range(0, len(stale), BATCH):
            write_pages(target, session, stale[start : start + BATCH], merge=False)
    while drain(target):
        pass
    # The log goes on from there, past what was read (the changes made before `started` have
    # ended): no walk through the log after a rebuild, nor another one (changes.far_behind).
    changes.Cursor(target.directory).advance(max(pruned, settled or 0))
    store.remove_old_generations()
    return count


def _differing(target: Target, session: Session, page_ids: list[int]) -> list[int]:
    """Those of these pages whose document in the index is not the one the database gives now.

    A rebuild reads each page once; pages changed since it started may have been read before
    or after their change. Comparing fingerprints (a document costs a fifth of indexing it)
    rewrites only the former: after an import, a rebuild otherwise wrote again every page of
    its last minute (bench/scale.py: a sixth of 100k pages, in one commit).
    """
    if not page_ids:
        return []
    labels = theme_labels(session)
    differing = []
    with open_searcher(target.store.current_path()) as searcher:
        for start in range(0, len(page_ids), 200):
            chunk = page_ids[start : start + 200]
            documents = {
                page.id: page_document(page, labels)["fingerprint"]
                for page in load_pages(session, chunk, fresh=True)
            }
            for page_id in chunk:
                held = searcher.document(id=str(page_id))
                fingerprint = held.get("fingerprint") if held else None
                if documents.get(page_id) != fingerprint:
                    differing.append(page_id)
            session.expunge_all()
    return differing


def _build(target: Target, path: Path, progress, procs: int, limitmb: int, finishing) -> int:
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
            if finishing:
                finishing()
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
    with open_searcher(store.current_path()) as searcher:
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
                chunk = todo[start : start + BATCH]
                done = set(chunk) - set(write_pages(target, session, chunk))
                # Skipped pages now indexed: out of the queue.
                session.execute(
                    delete(IndexQueue).where(
                        IndexQueue.page_id.in_(done), IndexQueue.attempts >= SKIP_AFTER
                    )
                )
                session.commit()
        if fix:
            store.requeue_done()  # every page was just compared: an outdated index needs no more
    if fix:
        while drain(target):  # what was waiting in the queue, with its own bookkeeping
            pass
    return drift
