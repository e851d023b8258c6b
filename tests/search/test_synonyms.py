"""The synonyms list: its format, what it refuses (with the line number), its admin page."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token, log_in
from wiki.search import synonyms
from wiki.search.synonyms import VocabularyError, parse


@pytest.fixture(scope="module")
def shipped():
    return parse(synonyms.shipped_text())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PAT", "projet alimentaire territorial"),
        ("projets alimentaires territoriaux", "PAT"),
        ("ESS", "économie sociale et solidaire"),
        ("ZAN", "zéro artificialisation nette"),
        ("cantine", "restauration scolaire"),
        ("Restaurations scolaires", "cantines"),
        ("isolation thermique", "rénovation énergétique"),
        ("restauration collective", "cantine"),
        ("désert médical", "maison de santé"),
    ],
)
def test_the_shipped_list_links_the_field_s_synonyms(shipped, a, b):
    assert shipped.linked(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("habitat participatif", "habitat inclusif"),
        ("habitat inclusif", "habitat participatif"),
        ("budget vert", "budget participatif"),
        ("budget participatif", "budget vert"),
        ("covoiturage", "autopartage"),
        ("autopartage", "covoiturage"),
        ("inclusif", "participatif"),
        ("cantine", "restauration collective"),  # one way only
        ("maison de santé", "désert médical"),
        ("restauration", "cantine"),  # a restored wetland is no school canteen
    ],
)
def test_the_shipped_list_has_no_false_friends(shipped, a, b):
    assert not shipped.linked(a, b)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("cantine, restauration scolaire\n\nvélo, , bicyclette\n", 3, "empty term"),
        ("# commentaire\ncantine\n", 2, "at least two terms"),
        ("ZAN =>\n", 1, "at least one term after"),
        ("vélo, bicyclette => biclou\n", 1, "exactly one term before"),
        ("vélo => bicyclette => biclou\n", 1, "only one"),
        ("cantine, restauration scolaire\nrepas, cantine\n", 2, "already in the group of line 1"),
        ("le, la\n", 1, "no word that can be searched"),
        ("vélo => vélos\n", 1, "leads to itself"),
        ("vélo => bicyclette\nbicyclette => vélo\n", 2, "loop"),
        ("a1, b1\nb1 => c1\n\nc1 => a1\n", 4, "loop"),
        ("x" * 600 + ", y\n", 1, "too long"),
    ],
)
def test_a_faulty_list_is_refused_with_its_line_number(text, line, words):
    with pytest.raises(VocabularyError) as refused:
        parse(text)
    assert refused.value.line == line
    assert words in refused.value.message


def test_a_one_way_chain_without_loop_is_accepted():
    vocabulary = parse("énergies renouvelables => éolien, photovoltaïque\néolien => petit éolien\n")
    assert vocabulary.linked("énergies renouvelables", "éolien")
    assert not vocabulary.linked("éolien", "énergies renouvelables")
    assert not vocabulary.linked("énergies renouvelables", "petit éolien")  # one step only


def test_the_list_in_use_is_the_newest_saved_one(app, user):
    assert synonyms.current().linked("PAT", "projet alimentaire territorial")
    synonyms.save("biclou, vélo\n", user)
    assert synonyms.current().linked("biclou", "vélo")
    assert not synonyms.current().linked("PAT", "projet alimentaire territorial")


def test_a_refused_list_leaves_the_list_in_use(app, user):
    synonyms.save("biclou, vélo\n", user)
    with pytest.raises(VocabularyError):
        synonyms.save("vélo => bicyclette\nbicyclette => vélo\n", user)
    assert synonyms.current().linked("biclou", "vélo")


# -- the administrators' page ---------------------------------------------------------------------


def test_only_administrators_see_the_synonyms_page(client, user):
    assert client.get("/admin/search/synonyms").status_code == 302  # to the login page
    log_in(client)
    assert client.get("/admin/search/synonyms").status_code == 403


def test_an_administrator_edits_the_list_and_a_faulty_one_is_refused(client, make_user):
    make_user("alix", role="admin")
    log_in(client, "alix")
    page = client.get("/admin/search/synonyms").get_data(as_text=True)
    assert "PAT, projet alimentaire territorial" in page
    token = csrf_token(client, "/admin/search/synonyms")
    saved = client.post(
        "/admin/search/synonyms", data={"csrf_token": token, "text": "biclou, vélo\n"}
    )
    assert saved.status_code == 302
    assert synonyms.current().linked("biclou", "vélo")
    refused = client.post(
        "/admin/search/synonyms",
        data={"csrf_token": token, "text": "# essai\nbiclou, vélo\nvélo, bicyclette\n"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Line 3" in html and "already in the group of line 2" in html
    assert "vélo, bicyclette" in html  # the text typed is kept for correcting
    assert synonyms.current().linked("biclou", "vélo")
    assert not synonyms.current().linked("vélo", "bicyclette")
