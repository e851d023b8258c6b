"""Saves that take turns in one process before asking SQLite for its write lock."""

import threading
from contextlib import nullcontext

from wiki.extensions import db

_sqlite_writer = threading.Lock()


def writers_in_turn():
    """On SQLite, one save at a time per process before asking for the database's write lock.

    SQLite's lock is one for the whole database and its waiters are not served in order: with
    16 threads asking at once, some waited more than busy_timeout and failed. Taking turns in
    the process first leaves one waiter per process. PostgreSQL locks rows: nothing to do.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return _sqlite_writer
    return nullcontext()
