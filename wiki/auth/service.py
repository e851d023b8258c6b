"""Account rules: unique names, hashed passwords (scrypt through Werkzeug), roles."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from wiki.extensions import db
from wiki.models import User

ROLES = ("editor", "admin")
USERNAME = re.compile(r"^[\w.\-]{2,64}$", re.UNICODE)
MIN_PASSWORD = 10
# A fixed hash to compare against when the name is unknown, so timing does not reveal names.
_DUMMY_HASH = generate_password_hash("essaim-timing-guard")


class AccountError(Exception):
    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def create_user(
    username: str, password: str, email: str | None = None, role: str = "editor"
) -> User:
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise AccountError(
            _l("2 to 64 letters, digits, dots, dashes or underscores, no spaces."), "username"
        )
    if role not in ROLES:
        raise AccountError(_l("Unknown role: %(role)s", role=role), "role")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(
            _l("The password needs at least %(n)s characters.", n=MIN_PASSWORD), "password"
        )
    if find_user(username) is not None:
        raise AccountError(_l("This name is already taken."), "username")
    user = User(
        username=username,
        email=(email or None),
        password_hash=generate_password_hash(password),
        role=role,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = find_user((username or "").strip())
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user
