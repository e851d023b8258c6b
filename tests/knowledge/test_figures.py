"""The figures page: counts drawn as SVG bars, each opening the experiences it counts."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def corpus(make_experience):
    make_experience(
        "Jardin de Raismes", insee="59491", themes=("alimentation",), status="en cours",
        started=2020, levers=("Le soutien des élus.",),
    )  # fmt: skip
    make_experience(
        "Cantine de Lille", insee="59350", themes=("alimentation", "santé"), status="terminé",
        started=2018, levers=("L’appui de la municipalité.",),
    )  # fmt: skip
    make_experience(
        "Autopartage de Florac", insee="48061", themes=("mobilité",), status="en cours",
        started=2020,
    )  # fmt: skip
    make_experience("Idée sans lieu", themes=("alimentation",), status="idée")


def _bars(html: str, chart: str) -> dict[str, tuple[str, str]]:
    """label -> (count, link) of one chart, read from its SVG links' accessible names."""
    figure = html.split(f'id="{chart}"')[1].split("</figure>")[0]
    return {
        label: (count, href.replace("&amp;", "&"))
        for href, label, count in re.findall(
            r'<a href="([^"]+)" aria-label="([^"]+?)\xa0: (\d+) expériences?">', figure
        )
    }


def test_figures_count_experiences_by_theme_region_status_and_year(client, corpus):
    html = client.get("/figures").get_data(as_text=True)

    assert "4 expériences dans le wiki." in html
    assert _bars(html, "by-theme")["Alimentation"] == ("3", "/compare?theme=alimentation")
    assert _bars(html, "by-region") == {
        "Hauts-de-France": ("2", "/compare?region=32"),
        "Occitanie": ("1", "/compare?region=76"),
    }
    assert "1 expérience n’a pas de code de commune, donc pas de région." in html
    assert _bars(html, "by-status")["en cours"] == ("2", "/compare?status=en+cours")
    assert _bars(html, "by-year") == {
        "2018": ("1", "/compare?started=2018"),
        "2020": ("2", "/compare?started=2020"),
    }
    assert "<svg" in html and "<title>Expériences par région</title>" in html


def test_each_bar_opens_the_experiences_it_counts(client, corpus):
    region = client.get("/compare?region=32").get_data(as_text=True)
    year = client.get("/compare?started=2020").get_data(as_text=True)

    assert "2 expériences" in region and "Autopartage de Florac" not in region
    assert "Jardin de Raismes" in year and "Autopartage de Florac" in year
    assert "Cantine de Lille" not in year


def test_most_cited_levers_are_shown_by_theme(client, corpus):
    html = client.get("/figures").get_data(as_text=True)

    table = html.split('id="recurring-title"')[1]
    food = table.split("Alimentation</a></th>")[1].split("</tr>")[0]
    assert "soutien · élus</a>" in food and "(2 expériences)" in food


def test_an_empty_wiki_has_figures_too(client):
    html = client.get("/figures").get_data(as_text=True)

    assert "0 expérience dans le wiki." in html and "Rien à compter pour l’instant." in html


@pytest.mark.parametrize(
    "args", ["started=abcd", "started=99999", "region=zz", "department=99999", "region=" + "9" * 60]
)
def test_unknown_selection_values_select_nothing_without_error(client, corpus, args):
    response = client.get(f"/compare?{args}")

    assert response.status_code == 200
    assert "Jardin de Raismes" not in response.get_data(as_text=True)
