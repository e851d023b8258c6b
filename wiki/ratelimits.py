"""Rate-limit counters in the application's database, so every worker and host counts together.

Flask-Limiter keeps its counters in a `limits` storage. The in-memory one counts per process:
with 4 gunicorn workers a 10-per-minute login limit let 38 of 60 guesses through (issue 9).
`limits` ships Redis, memcached, MongoDB and etcd storages but none on SQL, and no maintained
package adds one; this small storage uses the database Essaim already has (SQLite or
PostgreSQL), one upserted row per counter. It is the default (ESSAIM_RATELIMIT_STORAGE_URI =
`essaim-db://`); a deployment with Redis or memcached can point the setting at them instead.
"""

from __future__ import annotations

import random
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from wiki.models import RateLimit

TABLE = RateLimit.__table__


class DatabaseStorage(Storage):
    """Fixed-window counters (Flask-Limiter's default strategy) in the `rate_limits` table."""

    STORAGE_SCHEME = ["essaim-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @staticmethod
    def _engine():
        from wiki.extensions import db

        return db.engine  # the current application's: tests run many apps in one process

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter and return it; an expired window starts again."""
        now = time.time()
        engine = self._engine()
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        expired = TABLE.c.expires_at <= now
        statement = insert(TABLE).values(key=key, hits=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=[TABLE.c.key],
            set_={
                "hits": case((expired, amount), else_=TABLE.c.hits + amount),
                "expires_at": case((expired, now + expiry), else_=TABLE.c.expires_at),
            },
        ).returning(TABLE.c.hits)
        with engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
            if random.random() < 0.01:  # now and then, forget windows long over
                connection.execute(delete(TABLE).where(TABLE.c.expires_at < now - 3600))
        return hits

    def _row(self, key: str):
        with self._engine().connect() as connection:
            return connection.execute(
                select(TABLE.c.hits, TABLE.c.expires_at).where(
                    TABLE.c.key == key, TABLE.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.hits if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self._engine().begin() as connection:
            return connection.execute(delete(TABLE)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as connection:
            connection.execute(delete(TABLE).where(TABLE.c.key == key))
