"""One-click unsubscribe links: signed, no login needed, recognised once used.

The link holds the account and the account's unsubscribe version; unsubscribing raises the
version, so the same link clicked again (or replayed) is answered "already done" and an
altered link is refused, both kindly.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from wiki.extensions import db
from wiki.models import User
from wiki.social.follows import settings_for

SALT = "essaim.unsubscribe"


class InvalidLink(Exception):
    pass


class AlreadyDone(Exception):
    def __init__(self, user: User):
        super().__init__("already unsubscribed")
        self.user = user


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(user: User) -> str:
    return _serializer().dumps({"u": user.id, "v": settings_for(user).unsubscribe_version})


def user_for(token: str) -> User:
    """The account of a valid, unused link; AlreadyDone or InvalidLink otherwise."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise InvalidLink() from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidLink()
    user = db.session.get(User, data["u"])
    if user is None:
        raise InvalidLink()
    if data.get("v") != settings_for(user).unsubscribe_version:
        raise AlreadyDone(user)
    return user


def unsubscribe(user: User) -> None:
    """No more e-mail for this account (notifications stay in the site)."""
    settings = settings_for(user)
    settings.mail_mode = "off"
    settings.unsubscribe_version = (settings.unsubscribe_version or 0) + 1
    db.session.merge(settings)
    db.session.commit()
