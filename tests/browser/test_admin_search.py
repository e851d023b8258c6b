"""An administrator rebuilds the search index from the web and watches it finish."""

from __future__ import annotations

import sqlite3

import pytest

from tests.browser.test_pages import log_in, register

pytestmark = pytest.mark.browser


def test_rebuild_from_the_admin_page_shows_its_progress_to_the_end(
    page, live_server, tmp_path, monkeypatch
):
    import time

    from wiki.search import index

    real_build = index._build

    def slow_build(*args, **kwargs):  # the server runs in this process: slow it down so that
        time.sleep(2)  # the page loads while the rebuild runs and its script must follow it
        return real_build(*args, **kwargs)

    monkeypatch.setattr(index, "_build", slow_build)
    base = live_server
    register(page, base, "Admine")
    with sqlite3.connect(tmp_path / "essaim.db") as database:  # the live server's database
        database.execute("UPDATE users SET role = 'administrator' WHERE username = 'admine'")
    for n in range(3):
        page.goto(f"{base}/wiki/atelier-{n}/edit?title=Atelier {n}")
        page.fill("#body", f"# Atelier {n}\n\nUn atelier de réparation de vélos numéro {n}.\n")
        with page.expect_navigation():
            page.click(".actions button.primary")
    log_in(page, base, "Admine")

    page.goto(f"{base}/admin/search")
    assert page.inner_text("#figure-pages") == "3"
    with page.expect_navigation():
        page.click("#rebuild-button")
    assert page.locator("#rebuild").get_attribute("data-state") == "running"
    # The page polls progress.json and shows the end without being reloaded.
    page.locator("#rebuild-figures", has_text="3 / 3").wait_for()
    page.locator("#rebuild-message", has_text="3").wait_for()
    assert page.locator("#figure-rebuild").inner_text() == page.locator(
        "#figure-rebuild"
    ).get_attribute("data-ended")
    assert page.request.get(f"{base}/search?q=velo").ok
    assert "Atelier 2" in page.request.get(f"{base}/search?q=velo").text()
