"""What the probes and metrics report about the derived state: how far the search index lags."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wiki.models import IndexQueue


@dataclass(frozen=True)
class IndexState:
    queued: int  # pages waiting to be (re)written into this host's search index
    failing: int  # of which at least one attempt failed

    @property
    def lag(self) -> int:
        """Changes not yet in the search index."""
        return self.queued


def index_state(session: Session) -> IndexState:
    queued, failing = session.execute(
        select(
            func.count(IndexQueue.page_id),
            func.count(IndexQueue.page_id).filter(IndexQueue.attempts > 0),
        )
    ).one()
    return IndexState(queued=queued or 0, failing=failing or 0)
