"""Flask-Login's side of accounts: the user a session names, and where to log in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from wiki.extensions import db
from wiki.models import User


def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def configure(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to edit pages.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
