"""Text typed in the editor survives a save that never reached the server."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import register, save

pytestmark = pytest.mark.browser


def test_a_save_lost_on_the_way_is_offered_back_and_then_saved(page, live_server):
    base = live_server
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved text?"
    register(page, base, "Léa")
    page.goto(f"{base}/wiki/atelier-velo/edit?title=Atelier vélo")
    page.fill("#body", "# Atelier vélo\n\nUn atelier de réparation chaque samedi.\n")
    save(page)

    page.goto(f"{base}/wiki/atelier-velo/edit")
    assert page.locator("#draft-notice").is_hidden()
    page.fill("#body", page.input_value("#body") + "\nLes jeunes du quartier animent l’atelier.\n")

    # The server (or the connection) fails while saving: the browser gets no answer.
    def fail_the_save(route):
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route("**/wiki/atelier-velo/edit*", fail_the_save)
    page.click(".actions button.primary")
    page.wait_for_timeout(500)
    page.unroute("**/wiki/atelier-velo/edit*")

    page.goto(f"{base}/wiki/atelier-velo/edit")
    notice = page.locator("#draft-notice")
    notice.wait_for()
    assert "Les jeunes du quartier" not in page.input_value("#body")
    assert page.locator("#draft-time").inner_text()
    page.click("#draft-restore")
    assert notice.is_hidden()
    assert "Les jeunes du quartier animent l’atelier." in page.input_value("#body")
    save(page)
    assert "Les jeunes du quartier animent" in page.inner_text("main")

    # Saved: the draft is forgotten, the editor opens without the notice.
    page.goto(f"{base}/wiki/atelier-velo/edit")
    page.wait_for_load_state("load")
    assert page.locator("#draft-notice").is_hidden()


def test_discarding_a_draft_forgets_it(page, live_server):
    base = live_server
    page.on("dialog", lambda dialog: dialog.accept())
    register(page, base, "Noé")
    page.goto(f"{base}/wiki/compost/edit?title=Compost")
    page.fill("#body", "# Compost\n\nDes bacs au pied des immeubles.\n")
    page.wait_for_timeout(1200)  # the draft is kept a moment after typing stops
    page.goto(f"{base}/wiki/compost/edit?title=Compost")
    page.locator("#draft-notice").wait_for()
    page.click("#draft-discard")
    page.goto(f"{base}/wiki/compost/edit?title=Compost")
    page.wait_for_load_state("load")
    assert page.locator("#draft-notice").is_hidden()
