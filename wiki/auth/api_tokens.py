"""Personal API tokens: made, listed and revoked by their owner; only a SHA-256 is stored.

A token is 32 random bytes (256 bits): a fast hash is enough to keep it safe at rest (there is
nothing to guess by brute force), and lets every API request find its token with one lookup.
"""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from wiki.extensions import db
from wiki.models import ApiToken, User, utcnow

PREFIX = "essaim_"
SCOPES = ("read", "write")
MAX_TOKENS = 20  # per account: enough for a few scripts, not a place to hoard secrets


class TokenError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """The new token's row and the token itself, which is never shown again."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise TokenError(_l("Give the token a name (what is it for?)."))
    if scope not in SCOPES:
        raise TokenError(_l("Choose what the token may do: read, or read and write."))
    if len(tokens_of(user, active_only=True)) >= MAX_TOKENS:
        raise TokenError(
            _l("You have %(count)s tokens already: revoke one first.", count=MAX_TOKENS)
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, scope=scope, prefix=secret[:12], digest=digest(secret)
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def tokens_of(user: User, active_only: bool = False) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    if active_only:
        query = query.where(ApiToken.revoked_at.is_(None))
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise TokenError(_l("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The live token for this secret, its last use noted; None if unknown or revoked."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token
