"""An account keeps selections under a name and reopens them in every tool."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token, log_in


@pytest.fixture
def corpus(make_experience):
    make_experience("Jardin de Raismes", insee="59491", themes=("alimentation",))
    make_experience("Jardin de Lodève", insee="34142", themes=("alimentation",))
    make_experience("Covoiturage de Florac", insee="48061", themes=("mobilité",))


def _keep(client, name, **selection):
    token = csrf_token(client, "/compare?theme=alimentation")
    return client.post(
        "/selections", data={"csrf_token": token, "name": name, **selection}, follow_redirects=True
    )


def test_a_selection_saved_from_compare_reopens_in_every_tool(logged_in, corpus):
    html = logged_in.get("/compare?theme=alimentation&region=32").get_data(as_text=True)
    assert 'action="/selections"' in html and 'name="region" value="32"' in html

    page = _keep(logged_in, "Jardins du Nord", theme="alimentation", region="32", couleur="x")

    html = page.get_data(as_text=True)
    assert "Sélection «\u00a0Jardins du Nord\u00a0» enregistrée." in html
    assert "Thème\u00a0: Alimentation · Région\u00a0: Hauts-de-France" in html
    links = dict(
        (text, href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', html.split("<h1>")[1])
    )
    assert links["Comparer"] == "/compare?theme=alimentation&region=32"
    assert links["Rechercher"] == "/search?themes=alimentation&region=32"
    compared = logged_in.get(links["Comparer"]).get_data(as_text=True)
    assert "Jardin de Raismes" in compared and "Jardin de Lodève" not in compared


def test_only_its_owner_sees_and_deletes_a_selection(logged_in, corpus, make_user):
    _keep(logged_in, "Mes jardins", slug=["jardin-de-raismes", "jardin-de-lodeve"])
    html = logged_in.get("/selections").get_data(as_text=True)
    forget = re.search(r'action="(/selections/\d+/delete)"', html).group(1)

    make_user("dominique")
    logged_in.post("/logout", data={"csrf_token": csrf_token(logged_in, "/selections")})
    log_in(logged_in, "dominique")
    assert "Mes jardins" not in logged_in.get("/selections").get_data(as_text=True)
    token = csrf_token(logged_in, "/selections")
    assert logged_in.post(forget, data={"csrf_token": token}).status_code == 404

    logged_in.post("/logout", data={"csrf_token": token})
    log_in(logged_in, "camille")
    token = csrf_token(logged_in, "/selections")
    done = logged_in.post(forget, data={"csrf_token": token}, follow_redirects=True)
    assert "Sélection supprimée." in done.get_data(as_text=True)
    assert "Mes jardins" not in done.get_data(as_text=True)


def test_an_empty_or_nameless_selection_is_refused_with_a_message(logged_in, corpus):
    nameless = _keep(logged_in, "  ", theme="alimentation").get_data(as_text=True)
    empty = _keep(logged_in, "Rien").get_data(as_text=True)

    assert "Donnez un nom à la sélection." in nameless
    assert "Choisissez des mots, des filtres ou des pages" in empty


def test_visitors_are_sent_to_log_in(client):
    assert client.get("/selections").status_code == 302
