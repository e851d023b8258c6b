"""An e-mail address in `contact:` reaches its owner through the form, never a harvester."""

from __future__ import annotations

import pytest

from tests.conftest import log_in

TEXT = """---
type: experience
territory: Loos-en-Gohelle
themes: [énergie]
status: en cours
contact: {address}
---
# Loos-en-Gohelle, ville pilote

## Contexte

Une cité minière en transition.

## Leviers

- Le fifty-fifty
"""
FIRST, SECOND = "mairie@loos.example.fr", "transition.ecologique@loos.example.fr"


@pytest.fixture
def page_with_contact(app, user):
    from wiki.pages.service import save_page

    first = save_page(
        slug=None, title="Loos-en-Gohelle", text=TEXT.format(address=FIRST), author=user
    )
    second = save_page(
        slug=first.page.slug,
        title="Loos-en-Gohelle",
        text=TEXT.format(address=SECOND),
        author=user,
        base_id=first.id,
    )
    return first.page, first.id, second.id


def leaks(html: str) -> list[str]:
    found = []
    for address in (FIRST, SECOND):
        local, domain = address.split("@")
        for written in (address, f"{local}&#64;{domain}", f"{local}&#x40;{domain}"):
            if written in html:
                found.append(written)
    return found


@pytest.mark.parametrize("who", ["anonymous", "contributor"])
def test_no_page_a_reader_opens_shows_the_contact_address(client, page_with_contact, who):
    page, first, second = page_with_contact
    if who == "contributor":
        log_in(client)
    slug = page.slug
    for url in (
        f"/wiki/{slug}",
        f"/wiki/{slug}/print",
        f"/wiki/{slug}/fiche",
        f"/wiki/{slug}/card",
        f"/wiki/{slug}/poster",
        f"/wiki/{slug}/festival",
        f"/wiki/{slug}/history",
        f"/wiki/{slug}/revisions/{first}",
        f"/wiki/{slug}/diff?from={first}&to={second}",
        f"/wiki/{slug}/diff?from={first}&to={second}&view=split",
        f"/wiki/{slug}/history.atom",
        f"/wiki/{slug}/contact",
        "/feeds/recent.atom",
        "/recent",
        "/search?q=loos",
        "/compare?theme=energie",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.get_data(as_text=True)) == [], url


def test_the_page_offers_the_contact_form_where_the_address_would_be(client, page_with_contact):
    page, _first, _second = page_with_contact
    html = client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    meta = html.split('class="page-meta"')[1].split("</aside>")[0]
    assert f'<a href="/wiki/{page.slug}/contact">Écrire aux porteurs</a>' in meta


def test_a_diff_shows_the_address_changed_but_masked(client, page_with_contact):
    page, first, second = page_with_contact
    html = client.get(f"/wiki/{page.slug}/diff?from={first}&to={second}").get_data(as_text=True)
    assert "<del>contact: <mark>m</mark>…@loos.example.fr</del>" in html
    assert "<ins>contact: <mark>t</mark>…@loos.example.fr</ins>" in html


def test_moderators_see_the_address_in_a_diff(client, page_with_contact, make_user):
    page, first, second = page_with_contact
    make_user("modeste", "un mot de passe de modo", role="moderator")
    log_in(client, "modeste", "un mot de passe de modo")
    html = client.get(f"/wiki/{page.slug}/diff?from={first}&to={second}").get_data(as_text=True)
    assert "<mark>mairie</mark>@loos.example.fr" in html
    assert "<mark>transition.ecologique</mark>@loos.example.fr" in html


def test_every_address_of_the_front_matter_is_masked_and_the_body_left_as_written():
    from wiki.content.addresses import masked

    text = "---\nx: " + "a" * 100_000 + "@" + "b" * 100_000 + "\n---\n# T\n"
    assert masked(text).startswith("---\nx: ")  # parts bounded: linear, not quadratic
    assert masked("---\ncontact: [a@b.fr, 'c.d@e.org']\n---\nx@y.fr") == (
        "---\ncontact: [a…@b.fr, 'c…@e.org']\n---\nx@y.fr"
    )


def test_the_api_masks_the_address_without_a_token_and_a_write_back_keeps_it(
    app, client, page_with_contact
):
    from tests.api.test_write import _call, _make_token

    page, first, second = page_with_contact
    anonymous = _call(app, client, "GET", f"/api/v1/pages/{page.slug}").get_json()
    assert SECOND not in anonymous["text"] and "contact: t…@loos.example.fr" in anonymous["text"]
    old = _call(app, client, "GET", f"/api/v1/revisions/{first}").get_json()
    assert FIRST not in old["text"] and "contact: m…@loos.example.fr" in old["text"]

    log_in(client)
    token = _make_token(client, "write")
    with_token = _call(app, client, "GET", f"/api/v1/pages/{page.slug}", token).get_json()
    assert f"contact: {SECOND}" in with_token["text"]
    # A script read the masked text, changes the body and sends it all back.
    text = anonymous["text"].replace("Le fifty-fifty", "Le fifty-fifty, depuis 2001")
    body = {"text": text, "base_revision": anonymous["revision"]["id"]}
    written = _call(app, client, "PUT", f"/api/v1/pages/{page.slug}", token, json=body)
    assert written.status_code == 200
    from wiki.pages import service

    saved = service.find_page(page.slug).page.current.text
    assert f"contact: {SECOND}" in saved and "depuis 2001" in saved


def test_a_masked_write_back_from_an_older_revision_merges_without_the_mask(
    app, client, page_with_contact
):
    from tests.api.test_write import _call, _make_token
    from wiki.pages import service

    page, first, _second = page_with_contact
    old = _call(app, client, "GET", f"/api/v1/revisions/{first}").get_json()  # masked m…@
    log_in(client)
    token = _make_token(client, "write")
    body = {
        "text": old["text"] + "\n## Pour essaimer\n\n- Commencer petit\n",
        "base_revision": first,
    }
    written = _call(app, client, "PUT", f"/api/v1/pages/{page.slug}", token, json=body)
    assert written.status_code == 200, written.get_json()
    saved = service.find_page(page.slug).page.current.text
    assert f"contact: {SECOND}" in saved and "…@" not in saved and "Commencer petit" in saved
