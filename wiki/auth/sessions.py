"""Server-side sessions: the cookie carries a random token, the database its hash.

Flask-Login keeps `User.get_id()` ("<user id>:<token>") in the session cookie and in the
remember-me cookie. A session is valid only while its row exists, has not expired and its
account is not blocked, so logging out, changing the password or being blocked cuts every
copy of an old cookie at its next request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, delete, select

from wiki.extensions import db
from wiki.models import User, UserSession, utcnow

SESSION_DAYS = 31
REMEMBER_DAYS = 365
# last_seen_at is a hint for the account page, not worth a write on every request.
TOUCH_EVERY = timedelta(minutes=10)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, remember: bool = False, user_agent: str = "") -> str:
    token = secrets.token_urlsafe(32)
    days = REMEMBER_DAYS if remember else SESSION_DAYS
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            remember=remember,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=days),
            user_agent=(user_agent or "")[:200],
        )
    )
    db.session.commit()
    user.session_token = token
    return token


# The session and its account in one query, built once (every request of a signed-in person).
_SESSION_AND_USER = (
    select(UserSession, User)
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def load_user(cookie_id: str) -> User | None:
    """Flask-Login's user loader: the account of a live session, or None (anonymous)."""
    user_id, _sep, token = (cookie_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    found = db.session.execute(_SESSION_AND_USER, {"token_hash": _hash(token)}).first()
    if found is None or found[0].user_id != int(user_id):
        return None
    row, user = found
    now = utcnow()
    if row.expires_at <= now:
        db.session.delete(row)
        db.session.commit()
        return None
    if user.is_blocked:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


def end(user: User) -> None:
    """Logout: this browser's session stops; a copy of its cookie is refused afterwards."""
    if user.session_token:
        db.session.execute(
            delete(UserSession).where(UserSession.token_hash == _hash(user.session_token))
        )
        db.session.commit()


def end_all(user: User, *, keep_current: bool = False) -> int:
    """Password change, block: every open session of the account stops."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_current and user.session_token:
        statement = statement.where(UserSession.token_hash != _hash(user.session_token))
    count = db.session.execute(statement).rowcount
    db.session.commit()
    return count


def end_one(user: User, session_id: int) -> bool:
    """Revoke one session (a remembered device) from the account page."""
    count = db.session.execute(
        delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    ).rowcount
    db.session.commit()
    return bool(count)


def open_sessions(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
            .order_by(UserSession.last_seen_at.desc())
        )
    )


def is_current(user: User, row: UserSession) -> bool:
    return bool(user.session_token) and row.token_hash == _hash(user.session_token)
