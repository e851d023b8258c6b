"""One indexing process per host: `essaim serve` starts it beside the web workers.

With SEARCH_INDEXING = "process" (what `essaim serve` sets), the web workers index nothing
themselves: after a commit they send a datagram to this host's indexer (wakeup.py), which drains
the index queue, follows the change log and tidies the segments (worker._Worker), as the
"thread" mode does inside each web worker. A web worker's threads share one interpreter lock,
so a merge or a burst of saves indexed beside the requests slowed the page views and searches
of that worker (bench/scale.py at 100,000 pages: view p95 18.8 ms without saves, 29.5 ms with
them). In a process of its own, indexing runs on another core and at a lower priority.

The datagram only wakes the indexer early: it also polls (worker.POLL_SECONDS) and, on
PostgreSQL, LISTENs; its queue is the database's. Under `essaim serve` the gunicorn master owns
the socket (ESSAIM_INDEXER_SOCKET, handed to the indexer as ESSAIM_INDEXER_FD): datagrams sent
while the indexer starts or restarts wait in it. A save made while no indexer runs at all stays
queued and is indexed when one starts: nothing is lost, search only lags (/readyz says how much).

It runs as `essaim search indexer` (cli.py): the gunicorn master starts `python -m wiki.cli
search indexer`, which exits 0 when stopped and 1 or 2 on errors, never 3 or 4 (the codes on
which the master would stop the whole server, as it reaps this child like a worker).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path

from wiki.search import admin, rebuilding
from wiki.search.index import target_for
from wiki.search.wakeup import REBUILD, socket_path
from wiki.search.worker import _Worker

log = logging.getLogger(__name__)


def run(app, stop: threading.Event, nice: int = 5) -> None:
    """Index this host's pages until `stop` is set: woken by datagrams, PostgreSQL notices
    and polling. Returns once the current batch is written."""
    if nice:
        try:
            os.nice(nice)  # requests first; indexing takes what the workers leave
        except OSError:
            pass
    target = target_for(app)
    Path(target.directory).mkdir(parents=True, exist_ok=True)
    inherited = os.environ.get("ESSAIM_INDEXER_FD")
    if inherited:  # the gunicorn master's socket (essaim serve): it stays when we stop
        sock, path = socket.socket(fileno=int(inherited)), None
    else:
        sock, path = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM), socket_path(target.directory)
        try:
            os.unlink(path)  # left by an indexer that was killed
        except FileNotFoundError:
            pass
        sock.bind(path)
    sock.settimeout(1.0)
    worker = _Worker(target)
    log.info("Search indexer ready (pid %s)", os.getpid())
    parent = os.getppid()
    try:
        while not stop.is_set():
            try:
                message, fds, _flags, _address = socket.recv_fds(sock, 64, 1)
            except TimeoutError:
                if os.getppid() != parent:  # the server died without stopping us
                    log.warning("The server that started this indexer is gone; stopping.")
                    break
                continue
            if message == REBUILD and fds:
                _rebuild(app, target, fds[0])
            else:
                for fd in fds:
                    os.close(fd)
                worker.wake()
    finally:
        worker.stop()
        sock.close()
        if path:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def _rebuild(app, target, fd: int) -> None:
    """The rebuild an administrator asked for (admin.start_rebuild), in a thread of this
    process, under the lock that came with the message."""
    lock = os.fdopen(fd, "a")
    progress = rebuilding._read(target.directory)
    if not progress.running:  # written by the web process before it handed the lock over
        progress = rebuilding.Progress(state="running", started=None)
    log.info("Rebuilding the search index, as an administrator asked (%s pages)", progress.total)
    threading.Thread(
        target=admin._run,
        args=(app, target, progress, lock),
        name=admin.THREAD_NAME,
        daemon=True,
    ).start()
