"""Where the index lives: generations of a Whoosh index in the data dir, and the live one.

    <SEARCH_INDEX_DIR>/CURRENT      name of the live generation, replaced atomically
    <SEARCH_INDEX_DIR>/gen-…/       one complete Whoosh index

`essaim search reindex` builds a new generation beside the live one and then swaps CURRENT, so
searches keep being answered from the old one during a rebuild.

A live generation built with an older schema (schema.SCHEMA_VERSION) is replaced on first use
by an empty one of the current schema, and the file REQUEUE asks the next queue drain
(index.drain) to queue every page: the index then fills up again in the background, and
neither a save nor a search meets fields the old index lacks. `essaim search reindex` rebuilds
it at once.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from wiki.search.engine import open_searcher, reopen
from wiki.search.schema import is_current, make_schema

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
REQUEUE = "REQUEUE"  # present: an outdated index was replaced, every page must be queued

_current_schema: dict[str, bool] = {}  # generation directory -> built with this schema


class IndexStore:
    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    # -- generations --------------------------------------------------------------------------

    def current_name(self) -> str | None:
        try:
            name = (self.directory / CURRENT).read_text().strip()
        except FileNotFoundError:
            return None
        return name if name and (self.directory / name).is_dir() else None

    def current_path(self) -> Path:
        """Directory of the live index, created (empty) on first use or if outdated."""
        name = self.current_name()
        if name is None or not self._up_to_date(name):
            with self._lock():  # several processes may start at once
                name = self.current_name()
                if name is None or not self._up_to_date(name):
                    path = self.new_generation()
                    if name is not None:
                        log.warning(
                            "Search index %s has an older schema: replaced by an empty "
                            "one, every page is queued for indexing.",
                            name,
                        )
                        (self.directory / REQUEUE).write_text(name)
                    self.swap(path)
                    name = path.name
        return self.directory / name

    def _up_to_date(self, name: str) -> bool:
        key = str(self.directory / name)
        known = _current_schema.get(key)
        if known is None:
            try:
                schema = whoosh_index.open_dir(key).schema
            except Exception:  # not an index yet, or unreadable: nothing to tell from it
                return True
            known = _current_schema[key] = is_current(schema)
        return known

    def requeue_pending(self) -> bool:
        return (self.directory / REQUEUE).exists()

    def requeue_done(self) -> None:
        (self.directory / REQUEUE).unlink(missing_ok=True)

    @contextmanager
    def requeue(self):
        """Under the lock, if every page must still be queued: the caller queues them."""
        if not self.requeue_pending():
            yield False
            return
        with self._lock():
            pending = self.requeue_pending()
            yield pending
            if pending:
                self.requeue_done()

    def new_generation(self) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = self.directory / f"gen-{stamp}-{uuid.uuid4().hex[:6]}"
        path.mkdir(parents=True)
        whoosh_index.create_in(str(path), make_schema())
        return path

    def swap(self, path: Path) -> None:
        """Make `path` the live generation (atomic for readers and writers alike)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{CURRENT}.{uuid.uuid4().hex}"
        tmp.write_text(path.name)
        os.replace(tmp, self.directory / CURRENT)

    def remove_old_generations(self, keep: int = 2) -> None:
        """Delete all but the newest `keep` generations (the previous one may still be read)."""
        live = self.current_name()
        generations = sorted(
            (p for p in self.directory.glob("gen-*") if p.is_dir() and p.name != live),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for path in generations[keep - 1 :]:
            shutil.rmtree(path, ignore_errors=True)

    @contextmanager
    def _lock(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".create.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- access -------------------------------------------------------------------------------

    def open(self):
        return whoosh_index.open_dir(str(self.current_path()))


_readers = threading.local()


@contextmanager
def searcher(directory: str | os.PathLike):
    """A searcher on the live generation, kept per thread and refreshed when the index changed.

    Whoosh readers share file handles, so each thread gets its own. When the index changed
    (a save adds a small segment and marks the page's old document deleted), the segments
    that are still there are not reopened: see wiki.search.engine.reopen.
    """
    store = IndexStore(directory)
    path = store.current_path()
    cache = getattr(_readers, "cache", None)
    if cache is None:
        cache = _readers.cache = {}
    key = str(store.directory)
    entry = cache.get(key)
    if entry is not None and entry[0] == path and entry[1].up_to_date():
        current = entry[1]
    elif entry is not None and entry[0] == path:
        current = reopen(entry[1], path)
    else:
        if entry is not None:
            entry[1].close()
        current = open_searcher(path)
    cache.pop(key, None)
    while len(cache) >= 4:  # one per index directory; tests use many
        _old_path, old = cache.pop(next(iter(cache)))
        old.close()
    cache[key] = (path, current)
    yield current


def forget_readers() -> None:
    """Close this thread's searchers (tests, and before a data dir is removed)."""
    cache = getattr(_readers, "cache", None) or {}
    for _path, current in cache.values():
        current.close()
    cache.clear()
