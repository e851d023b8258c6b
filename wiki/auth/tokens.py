"""Signed, expiring, single-use links sent by e-mail: password reset, address confirmation.

A reset link holds a fingerprint of the password hash it was made for: once the password
changes (by this link or otherwise), the link stops working. A confirmation link holds the
address it confirms: it stops working once that address is confirmed or changed.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from wiki.extensions import db
from wiki.models import User

RESET = "essaim.password-reset"
CONFIRM = "essaim.confirm-email"


class InvalidToken(Exception):
    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    return _serializer(RESET).dumps({"u": user.id, "p": _fingerprint(user)})


def _load(salt: str, token: str, max_age: float) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken(expired=True) from None
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidToken()
    return data


def user_for_reset(token: str) -> User:
    hours = float(current_app.config["PASSWORD_RESET_HOURS"])
    data = _load(RESET, token, hours * 3600)
    user = db.session.get(User, data["u"])
    if user is None or data.get("p") != _fingerprint(user):
        raise InvalidToken()  # used already, or the password changed since
    return user


def confirm_token(user: User) -> str:
    return _serializer(CONFIRM).dumps({"u": user.id, "e": user.email or ""})


def user_for_confirmation(token: str) -> User:
    data = _load(CONFIRM, token, 7 * 86400)
    user = db.session.get(User, data["u"])
    if user is None or not user.email or data.get("e") != user.email:
        raise InvalidToken()
    if user.email_confirmed_at is not None:
        raise InvalidToken()  # single use
    return user
