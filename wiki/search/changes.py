"""Several hosts on one database: each host's search index follows the change log.

Every change to a page appends a `changes` row in the change's own transaction (monotonic id,
page, the page's revision then, kind). Each host keeps in its index directory the id of the
last change its index applied (APPLIED) and applies the later ones in order; a host that starts
with an empty index starts from 0, so it builds its index from the log, then follows it.

The index queue (queue.py) stays the fast path of the host that saved: it indexes the page
right after the commit. Following the log then finds that page already at its revision and
skips it; another host finds it older (or missing) and writes it. A page is always written
from the database as it is when the index's lock is held (index.follow, index.write_pages),
and a change whose revision the index already holds, or a newer one, is skipped: an older
revision never replaces a newer one, whatever order changes arrive in.

Ids are handed out when a transaction inserts, not when it commits: a change may appear below
one already seen. The cursor therefore only moves over consecutive ids; a hole older than
GAP_SECONDS is a rolled-back transaction, and is stepped over.

Pruning (`essaim search prune-changes`) removes old changes and raises the watermark
(changes_pruned.upto, the highest id removed) in the same transaction. A host whose cursor is
below it can no longer tell a pruned change from a rolled-back one, so it follows nothing and
rebuilds its index from the pages (index.follow), which also moves its cursor to the watermark.
Nothing else is kept from the pruned range, not even each page's newest change: the pages table
already holds every page's newest state, which is what the rebuild reads.

Waking up: on PostgreSQL a save sends NOTIFY essaim_changes at commit and each process LISTENs
(listen()); the background worker also polls (worker.POLL_SECONDS), which is all SQLite needs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from wiki.models import Change, IndexQueue, Page, PrunedChanges, utcnow

log = logging.getLogger(__name__)

APPLIED = "APPLIED"
CHANNEL = "essaim_changes"
BATCH = 500  # changes read at a time
GAP_SECONDS = 30.0  # a hole in the ids older than this is a transaction that rolled back


def record(session: Session, page_ids: Iterable[int], kind: str = "save") -> None:
    """Append a change per page to the log, in the caller's transaction (before its commit)."""
    for page_id in page_ids:
        current = select(Page.current_id).where(Page.id == page_id).scalar_subquery()
        session.execute(insert(Change).values(page_id=page_id, revision_id=current, kind=kind))
    if session.get_bind().dialect.name == "postgresql":
        # Delivered at commit (and not at all after a rollback) to every listening host.
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


# -- this host's cursor ---------------------------------------------------------------------------


class Cursor:
    """The last change applied to the index of this directory (shared by this host's workers)."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.path = Path(directory) / APPLIED

    def read(self) -> int:
        try:
            return int(self.path.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def advance(self, change_id: int) -> None:
        """Never backwards: two workers may finish batches out of order."""
        if change_id <= self.read():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{APPLIED}.{uuid.uuid4().hex}")
        tmp.write_text(str(change_id))
        os.replace(tmp, self.path)


def lag(session: Session, directory: str | os.PathLike) -> int:
    """Changes this host's index has not applied yet."""
    after = Cursor(directory).read()
    return session.scalar(select(func.count(Change.id)).where(Change.id > after)) or 0


def waiting(session: Session, directory: str | os.PathLike) -> int:
    """Pages queued for the index plus changes this host has not applied, in one statement."""
    after = Cursor(directory).read()
    queued = select(func.count(IndexQueue.page_id)).scalar_subquery()
    lag = select(func.count(Change.id)).where(Change.id > after).scalar_subquery()
    return session.scalar(select(queued + lag)) or 0


def behind(session: Session, directory: str | os.PathLike) -> bool:
    """This host's index applied less than what was pruned: it must be (or is being) rebuilt."""
    return Cursor(directory).read() < watermark(session)


# Following the log writes about 25 changes a second into a 100k-page index (each batch of
# pages is one commit, with its merges); a rebuild writes about 470 pages a second (211 s for
# 100,000 pages, bench/scale.py, 2026-12-02). A host that far behind (new, its index lost, or
# stopped for long) is rebuilt from the database, then follows what remains.
FAR_BEHIND_MIN = 1000  # changes: fewer are always followed
FAR_BEHIND_SHARE = 20  # rebuild when the changes to follow exceed the pages / this


def far_behind(session: Session, after: int) -> bool:
    """Whether a host should rebuild its index rather than follow the log from `after`. Only
    changes a rebuild settles (made over a minute ago: index.rebuild) count, so that saves
    made during a rebuild never start another one."""
    settled = utcnow() - timedelta(minutes=1)
    behind = select(func.count(Change.id)).where(Change.id > after, Change.created_at < settled)
    lag = session.scalar(behind) or 0
    if lag < FAR_BEHIND_MIN:
        return False
    return lag * FAR_BEHIND_SHARE > (session.scalar(select(func.count(Page.id))) or 0)


# -- pruning --------------------------------------------------------------------------------------


def watermark(session: Session) -> int:
    """The highest change id pruned from the log (0: nothing pruned yet)."""
    return session.scalar(select(PrunedChanges.upto).where(PrunedChanges.id == 1)) or 0


@dataclass(frozen=True)
class Pruned:
    removed: int  # rows deleted by this run
    upto: int  # the watermark after it


def prune(session: Session, keep_days: float) -> Pruned:
    """Delete the changes older than `keep_days` and raise the watermark, in one transaction.

    The newest change is always kept, whatever its age: SQLite hands out max(id) + 1, and an
    emptied table would start again at 1, below every host's cursor. Changes younger than
    GAP_SECONDS are kept too: their transaction may still be running.
    """
    cutoff = utcnow() - max(timedelta(days=keep_days), timedelta(seconds=GAP_SECONDS))
    # Locks the watermark row on PostgreSQL: two prunes at once run one after the other.
    mark = session.get(PrunedChanges, 1, with_for_update=True)
    if mark is None:
        mark = PrunedChanges(id=1, upto=0)
        session.add(mark)
    newest = session.scalar(select(func.max(Change.id))) or 0
    upto = session.scalar(
        select(func.max(Change.id)).where(Change.created_at < cutoff, Change.id < newest)
    )
    removed = 0
    if upto and upto > mark.upto:
        removed = session.execute(delete(Change).where(Change.id <= upto)).rowcount or 0
        mark.upto, mark.pruned_at = upto, utcnow()
    result = Pruned(removed=removed, upto=mark.upto)
    session.commit()
    return result


# -- following (index.follow applies the changes) ---------------------------------------------


def consecutive(after: int, rows) -> int:
    """The new cursor: over consecutive ids, or over a hole old enough to be a rollback."""
    mark = after
    now = utcnow()
    for row in rows:
        if row.id != mark + 1 and now - row.created_at < timedelta(seconds=GAP_SECONDS):
            break  # an earlier transaction may still commit its change: look again later
        mark = row.id
    return mark


# -- waking up on PostgreSQL ----------------------------------------------------------------------


def listen(engine: Engine, wake: Callable[[], None]) -> threading.Thread | None:
    """On PostgreSQL, a thread that calls wake() whenever another process commits a change."""
    if engine.dialect.name != "postgresql":
        return None
    thread = threading.Thread(
        target=_listen, args=(engine, wake), name="essaim-changes-listener", daemon=True
    )
    thread.start()
    return thread


def _listen(engine: Engine, wake: Callable[[], None]) -> None:
    import psycopg

    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    while True:
        try:
            with psycopg.connect(conninfo, autocommit=True) as connection:
                connection.execute(f"LISTEN {CHANNEL}")
                wake()  # changes committed while we were not listening
                for _notice in connection.notifies():
                    wake()
        except Exception as error:
            log.warning("Listening for changes failed (%s); polling meanwhile.", error)
            time.sleep(5.0)
