"""The knowledge views on the demo content, as a visitor of a fresh install sees them."""

from __future__ import annotations

import csv
import io


def test_demo_theme_page_lists_the_food_experiences(demo_client):
    html = demo_client.get("/themes/alimentation").get_data(as_text=True)

    assert "Cantine scolaire 100 % locale et bio à Raismes" in html
    assert "Jardin partagé des Tilleuls à Raismes" in html
    assert "Monnaie locale" not in html


def test_demo_raismes_gathers_its_experiences_and_its_territory_page(demo_client):
    by_code = demo_client.get("/territories/59491").get_data(as_text=True)
    by_name = demo_client.get("/territories/raismes").get_data(as_text=True)

    for html in (by_code, by_name):
        assert "Cantine scolaire 100 % locale et bio à Raismes" in html
        assert "Jardin partagé des Tilleuls à Raismes" in html
        assert 'href="/wiki/raismes"' in html


def test_demo_canteen_without_coordinates_is_placed_at_raismes(demo_client):
    features = demo_client.get("/map.json").get_json()["features"]

    cantine = next(f for f in features if f["properties"]["title"].startswith("Cantine scolaire"))
    assert cantine["properties"]["located"] == "commune"
    assert cantine["properties"]["commune"] == "Raismes"
    assert len(features) >= 10


def test_demo_csv_export_has_one_row_per_experience(demo_client):
    raw = demo_client.get("/compare.csv").get_data().decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(raw)))
    assert len(rows) == 12
    assert all(row["Leviers"] for row in rows)


def test_demo_links_show_in_backlinks_and_wanted_pages(demo_client):
    jardin = demo_client.get("/wiki/jardin-partage-des-tilleuls-a-raismes").get_data(as_text=True)
    wanted = demo_client.get("/special/wanted").get_data(as_text=True)

    assert (
        "Cantine scolaire 100 % locale et bio à Raismes"
        in jardin.split("Pages qui pointent ici")[1]
    )
    assert "achat de semences paysannes</a>" in wanted
