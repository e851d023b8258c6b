"""Browser fixtures: the app served on a free localhost port, and a Chromium page (Playwright)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app
from wiki.extensions import db as _db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(tmp_path, migrated_db):
    """The app on http://127.0.0.1:<free port>, on a fresh data dir with a migrated database.

    Yields the base URL; `live_server.app` is not needed by tests that act like a visitor.
    """
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    # SERVER_NAME would make Flask refuse requests for 127.0.0.1; CSRF stays on, as in production.
    app = make_app(tmp_path, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (own cookies), French first, failing fast rather than hanging."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(45_000)  # a loaded CI machine saves slower
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone_page(browser):
    """A small touch screen, to check that a flow also works on a phone."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(45_000)  # a loaded CI machine saves slower
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def demo_app(tmp_path, migrated_db):
    """The demo wiki, with a public address (what a festival's QR codes lead to)."""
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, SERVER_NAME=None, PUBLIC_URL="https://essaim.example.org")
    with app.app_context():
        from wiki.demo import load_demo

        load_demo()
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def demo_server(demo_app):
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
