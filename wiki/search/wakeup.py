"""Waking this host's search indexer (indexer.py) up: a datagram on a Unix socket.

A web worker calls wake() after a commit that queued pages, and hands an administrator's
rebuild over with hand_over_rebuild(). Under `essaim serve` the socket is the gunicorn
master's (ESSAIM_INDEXER_SOCKET); `essaim search indexer` run by hand binds socket_path().
Standard library only: the web workers and the indexer both import it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import tempfile
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
    return _send(directory, REBUILD, lock.fileno())


def _send(directory: str | os.PathLike, message: bytes, fd: int | None = None) -> bool:
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
