"""What views need to guard an action: role checks and a CSRF-only form."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


def _require_login() -> None:
    if not current_user.is_authenticated:
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))


def require_admin(message: str) -> None:
    """Send a visitor to the login page, and refuse anyone but an administrator with `message`."""
    _require_login()
    if not current_user.is_admin:
        abort(403, message)


def require_moderator(message: str) -> None:
    """Send a visitor to the login page, and refuse anyone below moderator with `message`."""
    _require_login()
    if not current_user.is_moderator:
        abort(403, message)
