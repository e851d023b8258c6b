"""Moderators' corrections of recurring groups: merge two groups, or split one, for good.

A choice pins each statement (by page, kind and normalised wording, which survive saves) to a
group code; the grouping then keeps pinned statements together and never joins two codes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from wiki.extensions import db
from wiki.knowledge.experiences import LEVER, OBSTACLE
from wiki.models import Statement, StatementGroupPin, User

MAX_STATEMENTS = 2000  # far above any real group; bounds what one form may ask


class GroupChoiceError(ValueError):
    """A merge or split that cannot be done; the message says why, for the moderator."""


def parse_ids(value: str | None) -> list[int]:
    """ "12,13, 14" -> [12, 13, 14]; anything else is refused with a clear message."""
    parts = [p.strip() for p in (value or "").split(",") if p.strip()]
    if len(parts) > MAX_STATEMENTS or not all(p.isdigit() and len(p) < 12 for p in parts):
        raise GroupChoiceError(_l("This group is not valid: reload the page and try again."))
    return [int(p) for p in parts]


def _statements(ids: Iterable[int]) -> list[Statement]:
    wanted = set(ids)
    found = list(db.session.scalars(select(Statement).where(Statement.id.in_(wanted))))
    if len(found) != len(wanted):
        raise GroupChoiceError(
            _l("These statements changed since the page was shown: reload it and try again.")
        )
    if len({s.kind for s in found}) > 1 or any(s.kind not in (LEVER, OBSTACLE) for s in found):
        raise GroupChoiceError(_l("Levers and obstacles cannot share a group."))
    return found


def _pin(statements: Iterable[Statement], code: str, user: User | None) -> None:
    done = set()
    for statement in statements:
        if (statement.kind, statement.page_id, statement.key) in done:
            continue  # a page that states the same thing twice: one choice for both
        done.add((statement.kind, statement.page_id, statement.key))
        db.session.execute(
            delete(StatementGroupPin).where(
                StatementGroupPin.kind == statement.kind,
                StatementGroupPin.page_id == statement.page_id,
                StatementGroupPin.key == statement.key,
            )
        )
        db.session.add(
            StatementGroupPin(
                kind=statement.kind,
                page_id=statement.page_id,
                key=statement.key,
                group_code=code,
                chosen_by=user.id if user else None,
            )
        )
    db.session.flush()


def merge(groups: list[list[int]], user: User | None = None) -> int:
    """One group of every statement of `groups` (each a list of statement ids); its size."""
    groups = [g for g in groups if g]
    if len(groups) < 2:
        raise GroupChoiceError(_l("Choose at least two groups to merge."))
    statements = _statements(i for g in groups for i in g)
    _pin(statements, uuid.uuid4().hex, user)
    db.session.commit()
    return len(statements)


def split(group: list[int], apart: list[int], user: User | None = None) -> None:
    """Set the statements `apart` in a group of their own, and keep the rest of `group` together."""
    if not set(apart) <= set(group):
        raise GroupChoiceError(_l("Only statements of this group can be set apart."))
    rest = [i for i in group if i not in set(apart)]
    if not apart or not rest:
        raise GroupChoiceError(
            _l(
                "Tick some statements of the group, but not all: "
                "a split cannot leave a group empty."
            )
        )
    statements = {s.id: s for s in _statements(group)}
    _pin([statements[i] for i in apart], uuid.uuid4().hex, user)
    _pin([statements[i] for i in rest], uuid.uuid4().hex, user)
    db.session.commit()
