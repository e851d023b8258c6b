"""Shared fixtures: every test gets a fresh data dir, a real SQLite file migrated by Alembic."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from wiki import create_app
from wiki.extensions import db as _db

# The `inbox` fixture: a real local SMTP server (tests/smtp.py).
pytest_plugins = ["tests.smtp"]

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "RATELIMIT_ENABLED": False,
    "SEARCH_INDEXING": "sync",
    "SERVER_NAME": "essaim.test",
    # Tests post forms at once: the minimum fill time is tested by the tests that set it.
    "SPAM_MIN_FILL_SECONDS": 0,
    # Nor do test accounts count as new: tests/moderation/test_review.py sets it back.
    "NEW_ACCOUNT_EDITS": 0,
    # Tests change a page and read another one at once: tests/pages/test_page_cache.py turns
    # the anonymous readers' page cache on.
    "PAGE_CACHE_SECONDS": 0,
}


def make_app(data_dir: Path, **overrides):
    config = {
        **BASE_CONFIG,
        "DATA_DIR": data_dir,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'essaim.db'}",
        "SEARCH_INDEX_DIR": str(data_dir / "search"),
        **overrides,
    }
    app = create_app(config)

    @app.before_request
    def _fresh_request_state():
        # Tests keep one app context open (to use the database between requests), and Flask
        # reuses it for each request: forget what a real request would not carry over.
        from flask import g
        from flask_babel import refresh

        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF's per-request cache of the session's token
        refresh()

    return app


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory) -> Path:
    """Run the Alembic migrations once on an empty file; each test copies the result."""
    data_dir = tmp_path_factory.mktemp("template")
    app = make_app(data_dir)
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return data_dir / "essaim.db"


@pytest.fixture
def app(tmp_path, migrated_db):
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    from wiki.auth.service import create_user

    def make(name="camille", password="un mot de passe solide", role="editor"):
        return create_user(name, password, role=role)

    return make


@pytest.fixture
def user(make_user):
    return make_user()


def csrf_token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def log_in(client, username="camille", password="un mot de passe solide"):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def logged_in(client, user):
    log_in(client)
    return client


@pytest.fixture
def make_page(app, user):
    from wiki.pages.service import save_page

    def make(title="Jardin partagé des Tilleuls", text="# Jardin\n\nUn jardin.", author=None):
        return save_page(slug=None, title=title, text=text, author=author or user).page

    return make
