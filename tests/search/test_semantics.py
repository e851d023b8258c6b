"""Plain words as researchers type them: all words first, then most; corrections, synonyms,
places and section words; the query language keeps its meaning."""

from __future__ import annotations

import pytest

from tests.search.conftest import experience
from wiki.search import query


def page(title, *, insee=None, tags=(), **sections):
    text = experience(title, **sections)
    extra = [f'insee: "{insee}"'] if insee else []
    if tags:
        extra.append(f"tags: [{', '.join(tags)}]")
    return text.replace("type: experience", "\n".join(["type: experience", *extra]), 1)


@pytest.fixture
def pages(save):
    saved = {}

    def add(key, title, **options):
        saved[key] = save(title, page(title, **options)).page
        return saved[key]

    add(
        "cantine",
        "Cantine bio à Raismes",
        insee="59491",
        context="Les producteurs du territoire livrent la cuisine centrale en légumes bio.",
        levers=["Des élus convaincus."],
        obstacles=["Le code des marchés publics."],
    )
    add(
        "regie",
        "Régie agricole municipale",
        territory="Mouans-Sartoux",
        context="La restauration scolaire passe au bio grâce à une ferme communale.",
    )
    add(
        "solaire",
        "Centrale solaire citoyenne",
        insee="79202",
        territory="Parthenay",
        themes=("energie",),
        context="Des panneaux photovoltaïques sur les toits des écoles, financés par l'épargne.",
        obstacles=["Le raccordement au réseau a pris dix-huit mois."],
    )
    add(
        "reseau",
        "Réseau de chaleur",
        territory="Felletin",
        themes=("energie",),
        context="Le raccordement des maisons au réseau de chaleur s'est fait sans difficulté.",
        obstacles=["Le prix du bois."],
    )
    add(
        "pat",
        "Le PAT de l'Albigeois",
        territory="Albi",
        context="Le PAT fédère les communes autour des maraîchers.",
    )
    add(
        "morlaix",
        "Projet alimentaire territorial de Morlaix",
        territory="Morlaix",
        context="Un projet alimentaire territorial pour les collèges.",
    )
    add(
        "jardin",
        "Jardin partagé des Tilleuls",
        insee="59491",
        context="Un jardin partagé au pied des immeubles, avec le bailleur.",
    )
    add(
        "jardins",
        "Jardins familiaux",
        territory="Angers",
        context="Des jardins familiaux cultivés par les habitants du quartier.",
    )
    return saved


def titles(found):
    return [hit.title for hit in found.hits]


# -- all words first, then most of them ---------------------------------------------------------


def test_a_question_with_words_on_no_page_finds_the_pages_with_the_others(pages):
    found = query.search("comment monter une cantine bio avec les producteurs du coin")
    assert titles(found)[0] == "Cantine bio à Raismes"
    assert "coin" in found.missing and "monter" in found.missing
    assert found.corrected is None  # "coin" is a word, not a typo: left out, not replaced


def test_pages_with_every_word_come_before_those_with_most_of_them(pages):
    found = query.search("jardin partagé immeubles")
    assert titles(found)[0] == "Jardin partagé des Tilleuls"
    assert found.hits[0].missing == []
    later = {hit.title: hit.missing for hit in found.hits[1:]}
    assert later["Jardins familiaux"] == ["partagé", "immeubles"]
    assert found.complete == 1 and found.total > 1


def test_the_results_page_names_the_words_found_on_no_page(client, pages):
    html = client.get("/search?q=jardin+xylophone").get_data(as_text=True)
    assert "Found on no page:" in html and "xylophone" in html
    assert "Jardin partagé des Tilleuls" in html


# -- typos ---------------------------------------------------------------------------------------


def test_a_typo_is_corrected_at_once_and_the_results_say_so(client, pages):
    found = query.search("photvoltaiques")
    assert titles(found) == ["Centrale solaire citoyenne"]
    assert found.corrected == "photovoltaïques"  # as the page writes it
    html = client.get("/search?q=photvoltaiques").get_data(as_text=True)
    assert "Results for" in html and "Search instead for" in html
    assert "exact=1" in html and "Centrale solaire citoyenne" in html


def test_searching_the_word_as_typed_does_not_correct_it(client, pages):
    found = query.search("photvoltaiques", exact=True)
    assert found.total == 0 and found.corrected is None
    assert found.did_you_mean == "photovoltaiques"


def test_the_french_page_says_rechercher_plutot(client, app, pages):
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    html = client.get("/search?q=photvoltaiques").get_data(as_text=True)
    assert "Résultats pour" in html and "Rechercher plutôt" in html


# -- the query language keeps its meaning ---------------------------------------------------------


def test_a_phrase_is_required_as_a_phrase(pages):
    assert titles(query.search('"jardin partagé" habitants')) == ["Jardin partagé des Tilleuls"]


def test_an_excluded_word_excludes_even_beside_plain_words(pages):
    found = titles(query.search("jardin -bailleur"))
    assert "Jardins familiaux" in found and "Jardin partagé des Tilleuls" not in found


def test_or_and_prefixes_keep_their_meaning(pages):
    assert set(titles(query.search("PAT OR chaleur"))) >= {
        "Le PAT de l'Albigeois",
        "Réseau de chaleur",
    }
    assert titles(query.search("verrou:raccordement réseau")) == ["Centrale solaire citoyenne"]


# -- synonyms, places, sections ------------------------------------------------------------------


def test_a_synonym_finds_the_other_term_below_the_word_typed(pages):
    found = query.search("projet alimentaire territorial")
    assert titles(found)[:2] == [
        "Projet alimentaire territorial de Morlaix",
        "Le PAT de l'Albigeois",
    ]
    assert any("PAT" in notice for notice in found.notices)
    assert titles(query.search("PAT"))[:2] == [
        "Le PAT de l'Albigeois",
        "Projet alimentaire territorial de Morlaix",
    ]


def test_a_synonym_of_several_words_is_not_matched_by_one_of_them(pages):
    # "restauration scolaire" is a synonym of "cantine"; "restauration" alone is not.
    assert "Cantine bio à Raismes" in titles(query.search("restauration scolaire"))
    assert "Cantine bio à Raismes" not in titles(query.search("restauration"))


def test_a_department_name_finds_the_pages_of_that_department(pages):
    found = query.search("énergie Deux-Sèvres")
    assert titles(found)[0] == "Centrale solaire citoyenne"
    assert any("Deux-Sèvres" in notice for notice in found.notices)
    assert titles(query.search("cantine Hauts-de-France"))[0] == "Cantine bio à Raismes"


def test_a_department_that_is_also_a_common_word_needs_its_capital(pages):
    assert any("Nord" in n for n in query.search("jardin Nord").notices)
    assert not any("Nord" in n for n in query.search("jardin nord").notices)


def test_a_section_word_puts_first_the_pages_whose_section_holds_the_others(pages):
    found = query.search("freins raccordement")
    assert titles(found)[:2] == ["Centrale solaire citoyenne", "Réseau de chaleur"]
    assert any("freins" in notice for notice in found.notices)
    assert "freins" not in found.missing


# -- bad input -----------------------------------------------------------------------------------


def test_only_stop_words_shows_every_page_and_says_why(client, pages):
    found = query.search("comment le la les pourquoi")
    assert found.total == len(pages) and found.missing == []
    assert any("very common words" in notice for notice in found.notices)


def test_only_unknown_words_says_so_without_error(client, pages):
    response = client.get("/search?q=xqzwv+blorfkt")
    assert response.status_code == 200
    found = query.search("xqzwv blorfkt")
    assert found.total == 0 and found.missing == ["xqzwv", "blorfkt"]


def test_a_pasted_paragraph_of_300_words_is_answered(client, pages):
    paragraph = " ".join(
        ["La cantine de la commune sert des produits bio des producteurs locaux."] * 25
        + ["Le raccordement au réseau de chaleur a pris du temps, comme prévu."] * 12
    )
    assert len(paragraph.split()) >= 300
    response = client.get("/search", query_string={"q": paragraph})
    assert response.status_code == 200
    found = query.search(paragraph)
    assert titles(found)[0] == "Cantine bio à Raismes"
    assert any("first" in notice for notice in found.notices)  # the paste was cut


def test_the_api_answers_corrections_and_missing_words(client, pages):
    data = client.get("/api/v1/search?q=photvoltaiques+xylophone").get_json()
    assert data["corrected"] == "photovoltaïques xylophone"
    assert data["missing"] == ["xylophone"]
    assert data["hits"][0]["title"] == "Centrale solaire citoyenne"
    exact = client.get("/api/v1/search?q=photvoltaiques&exact=1").get_json()
    assert exact["corrected"] is None and exact["total"] == 0


# -- verbs as questions type them and pages write them --------------------------------------------


def test_a_question_with_an_infinitive_finds_the_page_that_conjugates_it(save):
    save(
        "Cantine du collège de Figeac",
        page(
            "Cantine du collège de Figeac",
            context="Les parents et le département financent la cantine ensemble.",
        ),
    )
    save(
        "Le financement des communes",
        page(
            "Le financement des communes",
            context="Les communes cherchent un financement pour leurs écoles.",
        ),
    )
    found = query.search("comment financer une cantine")
    assert titles(found)[0] == "Cantine du collège de Figeac"
    assert "financer" not in found.missing
    assert found.hits[0].missing == []  # the page holds every word, conjugated


def test_an_infinitive_does_not_find_unrelated_words_that_end_alike(save):
    # "parter" is no verb, but "part" + "ent" must never reach "parent".
    save("Les parents d'élèves", page("Les parents d'élèves", context="Des parents engagés."))
    assert query.search("parter").total == 0
    assert query.search("partager").total == 0
