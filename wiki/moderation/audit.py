"""The audit log: who did what to whom, when and why. Rows are only ever added."""

from __future__ import annotations

import json

from sqlalchemy import select

from wiki.extensions import db
from wiki.models import AuditEntry, User


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    target_label: str = "",
    reason: str = "",
    **details,
) -> AuditEntry:
    """Add an entry to the caller's transaction: it is committed with the act it describes."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=(target_label or "")[:255],
        reason=reason or "",
        details=json.dumps(details, ensure_ascii=False, default=str) if details else "",
    )
    db.session.add(entry)
    return entry


def entries(
    *, action: str | None = None, target_type: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    return list(db.session.scalars(query.limit(limit)))
