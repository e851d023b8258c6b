"""What views need to guard an action: role checks, removed pages, and a CSRF-only form."""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
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


def is_moderator() -> bool:
    return current_user.is_authenticated and current_user.is_moderator


def refuse_if_removed(page) -> None:
    """A deleted page, or one whose only text is hidden, is gone for all but moderators."""
    if not page.public and not is_moderator():
        abort(410, _("This page was removed by the moderators."))


def require_confirmed_email() -> None:
    """With REQUIRE_EMAIL_CONFIRMATION, an account writes once its address is confirmed."""
    if not current_app.config["REQUIRE_EMAIL_CONFIRMATION"]:
        return
    if current_user.email_confirmed_at is None and not current_user.is_moderator:
        abort(
            403,
            _(
                "Confirm your e-mail address first: open the link we sent you (your account "
                "page can send it again)."
            ),
        )


def refuse_flagged() -> None:
    """Edits of an account under review go through the queue; renames and reverts cannot."""
    if current_user.flagged and not current_user.is_moderator:
        abort(403, _("Your edits are reviewed by a moderator for now: edit the page instead."))
