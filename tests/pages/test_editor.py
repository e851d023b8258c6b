"""The editor: metadata form ⇄ page text, inline errors, raw mode and templates of new pages."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import csrf_token
from wiki.content.sections import extract_sections
from wiki.models import Page, Revision
from wiki.pages import editor

THEMES = ["alimentation", "energie", "gouvernance", "economie-locale"]

RAISMES = """---
# Fiche relue par l’équipe d’Œuvre commune
type: experience
territory: Raismes
insee: "59491"   # code COG, entre guillemets
scale: commune
themes: [alimentation, gouvernance]
status: en cours
started: 2020
actors: [habitants, élus]
geo: [50.398, 3.486]
financeur: Région Hauts-de-France   # clé inconnue du formulaire
---
# Jardin partagé de Raismes

## Leviers
- L’appui d’un élu dès le départ
"""


def form_data(client, url, **changes):
    """What a browser would post back from the editor page, with some fields changed."""
    html = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
        "mode": "form",
        "comment": "",
    }
    for name in ("source", "base_revision", "title"):
        if f'name="{name}"' in html:
            data[name] = input_value(html, name)
    body = re.search(r'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', html, re.S)
    data["body"] = unescape(body.group(1))
    for name in ("territory", "insee", "tags", "started", "actors", "lat", "lon"):
        data[name] = input_value(html, name)
    for name in ("type", "scale", "setting", "status"):
        select_ = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S)[1]
        chosen = re.search(r'<option selected value="([^"]*)"', select_)
        data[name] = unescape(chosen[1]) if chosen else ""
    data["themes"] = re.findall(
        r'checked id="themes-\d+" name="themes" type="checkbox" value="([^"]+)"', html
    )
    data.update(changes)
    return data


def input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)[0]
    return unescape(re.search(r'value="([^"]*)"', tag)[1])


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def revision_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Revision))


# --- form ⇄ text, as a service ---------------------------------------------------------------


def test_text_becomes_form_fields_and_body():
    state = editor.fields_from_text(RAISMES, THEMES)
    assert state.errors == []
    assert state.fields["territory"] == "Raismes"
    assert state.fields["insee"] == "59491"
    assert state.fields["themes"] == ["alimentation", "gouvernance"]
    assert state.fields["actors"] == "habitants, élus"
    assert (state.fields["lat"], state.fields["lon"]) == ("50.398", "3.486")
    assert state.body.startswith("# Jardin partagé de Raismes")


def test_unchanged_form_gives_back_the_text_byte_for_byte():
    state = editor.fields_from_text(RAISMES, THEMES)
    assert editor.compose(RAISMES, state.fields, state.body, THEMES) == RAISMES


def test_changed_fields_keep_unknown_keys_comments_and_order():
    state = editor.fields_from_text(RAISMES, THEMES)
    fields = {**state.fields, "status": "terminé", "themes": ["alimentation", "energie"]}
    fields["actors"] = "habitants, élus, l’association Œuvre commune"
    text = editor.compose(RAISMES, fields, state.body + "- Un lieu prêté\n", THEMES)
    assert "# Fiche relue par l’équipe d’Œuvre commune" in text
    assert 'insee: "59491"   # code COG, entre guillemets' in text
    assert "financeur: Région Hauts-de-France   # clé inconnue du formulaire" in text
    assert "status: terminé" in text
    assert "themes: [alimentation, energie]" in text
    assert "actors: [habitants, élus, l’association Œuvre commune]" in text
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines() if ":" in line]
    assert keys.index("status") < keys.index("financeur")
    assert text.endswith("- Un lieu prêté\n")
    assert editor.fields_from_text(text, THEMES).fields["status"] == "terminé"


def test_emptied_field_removes_its_key_and_french_decimal_comma_is_read():
    state = editor.fields_from_text(RAISMES, THEMES)
    fields = {**state.fields, "started": "", "lat": "50,41", "lon": "3,49"}
    text = editor.compose(RAISMES, fields, state.body, THEMES)
    assert "started:" not in text
    assert "geo: [50.41, 3.49]" in text


def test_wrong_values_are_kept_as_typed_and_reported_on_their_field():
    state = editor.fields_from_text(RAISMES, THEMES)
    fields = {**state.fields, "started": "deux mille", "insee": "99999", "lat": "123"}
    fields["themes"] = ["alimentation", "jardinage"]
    text = editor.compose(RAISMES, fields, state.body, THEMES)
    errors = editor.form_errors(editor.validate(text, THEMES))
    assert set(errors) == {"started", "insee", "lat", "themes"}
    again = editor.fields_from_text(text, THEMES).fields
    assert again["started"] == "deux mille"
    assert again["insee"] == "99999"
    assert again["themes"] == ["alimentation", "jardinage"]


def test_malformed_yaml_gives_no_fields_and_a_line_number():
    state = editor.fields_from_text("---\nterritory: [Raismes\n---\n# Texte\n", THEMES)
    assert state.fields is None
    assert [e.field for e in state.errors] == ["front_matter"]
    assert "Ligne" in state.errors[0].message


# --- the editor page --------------------------------------------------------------------------


def test_editor_shows_the_metadata_form_beside_the_body(logged_in, make_page):
    make_page(title="Jardin partagé de Raismes", text=RAISMES)
    html = logged_in.get("/wiki/jardin-partage-de-raismes/edit").get_data(as_text=True)
    assert '<label for="insee">' in html
    assert input_value(html, "insee") == "59491"
    assert 'checked id="themes-0" name="themes" type="checkbox" value="alimentation"' in html
    assert '<textarea class="markdown" id="body"' in html or 'id="body"' in html
    assert "financeur" in html  # in the raw text, which the form keeps as its source


def test_saving_the_form_keeps_unknown_keys_and_comments(logged_in, make_page, db):
    make_page(title="Jardin partagé de Raismes", text=RAISMES)
    url = "/wiki/jardin-partage-de-raismes/edit"
    data = form_data(logged_in, url, status="terminé", comment="L’expérience est terminée")
    response = logged_in.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = db.session.scalar(select(Page).where(Page.slug == "jardin-partage-de-raismes"))
    assert "status: terminé" in page.current.text
    assert "themes: [alimentation, gouvernance]" in page.current.text
    assert "financeur: Région Hauts-de-France   # clé inconnue du formulaire" in page.current.text
    assert "# Fiche relue par l’équipe d’Œuvre commune" in page.current.text
    assert page.status == "terminé"


def test_invalid_values_are_shown_inline_with_everything_typed_and_nothing_saved(
    logged_in, make_page, db
):
    make_page(title="Jardin partagé de Raismes", text=RAISMES)
    before = revision_count(db)
    url = "/wiki/jardin-partage-de-raismes/edit"
    body = "# Jardin partagé de Raismes\n\n## Leviers\n- Une idée qu’on ne veut pas perdre\n"
    data = form_data(
        logged_in, url, insee="00000", lat="95", lon="3.486", started="l’an dernier", body=body
    )
    data["themes"] = ["alimentation", "jardinage"]
    response = logged_in.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert revision_count(db) == before
    insee_field = html[html.index('<label for="insee">') : html.index('id="insee-suggestions"')]
    assert 'aria-invalid="true"' in insee_field and "Code officiel" in insee_field
    coordinates = html[html.index('class="field coordinates') : html.index('id="body-hint"')]
    assert 'aria-invalid="true"' in coordinates and "Coordonnées" in coordinates
    started = html[html.index('<label for="started">') : html.index('<label for="actors">')]
    assert "Année de début" in started and "l’an dernier" in unescape(started)
    themes = html[html.index('id="themes"') : html.index('<label for="tags">')]
    assert "jardinage" in themes and "n’est pas un thème" in unescape(themes)
    assert "Une idée qu’on ne veut pas perdre" in unescape(html)
    assert '<a href="#insee">' in html  # the summary at the top leads to the field


def test_malformed_yaml_in_raw_mode_is_shown_next_to_the_text_and_kept(logged_in, make_page, db):
    make_page(title="Jardin partagé de Raismes", text=RAISMES)
    before = revision_count(db)
    url = "/wiki/jardin-partage-de-raismes/edit"
    broken = RAISMES.replace("status: en cours", "status: [en cours")
    data = form_data(logged_in, url, mode="raw", text=broken)
    response = logged_in.post(url, data=data)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert revision_count(db) == before
    raw = html[html.index('id="mode-raw"') :]
    assert "status: [en cours" in raw
    field = raw[: raw.index("</textarea>") + 400]
    assert 'aria-invalid="true"' in field and "Ligne 9 : syntaxe YAML invalide" in field


def test_switching_to_raw_mode_without_javascript_shows_the_composed_text(logged_in, make_page):
    make_page(title="Jardin partagé de Raismes", text=RAISMES)
    url = "/wiki/jardin-partage-de-raismes/edit"
    data = form_data(logged_in, url, status="idée", switch="raw")
    response = logged_in.post(url, data=data)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    raw = html[html.index('id="mode-raw"') :]
    assert "status: idée" in raw and "financeur: Région" in raw
    assert '<div id="mode-form" class="editor-columns" hidden>' in html


def test_sync_endpoint_converts_both_ways(logged_in, make_page):
    token = csrf_token(logged_in, "/wiki/nouvelle-page/edit")
    headers = {"X-CSRFToken": token}
    to_fields = logged_in.post("/editor/sync", json={"text": RAISMES}, headers=headers).get_json()
    assert to_fields["fields"]["territory"] == "Raismes" and to_fields["errors"] == []
    fields = {**to_fields["fields"], "started": "vingt"}
    to_text = logged_in.post(
        "/editor/sync",
        json={"source": RAISMES, "fields": fields, "body": to_fields["body"]},
        headers=headers,
    ).get_json()
    assert "started: vingt" in to_text["text"] and "financeur" in to_text["text"]
    assert [e["field"] for e in to_text["errors"]] == ["started"]
    broken = logged_in.post("/editor/sync", json={"text": "---\na: [b\n---\n"}, headers=headers)
    assert broken.get_json()["fields"] is None
    assert broken.get_json()["errors"][0]["field"] == "text"


def test_sync_endpoint_refuses_a_request_without_csrf_token(logged_in):
    response = logged_in.post("/editor/sync", json={"text": RAISMES})
    assert response.status_code == 400


# --- templates of new pages -------------------------------------------------------------------


def test_new_experience_starts_from_the_guided_template(logged_in):
    response = logged_in.get("/wiki/cantine-bio-a-die/edit?title=Cantine bio à Die&type=experience")
    html = unescape(response.get_data(as_text=True))
    body = html[html.index('id="body"') : html.index("</textarea>", html.index('id="body"'))]
    for heading in (
        "Contexte",
        "Ce qui a été fait",
        "Leviers",
        "Verrous",
        "Pour essaimer",
        "Contacts et ressources",
    ):
        assert f"## {heading}\n<!--" in body
    assert "# Cantine bio à Die" in body
    assert '<option selected value="experience">' in html


def test_template_hints_are_neither_levers_nor_shown_to_readers(logged_in, db):
    from wiki.content.templates import starting_text
    from wiki.pages.display import show

    text = starting_text("experience", "Cantine bio à Die")
    sections = extract_sections(text.split("---\n", 2)[2])
    assert sections.levers == [] and sections.obstacles == [] and sections.replicate == []
    assert "Ce qui a aidé" not in show(text).rendered.html


def test_territory_template_puts_the_title_in_the_front_matter(app):
    from wiki.content.templates import starting_text

    text = starting_text("territory", "Pays de Die : l’été")
    state = editor.fields_from_text(text, THEMES)
    assert state.fields["type"] == "territory"
    assert state.fields["territory"] == "Pays de Die : l’été"


def test_admin_edited_template_is_used_for_new_experiences(client, make_user, db):
    from tests.conftest import log_in

    make_user("ondine", "un mot de passe solide", role="admin")
    log_in(client, "ondine")
    url = "/wiki/modele-experience/edit"
    first = unescape(client.get(url).get_data(as_text=True))
    assert '<option selected value="template">' in first
    assert "This page is the template" in first or "modèle" in first.lower()
    data = form_data(client, url)
    data["body"] = "# {title}\n\n## Contexte\n<!-- Racontez l’œuvre commune. -->\n\n## Leviers\n"
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = db.session.scalar(select(Page).where(Page.slug == "modele-experience"))
    assert page.type == "template"
    html = unescape(
        client.get("/wiki/velo-ecole/edit?title=Vélo-école&type=experience").get_data(as_text=True)
    )
    assert "Racontez l’œuvre commune." in html
    assert "# Vélo-école" in html
    assert '<option selected value="experience">' in html
    assert "edit the template" in html or "/wiki/modele-experience/edit" in html


def test_only_admins_edit_the_templates(logged_in):
    assert logged_in.get("/wiki/modele-experience/edit").status_code == 403
