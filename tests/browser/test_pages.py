"""A person creates, edits, compares and resolves a conflict on a page, in a real browser."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "un mot de passe solide"


def register(page, base, name):
    page.goto(f"{base}/register")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("form[action='/register'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def log_in(page, base, name):
    page.goto(f"{base}/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def save(page):
    with page.expect_navigation():
        page.click(".actions button.primary")


def test_create_edit_and_compare_a_page(page, live_server):
    base = live_server
    register(page, base, "Camille")
    page.goto(f"{base}/wiki/carnet-du-repair-cafe/edit?title=Carnet du repair café")
    page.fill("#title", "Carnet du repair café")
    page.fill("#body", "# Carnet du repair café\n\n## Leviers\n- Des bénévoles bricoleurs\n")
    page.fill("#comment", "première version")
    save(page)
    assert page.url.endswith("/wiki/carnet-du-repair-cafe")
    assert page.locator("h1").inner_text() == "Carnet du repair café"
    assert "Des bénévoles bricoleurs" in page.locator(".summary-box").inner_text()

    page.click("nav.page-actions >> text=Modifier")
    page.wait_for_url(re.compile(r"/edit$"))
    body = page.input_value("#body")
    page.fill("#body", body.replace("bricoleurs", "bricoleuses et bricoleurs"))
    # Preview uses the server's renderer before saving.
    page.click("#tab-preview")
    page.locator("#panel-preview li").first.wait_for()
    assert "bricoleuses" in page.locator("#panel-preview").inner_text()
    page.click("#tab-write")
    page.fill("#comment", "précision")
    save(page)
    assert "bricoleuses et bricoleurs" in page.locator(".content").inner_text()

    page.click("nav.page-actions >> text=Historique")
    rows = page.locator(".history-table tbody tr")
    assert rows.count() == 2
    assert "précision" in rows.first.inner_text()
    with page.expect_navigation():
        page.click(".compare-button")
    assert page.locator("table.diff mark").filter(has_text="bricoleuses").count() >= 1
    page.click("text=Côte à côte")
    page.wait_for_url(re.compile(r"view=split"))
    assert page.locator("table.diff.split ins mark").count() >= 1


def test_two_people_editing_the_same_lines_get_the_conflict_screen(browser, live_server):
    base = live_server
    camille = browser.new_context(locale="fr-FR").new_page()
    yanis = browser.new_context(locale="fr-FR").new_page()
    register(camille, base, "Camille")
    register(yanis, base, "Yanis")

    camille.goto(f"{base}/wiki/budget-du-frigo/edit?title=Budget du frigo")
    camille.fill("#title", "Budget du frigo")
    camille.fill("#body", "Le budget annuel est de 1 000 €.\n")
    save(camille)

    camille.goto(f"{base}/wiki/budget-du-frigo/edit")
    yanis.goto(f"{base}/wiki/budget-du-frigo/edit")
    yanis.fill("#body", "Le budget annuel est de 1 500 €.\n")
    save(yanis)
    camille.fill("#body", "Le budget annuel est de 2 000 €, subvention comprise.\n")
    save(camille)

    assert camille.locator("#mine").count() == 1  # the conflict screen
    assert "2 000 €, subvention comprise" in camille.input_value("#mine")
    assert "1 500 €" in camille.input_value("#theirs")
    resolved = "Le budget annuel est de 2 000 € (1 500 € hors subvention).\n"
    camille.fill("#text", resolved)
    with camille.expect_navigation():
        camille.click("form.editor button.primary")
    assert "hors subvention" in camille.locator(".content").inner_text()
    camille.context.close()
    yanis.context.close()


def test_page_reads_well_on_a_phone(phone_page, live_server):
    base = live_server
    register(phone_page, base, "Lou")
    phone_page.goto(f"{base}/wiki/une-page-mobile/edit?title=Une page mobile")
    phone_page.fill("#title", "Une page mobile")
    phone_page.fill(
        "#body", "# Une page mobile\n\n| Année | Repas |\n|---|---|\n| 2023 | 12 000 |\n"
    )
    save(phone_page)
    # Against the screen, not innerWidth: a phone widens its layout viewport to the content.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"] + 1
    phone_page.goto(f"{base}/wiki/une-page-mobile/print")
    assert phone_page.locator(".qr svg").count() == 1
