"""The chrome's parts kept once per process (wiki.fragments) never show a reader what belongs to
another: their name, their role's menu, their language, their search, their path."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, log_in


def page_html(client, path="/wiki/jardin-partage-des-tilleuls") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def header(html: str) -> str:
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def test_each_signed_in_person_sees_their_own_name_and_role_menu(app, make_page, make_user):
    make_page()
    make_user("zoe.lefevre", role="moderator")
    make_user("dominique")
    camille, zoe, dominique = app.test_client(), app.test_client(), app.test_client()
    visitor = app.test_client()
    log_in(camille)
    log_in(zoe, "zoe.lefevre")
    log_in(dominique, "dominique")

    for _ in range(2):  # the second round reads the parts kept by the first
        mine = page_html(camille)
        theirs = page_html(zoe)
        anonymous = page_html(visitor)
        same_role = page_html(dominique)

        assert "Mon compte (camille)" in mine and "zoe.lefevre" not in header(mine)
        assert "Mon compte (zoe.lefevre)" in theirs and "camille" not in header(theirs)
        assert "Mon compte (dominique)" in same_role and "camille" not in header(same_role)
        assert ">Modération</a>" in theirs and ">Modération</a>" not in mine
        assert "Se connecter" in anonymous and "Mon compte" not in anonymous
        assert "Mes sélections" in mine and "Mes sélections" not in anonymous
        # Each signed-in page carries its reader's own token for the log-out form.
        assert re.search(r'action="/logout"', mine)


def test_the_log_in_link_brings_each_visitor_back_to_the_page_they_read(app, make_page):
    make_page()
    make_page(title="Ressourcerie de Brioude", text="# Ressourcerie\n\nDes objets.")
    visitor = app.test_client()
    first = page_html(visitor)
    second = page_html(visitor, "/wiki/ressourcerie-de-brioude")
    assert "next=/wiki/jardin-partage-des-tilleuls" in first
    assert "next=/wiki/ressourcerie-de-brioude" in second
    assert 'name="next" value="/wiki/ressourcerie-de-brioude"' in second


def test_switching_language_switches_the_chrome_and_the_page(app, make_page):
    make_page()
    french, english = app.test_client(), app.test_client()
    assert "Modifications récentes" in page_html(french)
    english.post(
        "/language",
        data={"lang": "en", "next": "/", "csrf_token": csrf_token(english, "/")},
    )
    in_english = page_html(english)
    assert "Recent changes" in in_english and "Skip to content" in in_english
    assert "Modifications récentes" not in in_english
    assert 'lang="fr">Français</button>' in in_english
    # The page's own texts too (translations kept per language: wiki.web._request_gettext).
    assert ">History</a>" in in_english and "Pages that link here" in in_english
    assert "Historique" not in in_english
    # The French reader, after the English one, still reads French.
    again = page_html(french)
    assert "Modifications récentes" in again and "Recent changes" not in again
    assert 'lang="en">English</button>' in again
    assert ">Historique</a>" in again and "Pages qui pointent ici" in again
    assert ">History</a>" not in again


def test_the_search_box_holds_a_readers_query_only_on_their_results(app, make_page):
    make_page()
    reader = app.test_client()
    page_html(reader)  # the empty search box is kept first
    results = page_html(reader, "/search?q=jardin+d%E2%80%99%C3%A9t%C3%A9")
    assert 'id="site-search" type="search" name="q" value="jardin d’été"' in results
    assert 'id="site-search" type="search" name="q" value=""' in page_html(reader)


def test_a_flash_message_is_shown_once_to_its_reader_only(app, make_page):
    page = make_page()
    reader, other = app.test_client(), app.test_client()
    page_html(other)
    token = csrf_token(reader, "/wiki/jardin-partage-des-tilleuls")
    reader.post("/basket", data={"csrf_token": token, "page_id": page.id, "action": "add"})
    with_flash = page_html(reader)
    assert 'class="flash flash-' in with_flash
    assert 'class="flash flash-' not in page_html(other)
    assert 'class="flash flash-' not in page_html(reader)
