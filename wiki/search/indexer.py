"""One indexing process per host: `essaim serve` starts it beside the web workers.

With SEARCH_INDEXING = "process" (what `essaim serve` sets), the web workers index nothing
themselves: after a commit they send a datagram to this host's indexer (wake()), which drains
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
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

SOCKET_NAME = "indexer.sock"
_MAX_SOCKET_PATH = 100  # sockaddr_un holds 104 (BSD) to 108 (Linux) bytes
_warned: set[str] = set()


def socket_path(directory: str | os.PathLike) -> str:
    """Where this index directory's indexer listens: in the directory, or, when that path is
    too long for a Unix socket, in the temporary directory under a name made from it."""
    directory = Path(directory).resolve()
    path = str(directory / SOCKET_NAME)
    if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.blake2b(os.fsencode(str(directory)), digest_size=12).hexdigest()
    return os.path.join(tempfile.gettempdir(), f"essaim-indexer-{digest}.sock")


WAKE = b"w"
REBUILD = b"rebuild"


def wake(directory: str | os.PathLike) -> bool:
    """Tell this host's indexer that pages were queued; False when none listens (the pages
    wait in the queue for it). Never blocks: a full socket buffer means it is awake already."""
    return _send(directory, WAKE)


def hand_over_rebuild(directory: str | os.PathLike, lock) -> bool:
    """Have this host's indexer run the rebuild whose lock (rebuilding.try_lock) the caller
    holds and whose progress it wrote. The locked file goes along with the message (SCM_RIGHTS):
    the rebuild stays locked, with no moment where another could start or the page could read
    "interrupted", until the indexer's rebuild ends. True: the caller closes its copy of the
    file (without unlocking it); False: no indexer listens, the caller keeps the lock."""
    return _send(directory, REBUILD, lock.fileno(), blocking=True)


def _send(directory: str | os.PathLike, message: bytes, fd: int | None = None, blocking=False):
    path = os.environ.get("ESSAIM_INDEXER_SOCKET") or socket_path(directory)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            if fd is None:
                sock.setblocking(False)
                sock.sendto(message, path)
            else:
                sock.settimeout(5.0)
                sock.connect(path)
                socket.send_fds(sock, [message], [fd])
        return True
    except BlockingIOError:
        return True
    except OSError as error:
        if path not in _warned:  # once per process, not at every save
            _warned.add(path)
            log.warning(
                "No search indexer listens at %s (%s): saved pages wait in the index queue "
                "until it runs (`essaim serve` starts one; or `essaim search indexer`).",
                path,
                error,
            )
        return False


def run(app, stop: threading.Event, nice: int = 5) -> None:
    """Index this host's pages until `stop` is set: woken by datagrams, PostgreSQL notices
    and polling. Returns once the current batch is written."""
    from wiki.search.index import target_for
    from wiki.search.worker import _Worker

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
    from wiki.search import admin, rebuilding

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


def main() -> None:
    """`python -m wiki.search.indexer`: what the gunicorn master of `essaim serve` starts.

    Exits 0 when stopped (SIGTERM, SIGINT) and 1 on any failure, never 3 or 4: gunicorn's
    master reaps this child like a worker and stops the whole server on those two codes.
    """
    stop = threading.Event()

    def stopping(_signum, _frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    try:
        if os.environ.get("ESSAIM_LOG_FORMAT") == "json":  # as the workers log, from the start
            from logging.config import dictConfig

            from wiki.ops.logs import json_logging_config

            dictConfig(json_logging_config())
            for handler in logging.getLogger().handlers:
                handler.essaim_json = True
        else:
            logging.basicConfig(
                level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
            )
        from wiki import create_app

        app = create_app()
        run(app, stop)
    except BaseException:  # noqa: BLE001 (any failure: the master starts us again)
        log.exception("The search indexer stopped on an error; the server starts it again.")
        logging.shutdown()
        os._exit(1)
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()
