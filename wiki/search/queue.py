"""The index queue: pages whose search document must be rewritten, written with upserts.

A save queues its page in its own transaction while the indexer deletes the rows it has done.
Reading the row and then updating it (as the ORM does) fails with StaleDataError when the
indexer deletes it in between (PostgreSQL, issue 17); one INSERT … ON CONFLICT DO UPDATE
cannot. The new `queued_at` tells the indexer that the page changed again after it read it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wiki.models import IndexQueue, utcnow


def enqueue(session: Session, page_ids: Iterable[int], touch: bool = True) -> None:
    """Queue these pages; `touch=False` leaves the rows already queued as they are."""
    rows = [{"page_id": page_id, "queued_at": utcnow(), "attempts": 0} for page_id in page_ids]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(IndexQueue).values(rows)
    if touch:
        statement = statement.on_conflict_do_update(
            index_elements=[IndexQueue.page_id],
            # A new revision gets a fresh start, even if an older one could not be indexed.
            set_={"queued_at": statement.excluded.queued_at, "attempts": 0, "last_error": None},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=[IndexQueue.page_id])
    session.execute(statement)
