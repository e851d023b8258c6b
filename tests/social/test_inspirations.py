"""“Inspiré par”: the front matter names the experiences that inspired a page; each page shows
both directions, a loop is told kindly, and the map draws the links between territories."""

from __future__ import annotations

from tests.social.conftest import RAISMES
from wiki.pages.service import rename_page, save_page

LOOS = """---
type: experience
territory: Loos-en-Gohelle
insee: "62528"
themes: [alimentation]
inspire_par: [Jardin partagé des Tilleuls, Verger des Coteaux]
---
# Potagers de Loos

Nous avons repris l’idée des bacs de Raismes.
"""


def _html(client, slug):
    response = client.get(f"/wiki/{slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_inspired_by_and_has_inspired_are_shown_on_both_pages(client, people, jardin):
    loos = save_page(slug=None, title="Potagers de Loos", text=LOOS, author=people[1]).page
    html = _html(client, loos.slug)
    assert "Inspiré par\u00a0:" in html
    assert f'href="/wiki/{jardin.slug}">Jardin partagé des Tilleuls</a>' in html
    # A page not written yet is a link to create it.
    assert 'class="new" href="/wiki/verger-des-coteaux/edit?title=Verger+des+Coteaux"' in html
    assert "A inspiré\u00a0:" in _html(client, jardin.slug)
    assert 'href="/wiki/potagers-de-loos">Potagers de Loos</a>' in _html(client, jardin.slug)


def test_a_renamed_source_keeps_its_link(client, people, jardin):
    loos = save_page(slug=None, title="Potagers de Loos", text=LOOS, author=people[1]).page
    rename_page(jardin, "Jardin des Tilleuls de Raismes", people[0])
    html = _html(client, loos.slug)
    assert 'href="/wiki/jardin-des-tilleuls-de-raismes">Jardin des Tilleuls de Raismes</a>' in html
    assert "Potagers de Loos" in _html(client, "jardin-des-tilleuls-de-raismes")


def test_a_loop_of_inspirations_is_told_and_never_followed_for_ever(client, people, jardin):
    save_page(slug=None, title="Potagers de Loos", text=LOOS, author=people[1])
    looped = RAISMES.replace("status: en cours", "status: en cours\ninspire_par: Potagers de Loos")
    save_page(slug=jardin.slug, title=None, text=looped, author=people[1])
    html = _html(client, jardin.slug)
    assert "se sont inspirées en boucle\u00a0: Potagers de Loos → cette page" in html
    data = client.get("/map/inspirations.json").get_json()
    lines = [f for f in data["features"] if f["geometry"]["type"] == "LineString"]
    assert sorted(f["properties"]["title"] for f in lines) == [
        "Jardin partagé des Tilleuls → Potagers de Loos",
        "Potagers de Loos → Jardin partagé des Tilleuls",
    ]


def test_the_map_draws_a_line_from_the_source_territory_to_the_inspired_one(client, people, jardin):
    save_page(slug=None, title="Potagers de Loos", text=LOOS, author=people[1])
    data = client.get("/map/inspirations.json").get_json()
    (line,) = [f for f in data["features"] if f["geometry"]["type"] == "LineString"]
    (raismes_lon, raismes_lat), (loos_lon, loos_lat) = line["geometry"]["coordinates"]
    assert 50.3 < raismes_lat < 50.5 and 3.4 < raismes_lon < 3.6  # Raismes (59)
    assert 50.4 < loos_lat < 50.5 and 2.7 < loos_lon < 2.85  # Loos-en-Gohelle (62)
    assert len([f for f in data["features"] if f["geometry"]["type"] == "Point"]) == 2
    assert "Carte des inspirations" in client.get("/map/inspirations").get_data(as_text=True)


def test_odd_values_of_inspire_par_are_ignored_not_fatal(client, people):
    odd = LOOS.replace(
        "inspire_par: [Jardin partagé des Tilleuls, Verger des Coteaux]",
        "inspire_par: {a: 1}",
    )
    page = save_page(slug=None, title="Potagers de Loos", text=odd, author=people[1]).page
    assert "Inspiré par" not in _html(client, page.slug)


def test_the_editor_form_fills_inspire_par_one_title_per_line(logged_in, db):
    from tests.conftest import csrf_token

    url = "/wiki/potagers-de-loos/edit?title=Potagers de Loos"
    token = csrf_token(logged_in, url)
    html = logged_in.get(url).get_data(as_text=True)
    assert 'name="inspire_par"' in html and "Inspiré par" in html
    response = logged_in.post(
        "/wiki/potagers-de-loos/edit",
        data={
            "csrf_token": token,
            "title": "Potagers de Loos",
            "mode": "form",
            "type": "experience",
            "inspire_par": "Jardin partagé, des Tilleuls\r\nVerger des Coteaux\r\n",
            "body": "# Potagers de Loos\n\nDes bacs.\n",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    from wiki.pages.service import find_page

    text = find_page("potagers-de-loos").page.current.text
    from wiki.content.frontmatter import split

    meta, _body = split(text)
    assert list(meta["inspire_par"]) == ["Jardin partagé, des Tilleuls", "Verger des Coteaux"]
    # Opened again, the form shows the same titles, one per line.
    again = logged_in.get("/wiki/potagers-de-loos/edit").get_data(as_text=True)
    assert "Jardin partagé, des Tilleuls\nVerger des Coteaux</textarea>" in again
