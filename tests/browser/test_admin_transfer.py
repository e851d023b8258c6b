"""An administrator imports a spreadsheet from a phone: preview, run, report, undo."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.test_pages import log_in, register

pytestmark = pytest.mark.browser

TABLE = Path(__file__).parent.parent / "data" / "spreadsheet" / "experiences-latin1.csv"


def test_a_spreadsheet_is_previewed_imported_and_undone_from_a_phone(
    phone_page, live_server, tmp_path
):
    page, base = phone_page, live_server
    register(page, base, "Admine")
    with sqlite3.connect(tmp_path / "essaim.db") as database:  # the live server's database
        database.execute("UPDATE users SET role = 'administrator' WHERE username = 'admine'")
    log_in(page, base, "Admine")

    page.goto(f"{base}/admin/transfer")
    page.select_option("#kind", "spreadsheet")
    page.set_input_files("#source", str(TABLE))
    with page.expect_navigation():
        page.click("#import button.primary")
    assert "Épicerie solidaire de Crest" in page.inner_text(".transfer-preview")
    assert page.locator(".transfer-preview tr.action-skip").count() == 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the preview page scrolls sideways on a phone"

    with page.expect_navigation():
        page.click("text=Lancer l’import")
    # The page follows the background import and reloads on its report.
    page.locator("#report-title").wait_for()
    assert "Cantine bio à Saillans" in page.inner_text("main")
    page.goto(f"{base}/wiki/epicerie-solidaire-de-crest")
    assert "Un local prêté par la mairie" in page.inner_text("main")

    page.goto(f"{base}/admin/transfer")
    with page.expect_navigation():
        page.click("#batches button")
    assert "pages supprimées" in page.inner_text(".flashes").replace("\xa0", " ")
    # Gone for readers (administrators and moderators still see removed pages).
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(f"{base}/wiki/epicerie-solidaire-de-crest")
    assert gone.value.code == 410


def test_the_transfer_and_account_pages_have_no_serious_accessibility_violations(
    browser, live_server, tmp_path
):
    from tests.browser.test_accessibility import AXE, violations

    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` fetches axe-core with npm")
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(10_000)
    page, base = context.new_page(), live_server
    register(page, base, "Admine")
    with sqlite3.connect(tmp_path / "essaim.db") as database:
        database.execute("UPDATE users SET role = 'administrator' WHERE username = 'admine'")
    page.goto(f"{base}/admin/transfer")
    assert violations(page) == [], "/admin/transfer"
    page.select_option("#kind", "spreadsheet")
    page.set_input_files("#source", str(TABLE))
    with page.expect_navigation():
        page.click("#import button.primary")
    assert violations(page) == [], "preview"
    page.goto(f"{base}/account/tokens")
    assert violations(page) == [], "/account/tokens"
    context.close()
