"""What the probes and metrics report about the derived state: how far the search index lags."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wiki.models import IndexQueue
from wiki.search import changes


@dataclass(frozen=True)
class IndexState:
    queued: int  # pages waiting in the index queue (shared by the hosts)
    failing: int  # of which at least one attempt failed
    lag: int  # changes of the change log not yet applied to this host's search index
    behind: bool = False  # applied less than the pruned log lost: the index is being rebuilt


def index_state(session: Session, index_dir: str) -> IndexState:
    queued, failing = session.execute(
        select(
            func.count(IndexQueue.page_id),
            func.count(IndexQueue.page_id).filter(IndexQueue.attempts > 0),
        )
    ).one()
    return IndexState(
        queued=queued or 0,
        failing=failing or 0,
        lag=changes.lag(session, index_dir),
        behind=changes.behind(session, index_dir),
    )
