"""Gunicorn settings file of `essaim serve` (read by the gunicorn master, not imported by wiki).

The master never imports the application: each worker does, so a HUP (systemctl reload) starts
workers running the code and settings on disk while the old ones finish their requests.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

# Imported here, once, before any worker is forked: imported inside child_exit (a SIGCHLD
# handler), a fork during the import left new workers with a half-built prometheus_client
# ("cannot import name 'Collector' from partially initialized module") after a HUP.
from prometheus_client import multiprocess

# The request log is the application's own in JSON mode (one object with duration and endpoint).
if os.environ.get("ESSAIM_LOG_FORMAT") == "json":
    from pythonjsonlogger.json import JsonFormatter  # noqa: F401  (fails early if missing)

    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        },
    }
    accesslog = None
else:
    accesslog = "-"


class Indexer:
    """The host's search indexer (`essaim search indexer`, wiki/search/indexer.py), a child of
    the master beside the
    workers, started again when it dies (with a growing delay if it keeps failing) and on a
    reload (HUP), so that it runs the new code too. Only with ESSAIM_SEARCH_INDEXING=process,
    which `essaim serve` sets unless told otherwise.

    The master reaps it with its workers (os.waitpid(-1)): Popen.poll() then reads 0, which is
    all the watcher needs; the indexer never exits with 3 or 4, the codes on which the master
    would stop the server.
    """

    def __init__(self):
        self.process = None
        self.stopping = threading.Event()
        self.failures = 0
        self.socket = None

    def start(self, server):
        if os.environ.get("ESSAIM_SEARCH_INDEXING") != "process":
            return
        # The wake-up socket is the master's, so that it outlives the indexer: a save made
        # while the indexer starts or restarts leaves its datagram waiting in it.
        self.directory = tempfile.mkdtemp(prefix="essaim-indexer-")
        path = os.path.join(self.directory, "wake.sock")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(path)
        os.environ["ESSAIM_INDEXER_SOCKET"] = path  # the workers forked next send to it
        self._spawn(server)
        threading.Thread(
            target=self._watch, args=(server,), name="indexer-watch", daemon=True
        ).start()

    def _spawn(self, server):
        fd = self.socket.fileno()
        self.process = subprocess.Popen(  # noqa: S603  (our interpreter, fixed arguments)
            [sys.executable, "-m", "wiki.cli", "search", "indexer"],
            pass_fds=[fd],
            env={**os.environ, "ESSAIM_INDEXER_FD": str(fd)},
        )
        self.started = time.monotonic()
        server.log.info("Search indexer started (pid %s)", self.process.pid)

    def _watch(self, server):
        while not self.stopping.wait(1.0):
            if self.process.poll() is None:
                continue
            # Quick deaths in a row (database unreachable…): wait longer each time, up to 60 s.
            self.failures = 0 if time.monotonic() - self.started > 60 else self.failures + 1
            delay = min(60.0, 2.0 ** (self.failures - 1)) if self.failures > 1 else 0.0
            server.log.warning("Search indexer exited; starting it again in %.0f s", delay)
            if self.stopping.wait(delay):
                return
            self._spawn(server)

    def restart(self, server):
        """A reload: the watcher starts the new code's indexer once this one has stopped."""
        if self.process is not None and self.process.poll() is None:
            self.started = time.monotonic() - 61  # a reload is not a failure
            self.process.terminate()

    def stop(self):
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.socket is not None:
            self.socket.close()
            shutil.rmtree(self.directory, ignore_errors=True)


def when_ready(server):
    # Kept on the master, not in this module: a reload (HUP) reads this file again.
    server.essaim_indexer = Indexer()
    server.essaim_indexer.start(server)


def on_reload(server):
    indexer = getattr(server, "essaim_indexer", None)
    if indexer is not None:
        indexer.restart(server)


def on_starting(server):
    """Samples of a previous run's workers would be summed with ours: start empty."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    """A dead worker's gauges leave the metrics (its counters and histograms are kept)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    indexer = getattr(server, "essaim_indexer", None)
    if indexer is not None:
        indexer.stop()
    if os.environ.get("ESSAIM_REMOVE_METRICS_DIR") == "1":
        shutil.rmtree(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""), ignore_errors=True)


# Gunicorn ≥ 25 opens a control socket in ~/.gunicorn by default: two instances on one machine
# (two sites, or the test suite) would fight over it, and systemd's HUP is all we need.
control_socket_disable = True
