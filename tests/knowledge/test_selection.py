"""One selection (search words, facets, hand-picked pages) carried from search to compare,
its spreadsheets and the recurring levers, by its URL."""

from __future__ import annotations

import csv
import io
import re

import pytest


@pytest.fixture
def corpus(make_experience):
    make_experience(
        "Jardin partagé de Raismes", insee="59491", themes=("alimentation",),
        levers=("Le soutien des élus.",), obstacles=("Les délais administratifs.",),
    )  # fmt: skip
    make_experience(
        "Jardin partagé de Lodève", insee="34142", themes=("alimentation",),
        levers=("L’appui de la municipalité.",), obstacles=("Des délais administratifs.",),
    )  # fmt: skip
    make_experience(
        "Cantine bio de Nyons", insee="26220", themes=("alimentation",),
        levers=("Le soutien des élus de la commune.",), obstacles=("Le manque de producteurs.",),
    )  # fmt: skip


def test_search_results_lead_to_compare_and_recurring_levers_with_the_same_selection(
    client, corpus
):
    html = client.get("/search?q=jardin&themes=alimentation").get_data(as_text=True)

    compare = re.search(r'href="(/compare\?[^"]+)">Comparer ces expériences', html).group(1)
    recurring = re.search(r'href="(/invariants\?[^"]+)">Ce qui revient parmi elles', html)
    compared = client.get(compare.replace("&amp;", "&")).get_data(as_text=True)
    assert "2 expériences" in compared and "Cantine bio de Nyons" not in compared
    assert 'value="jardin"' in compared  # the words stay in the form

    groups = client.get(recurring.group(1).replace("&amp;", "&")).get_data(as_text=True)
    overall = groups.split('id="group-1"')[1]
    assert "délais · administratifs" in overall and "soutien · élus" in overall
    assert "Cantine bio de Nyons" not in overall
    assert "Parmi les expériences d’une sélection" in groups


def test_hand_picked_pages_make_a_shareable_selection(client, corpus):
    url = "/compare?slug=cantine-bio-de-nyons&slug=jardin-partage-de-lodeve"
    html = client.get(url).get_data(as_text=True)

    assert "2 expériences" in html and "Parmi 2 pages choisies." in html
    assert "Jardin partagé de Raismes" not in html
    assert "slug=cantine-bio-de-nyons&amp;slug=jardin-partage-de-lodeve" in html  # in its links
    raw = client.get(url.replace("/compare", "/compare.csv")).get_data().decode("utf-8-sig")
    assert sorted(r["Titre"] for r in csv.DictReader(io.StringIO(raw))) == [
        "Cantine bio de Nyons",
        "Jardin partagé de Lodève",
    ]
    levers = client.get(url.replace("/compare", "/invariants")).get_data(as_text=True)
    assert "soutien · élus" in levers.split('id="lever-1"')[1]


def test_a_selection_of_too_many_pages_is_refused_with_a_message(client, corpus):
    url = "/compare?" + "&".join(f"slug=page-{n}" for n in range(10_000))

    response = client.get(url)

    assert response.status_code == 400
    assert "au plus 500 pages choisies" in response.get_data(as_text=True)


def test_unknown_selection_arguments_are_ignored(client, corpus):
    response = client.get("/compare?couleur=bleu&theme=alimentation&q=")

    assert response.status_code == 200 and "3 expériences" in response.get_data(as_text=True)


def test_the_map_shows_the_same_selection(client, corpus):
    html = client.get("/map?q=jardin&theme=alimentation").get_data(as_text=True)
    geojson = client.get("/map.json?q=jardin&theme=alimentation").get_json()

    assert 'data-geojson-url="/map.json?theme=alimentation&amp;q=jardin"' in html
    assert '<input type="hidden" name="q" value="jardin">' in html
    titles = sorted(f["properties"]["title"] for f in geojson["features"])
    assert titles == ["Jardin partagé de Lodève", "Jardin partagé de Raismes"]


def test_search_results_let_a_researcher_pick_pages_to_compare(client, corpus):
    html = client.get("/search?q=alimentation").get_data(as_text=True)

    boxes = re.findall(
        r'<input type="checkbox" name="slug" value="([^"]+)" form="pick-form">', html
    )
    assert set(boxes) >= {"jardin-partage-de-raismes", "cantine-bio-de-nyons"}
    assert '<form id="pick-form" class="pick-form" method="get" action="/compare">' in html
    assert 'formaction="/invariants"' in html
