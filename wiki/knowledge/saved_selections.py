"""Selections kept by an account under a name, to reopen in every tool."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from wiki.content.text import one_line
from wiki.extensions import db
from wiki.knowledge.selection import Selection
from wiki.models import SavedSelection, User

MAX_PER_ACCOUNT = 100
MAX_NAME = 120


class SavedSelectionError(ValueError):
    """A selection that cannot be kept; the message says why."""


def _arguments(query: str) -> MultiDict:
    return MultiDict(
        [(k, v) for k, values in parse_qs(query, keep_blank_values=False).items() for v in values]
    )


def selection_of(saved: SavedSelection) -> Selection:
    return Selection.from_args(_arguments(saved.query))


def save(user: User, name: str, arguments: MultiDict) -> SavedSelection:
    """Keep the selection these URL arguments describe (re-read, so only what it means is kept)."""
    name = one_line(name)[:MAX_NAME]
    if not name:
        raise SavedSelectionError(_l("Give the selection a name."))
    chosen = Selection.from_args(arguments)
    if chosen.empty:
        raise SavedSelectionError(_l("Choose words, filters or pages before saving a selection."))
    count = db.session.scalar(
        select(func.count(SavedSelection.id)).where(SavedSelection.user_id == user.id)
    )
    if count >= MAX_PER_ACCOUNT:
        raise SavedSelectionError(
            _l(
                "An account keeps at most %(max)s selections: delete one first.",
                max=MAX_PER_ACCOUNT,
            )
        )
    saved = SavedSelection(user_id=user.id, name=name, query=urlencode(chosen.args(), doseq=True))
    db.session.add(saved)
    db.session.commit()
    return saved


def of_user(user: User) -> list[SavedSelection]:
    return list(
        db.session.scalars(
            select(SavedSelection)
            .where(SavedSelection.user_id == user.id)
            .order_by(SavedSelection.created_at.desc(), SavedSelection.id.desc())
        )
    )


def forget(user: User, selection_id: int) -> bool:
    """Delete one of the user's selections; False when there was none of theirs."""
    done = db.session.execute(
        delete(SavedSelection).where(
            SavedSelection.id == selection_id, SavedSelection.user_id == user.id
        )
    )
    db.session.commit()
    return bool(done.rowcount)
