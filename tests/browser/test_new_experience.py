"""A volunteer writes a new experience in a real browser, and finds it on its theme and the map."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.browser

LEVER = "L’appui d’un élu dès le départ, avec l’œil des habitants"


def register(page, base, name="Maëlle"):
    page.goto(f"{base}/register")
    page.fill("#username", name)
    page.fill("#password", "un mot de passe solide")
    page.fill("#confirm", "un mot de passe solide")
    page.click("form[action='/register'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def start_experience(page, base, title):
    page.click("a[href='/new']")
    page.fill("#title", title)
    page.click("form[action='/new'] button[type=submit]")
    page.wait_for_url(re.compile(r"/wiki/.+/edit"))


def save(page):
    with page.expect_navigation():
        page.click(".actions button.primary")


def test_new_experience_from_form_to_theme_page_and_map(page, live_server):
    base = live_server
    register(page, base)
    start_experience(page, base, "Jardin partagé de Raismes")

    # The guided template: its headings, with hints that readers will not see.
    body = page.input_value("#body")
    assert "## Leviers\n<!--" in body and "## Pour essaimer" in body

    # Commune suggestions come from the API while typing.
    page.fill("#territory", "Raism")
    page.locator("#territory-suggestions option").first.wait_for(state="attached")
    assert "Raismes (59491)" in page.locator("#territory-suggestions").inner_html()
    page.fill("#territory", "Raismes")
    page.fill("#insee", "59491")
    page.check("input[name=themes][value=alimentation]")
    page.select_option("#status", "en cours")
    page.select_option("#setting", "périurbain")
    page.fill("#lat", "50,398")  # the French decimal comma is understood
    page.fill("#lon", "3.486")
    page.fill("#body", body.replace("## Leviers\n", f"## Leviers\n- {LEVER}\n", 1))

    # The advanced mode shows the same content as YAML, written by the server.
    page.click("[data-mode=raw]")
    page.wait_for_selector("#mode-raw:not([hidden])")
    raw = page.input_value("#text")
    assert 'insee: "59491"' in raw and "themes: [alimentation]" in raw
    assert "geo: [50.398, 3.486]" in raw and LEVER in raw
    page.fill("#text", raw.replace("actors:\n", "actors: [habitants, élus]\n"))
    page.click("[data-mode=form]")
    page.wait_for_selector("#mode-form:not([hidden])")
    assert page.input_value("#actors") == "habitants, élus"

    save(page)
    assert page.url == f"{base}/wiki/jardin-partage-de-raismes"
    assert LEVER in page.inner_text(".summary-box")

    page.goto(f"{base}/themes/alimentation")
    assert "Jardin partagé de Raismes" in page.inner_text("main")

    response = page.request.get(f"{base}/map.json")
    assert response.ok
    titles = json.dumps(response.json(), ensure_ascii=False)
    assert "Jardin partagé de Raismes" in titles


def test_wrong_values_are_flagged_inline_and_nothing_typed_is_lost(page, live_server):
    base = live_server
    register(page, base, "Zoé")
    start_experience(page, base, "Cantine bio à Die")
    body = page.input_value("#body").replace("## Verrous\n", "## Verrous\n- Le coût du bio\n", 1)
    page.fill("#body", body)
    page.fill("#insee", "00000")
    page.press("#insee", "Tab")  # leaving the field checks it
    page.wait_for_selector("#insee[aria-invalid=true]")
    page.fill("#lat", "123")
    page.fill("#lon", "5.37")
    save(page)

    assert page.locator("#error-summary").is_visible()
    assert page.get_attribute("#insee", "aria-invalid") == "true"
    assert page.get_attribute("#lat", "aria-invalid") == "true"
    assert page.input_value("#insee") == "00000" and page.input_value("#lat") == "123"
    assert "- Le coût du bio" in page.input_value("#body")
    assert page.request.get(f"{base}/wiki/cantine-bio-a-die").status == 404

    # Malformed YAML typed in the raw text: the form waits until it is fixed.
    page.click("[data-mode=raw]")
    page.wait_for_selector("#mode-raw:not([hidden])")
    page.fill("#text", page.input_value("#text").replace("status: en cours", "status: [en"))
    page.click("[data-mode=form]")
    # The INSEE error shown before may still be there until the server has read the new text.
    page.locator("#mode-raw .error", has_text="Ligne").wait_for()
    assert page.locator("#mode-form").is_hidden()


def test_the_editor_works_on_a_phone(phone_page, live_server):
    page, base = phone_page, live_server
    register(page, base, "Noé")
    start_experience(page, base, "Vélo-école de Saint-Étienne")
    page.check("input[name=themes][value=mobilite]")
    page.fill("#insee", "42218")
    save(page)
    assert page.url.endswith("/wiki/velo-ecole-de-saint-etienne")
    assert "Vélo-école de Saint-Étienne" in page.inner_text("main")
