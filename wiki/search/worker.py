"""Keeping this host's search index up to date: after a commit, and in the background.

After each commit that changed pages, notify() indexes them at once ("sync", tests and
commands), wakes this process's background worker ("thread", `essaim run`), or wakes the
host's indexer process ("process", `essaim serve`: indexer.py, woken through wakeup.py),
whose worker is the same. The worker drains the index queue (index.drain), follows the
change log of the other hosts (index.follow) and tidies segments.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable

from flask import current_app
from whoosh import index as whoosh_index

from wiki.search import changes, wakeup
from wiki.search.engine import merge_small_segments
from wiki.search.index import Target, drain, follow, target_for

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0  # the background worker looks at the queue and the change log this often


def notify(page_ids: Iterable[int]) -> None:
    """Index the pages a commit just changed: now ("sync"), in a background thread of this
    process ("thread") or in the host's indexer process ("process").

    Never raises: the save has already succeeded and its pages stay queued if indexing fails.
    """
    try:
        app = current_app._get_current_object()
        mode = app.config.get("SEARCH_INDEXING", "thread")
        if mode == "off":
            return
        if mode == "process":
            wakeup.wake(app.config["SEARCH_INDEX_DIR"])
            return
        target = target_for(app)
        if mode == "sync":
            drain(target, list(page_ids))
            while follow(target):  # moves this host's cursor past its own saves
                pass
        else:
            _worker_for(target).wake()
    except Exception:
        log.exception("Search index update failed; the pages stay queued for reindexing.")


class _Worker:
    """One thread per process and index: drains the queue when woken, retries failures later.

    A second thread tidies the segments up (engine.merge_small_segments) once the first has
    nothing left to do: a merge of thousands of documents takes seconds, during which the
    first goes on indexing saves and following the other hosts' changes.
    """

    def __init__(self, target: Target):
        self.target = target
        self.event = threading.Event()
        self.tidy = threading.Event()
        self.halt = threading.Event()
        self.stopping = False
        self.last_write = -float("inf")
        self.thread = threading.Thread(target=self._run, name="essaim-search-index", daemon=True)
        self.thread.start()
        self.tidier = threading.Thread(target=self._tidy, name="essaim-search-merge", daemon=True)
        self.tidier.start()
        # Other hosts' saves (PostgreSQL): wake up at their commit instead of the next poll.
        changes.listen(target.engine, self.wake)

    def wake(self) -> None:
        self.event.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the batch being written finish (its queue rows are deleted with it), then end
        the indexing thread; a merge under way is left to die with the process (its segments
        are only swapped in when complete)."""
        self.stopping = True
        self.halt.set()
        self.event.set()
        self.thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        self.event.set()  # drain whatever a previous run left in the queue
        while not self.stopping:
            # Polling too: a row left by a process killed between its commit and its notify()
            # is indexed within seconds, with no manual step.
            self.event.wait(timeout=POLL_SECONDS if not failures else min(300.0, 2.0**failures))
            # Saves that follow one another closely are written together: a commit costs
            # about as much for one page as for ten (the new segment, then merging the last
            # ones). The first save after a quiet moment is written at once.
            self.halt.wait(self.last_write + self.target.batch_seconds - time.monotonic())
            self.event.clear()
            if self.stopping:
                return
            try:
                wrote = 0
                while (done := drain(self.target, merge=False)) and not self.stopping:
                    wrote += done
                while (done := follow(self.target, merge=False)) and not self.stopping:
                    wrote += done  # what other hosts changed
                if wrote:
                    self.last_write = time.monotonic()
                self.tidy.set()  # once the queue is empty: no page waits for a merge
                failures = 0
            except Exception:
                failures += 1
                log.exception("Background search indexing failed (attempt %s)", failures)

    def _tidy(self) -> None:
        while True:
            self.tidy.wait()
            self.tidy.clear()
            try:
                while merge_small_segments(
                    whoosh_index.open_dir(str(self.target.store.current_path())),
                    self.target.lock_timeout,
                ):
                    pass
            except Exception:
                log.exception("Merging the search index's segments failed; it is tried again.")


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
