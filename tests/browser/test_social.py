"""Following, notifications and discussion, walked in Chromium: Camille follows a theme on a
computer, Dominique edits a page of that theme and writes in its discussion on a phone,
Camille sees the notifications in the header and answers in the thread."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.social.conftest import RAISMES
from wiki.extensions import db as _db

PASSWORD = "un mot de passe solide"


@pytest.fixture
def social_site(tmp_path, migrated_db):
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, SERVER_NAME=None)
    with app.app_context():
        from wiki.auth.service import create_user
        from wiki.pages.service import save_page

        create_user("camille", PASSWORD, display_name="Camille")
        create_user("dominique", PASSWORD, display_name="Dominique")
        save_page(slug=None, title="Jardin partagé des Tilleuls", text=RAISMES, author=None)
        _db.session.remove()
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


def _log_in(tab, base, name):
    tab.goto(f"{base}/login")
    tab.fill("#username", name)
    tab.fill("#password", PASSWORD)
    tab.click("form[action='/login'] button[type=submit]")
    tab.wait_for_url(f"{base}/")


@pytest.mark.browser
def test_follow_a_theme_see_the_notification_and_answer_in_the_discussion(
    social_site, page, phone_page, tmp_path
):
    base = social_site
    shots = Path(os.environ.get("ESSAIM_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    camille, dominique = page, phone_page

    # 1. Camille follows the theme "alimentation".
    _log_in(camille, base, "camille")
    camille.goto(f"{base}/themes/alimentation")
    with camille.expect_navigation():
        camille.click("button.follow-button")
    assert "Suivi ✓" in camille.locator("button.follow-button").inner_text()
    assert camille.locator(".notifications-link .counter").count() == 0

    # 2. Dominique, on a phone, edits a page of that theme.
    _log_in(dominique, base, "dominique")
    dominique.goto(f"{base}/wiki/jardin-partage-des-tilleuls/edit")
    body = dominique.input_value("#body")
    dominique.fill("#body", body + "\nUn atelier de semis chaque printemps.\n")
    with dominique.expect_navigation():
        dominique.click(".actions button.primary")
    assert "atelier de semis" in dominique.locator(".content").inner_text()

    # 3. Camille sees it in the header, then in the list, and opens it.
    camille.goto(f"{base}/")
    assert camille.locator(".notifications-link .counter").inner_text() == "1"
    camille.click(".notifications-link")
    item = camille.locator(".notification.unread").first
    assert "Dominique a modifié" in item.inner_text()
    assert "thème Alimentation" in item.inner_text()
    camille.screenshot(path=str(shots / "social-notifications-desktop.png"), full_page=True)
    with camille.expect_navigation():
        item.locator("a").click()
    assert "/diff" in camille.url
    assert camille.locator(".notifications-link .counter").count() == 0

    # 4. Dominique asks Camille in the discussion.
    dominique.goto(f"{base}/wiki/jardin-partage-des-tilleuls")
    with dominique.expect_navigation():
        dominique.click("nav.page-actions >> text=Discussion")
    dominique.fill("#message-text", "@camille, comment avez-vous trouvé les **graines** ?")
    with dominique.expect_navigation():
        dominique.click(".message-form button.primary")
    assert dominique.locator(".message strong").inner_text() == "graines"

    # 5. Camille is told of the mention and answers in the thread.
    camille.goto(f"{base}/notifications")
    mention = camille.locator(".notification.unread").first
    assert "vous a mentionné" in mention.inner_text()
    with camille.expect_navigation():
        mention.locator("a").click()
    assert "/discussion" in camille.url
    with camille.expect_navigation():
        camille.click(".message-actions >> text=Répondre")
    camille.fill("#reply-text", "Avec la grainothèque de la médiathèque, l’été dernier.")
    with camille.expect_navigation():
        camille.click("#reply-form button.primary")
    answer = camille.locator(".message.depth-1")
    assert "grainothèque" in answer.inner_text()
    assert re.search(r"Discussion\s*\(2\)", camille.locator("nav.page-actions").inner_text())
    camille.screenshot(path=str(shots / "social-discussion-desktop.png"), full_page=True)

    # 6. On the phone the thread reads well too, and the page tab counts the messages.
    dominique.goto(f"{base}/wiki/jardin-partage-des-tilleuls/discussion")
    # Camille answered her: the count shows next to the name, the menu scrolling sideways.
    assert dominique.locator(".phone-counter .counter").is_visible()
    assert dominique.locator(".phone-counter .counter").inner_text() == "1"
    assert "grainothèque" in dominique.locator(".message.depth-1").inner_text()
    width = dominique.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the discussion overflows the phone screen ({width}px)"
    dominique.screenshot(path=str(shots / "social-discussion-phone.png"), full_page=True)
