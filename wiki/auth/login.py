"""Flask-Login's side of accounts: the user a session names, and where to log in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from wiki.auth.sessions import load_user  # a session the server can revoke


def configure(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to edit pages.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
