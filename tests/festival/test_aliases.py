"""Memorable short links: given by editors, never reused, look-alikes refused."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token, log_in
from tests.festival.conftest import PUBLIC, decode_png
from wiki.festival import aliases


def give(client, slug, alias):
    token = csrf_token(client, f"/wiki/{slug}/festival")
    return client.post(f"/wiki/{slug}/aliases", data={"alias": alias, "csrf_token": token})


def test_an_editor_gives_a_memorable_short_link_printed_on_everything(logged_in, short_page):
    client = logged_in
    response = give(client, short_page.slug, "Verger Saint-Julien")
    assert response.status_code == 302
    assert (
        client.get("/s/verger-saint-julien")
        .headers["Location"]
        .endswith(f"/wiki/{short_page.slug}")
    )
    assert client.get("/s/VERGER-SAINT-JULIEN").status_code == 302
    # The old random code keeps working.
    assert client.get(f"/s/{short_page.short_code}").status_code == 302
    png = client.get(f"/wiki/{short_page.slug}/qr.png").data
    assert decode_png(png) == [f"{PUBLIC}/s/verger-saint-julien"]
    kit = client.get(f"/wiki/{short_page.slug}/festival").get_data(as_text=True)
    assert f"{PUBLIC}/s/verger-saint-julien" in kit


def test_an_alias_is_never_given_twice(logged_in, short_page, make_page):
    other = make_page(title="Four à pain de Saint-Julien", text="# Four")
    assert give(logged_in, short_page.slug, "verger-saint-julien").status_code == 302
    response = give(logged_in, other.slug, "verger-saint-julien")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Verger partagé de Saint-Julien" in html and 'role="alert"' in html
    assert logged_in.get("/s/verger-saint-julien").headers["Location"].endswith(short_page.slug)


@pytest.mark.parametrize(
    "confusable",
    [
        "verger-saint-ju1ien",  # 1 for l
        "verger-sa1nt-julien",  # 1 for i
        "vergersaintjulien",  # hyphens only
        "verger-saint-julien-".rstrip("-").replace("r", "r", 1).replace("ver", "vеr"),  # Cyrillic е
    ],
)
def test_look_alikes_of_a_given_alias_are_refused(logged_in, short_page, make_page, confusable):
    other = make_page(title="Autre page", text="# Autre")
    assert give(logged_in, short_page.slug, "verger-saint-julien").status_code == 302
    response = give(logged_in, other.slug, confusable)
    assert response.status_code == 409, confusable
    assert logged_in.get(f"/wiki/{other.slug}/festival").status_code == 200
    assert aliases.aliases_of(other) == []


@pytest.mark.parametrize(
    "raw, message",
    [
        ("pаris", "not a Latin letter"),  # Cyrillic а
        ("ѕaint-julien", "not a Latin letter"),  # Cyrillic dze
        ("ab", "between 4 and 60"),
        ("x" * 70, "between 4 and 60"),
        ("!!!", "Use only the letters"),
        ("", "Use only the letters"),
    ],
)
def test_malformed_or_foreign_script_aliases_are_refused_clearly(app, raw, message):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            with pytest.raises(aliases.AliasError) as caught:
                aliases.clean(raw)
            assert message in str(caught.value.message)


def test_accents_and_case_are_folded_not_refused():
    assert aliases.clean("  Fête du Verger  ") == "fete-du-verger"


@pytest.mark.parametrize(
    ("code", "look_alike"),
    [("k7ha3e", "K7HA3E"), ("karnpq", "kampq"), ("vvex4t", "wex-4t"), ("b5s2hu", "85s-zhv")],
)
def test_an_alias_that_reads_as_an_existing_code_is_refused(
    app, logged_in, short_page, make_page, code, look_alike
):
    from wiki.extensions import db

    short_page.short_code = code  # "rn" reads "m" and "vv" "w": the alias is shorter
    db.session.commit()
    other = make_page(title="Autre page", text="# Autre")
    response = give(logged_in, other.slug, look_alike)
    assert response.status_code == 409
    assert "pourrait se lire comme un lien court existant" in response.get_data(as_text=True)


def test_new_short_codes_avoid_given_aliases(app, short_page, monkeypatch):
    from wiki.pages import service

    aliases.give(short_page, "abcdef")
    codes = iter(["abcdef", "abcdeg"])
    monkeypatch.setattr(service.secrets, "choice", lambda alphabet: next(chars))
    chars = iter("abcdef" + "abcdeg")
    assert service.new_short_code() == "abcdeg"
    assert next(codes) == "abcdef"


def test_giving_an_alias_needs_an_account(client, short_page, user):
    response = client.post(f"/wiki/{short_page.slug}/aliases", data={"alias": "verger"})
    assert response.status_code in (302, 400)
    assert aliases.aliases_of(short_page) == []
    log_in(client)
    html = client.get(f"/wiki/{short_page.slug}/festival").get_data(as_text=True)
    assert 'name="alias"' in html


def test_aliases_survive_a_rename(logged_in, short_page, user):
    from wiki.pages.service import rename_page

    give(logged_in, short_page.slug, "verger-saint-julien")
    rename_page(short_page, "Verger de Saint-Julien", user, "")
    response = logged_in.get("/s/verger-saint-julien")
    assert response.headers["Location"].endswith("/wiki/verger-de-saint-julien")
