"""The map: GeoJSON of the experiences, commune fallback, filters, and a page that works without JS."""

from __future__ import annotations


def features_by_title(client, url="/map.json"):
    response = client.get(url)
    assert response.status_code == 200
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection"
    return {f["properties"]["title"]: f for f in collection["features"]}


def test_experience_with_coordinates_is_placed_where_it_says(client, make_experience):
    make_experience("Jardin partagé des Tilleuls", insee="59491", geo=(50.392, 3.489))

    feature = features_by_title(client)["Jardin partagé des Tilleuls"]

    assert feature["geometry"] == {"type": "Point", "coordinates": [3.489, 50.392]}
    assert feature["properties"]["located"] == "page"
    assert feature["properties"]["approximate"] is False
    assert feature["properties"]["url"] == "http://essaim.test/wiki/jardin-partage-des-tilleuls"


def test_experience_without_coordinates_falls_back_to_its_commune_and_says_so(
    client, make_experience
):
    make_experience("Tiers-lieu La Filature", territory="Lodève", insee="34142")

    feature = features_by_title(client)["Tiers-lieu La Filature"]

    lon, lat = feature["geometry"]["coordinates"]
    assert 43 < lat < 44 and 3 < lon < 4
    assert feature["properties"]["located"] == "commune"
    assert feature["properties"]["approximate"] is True
    assert feature["properties"]["commune"] == "Lodève"


def test_experience_with_no_place_at_all_is_listed_but_not_on_the_map(client, make_experience):
    make_experience("Monnaie locale en projet", territory="Pays d’Évian")

    assert "Monnaie locale en projet" not in features_by_title(client)
    html = client.get("/map").get_data(as_text=True)
    assert "Hors de la carte" in html and "Monnaie locale en projet" in html


def test_map_filters_by_theme_and_status(client, make_experience):
    make_experience("Cantine bio", insee="59491", themes=("alimentation",), status="terminé")
    make_experience("Jardin", insee="59491", themes=("alimentation",), status="en cours")
    make_experience("Covoiturage", insee="48061", themes=("mobilité",), status="en cours")

    assert set(features_by_title(client, "/map.json?theme=alimentation")) == {
        "Cantine bio",
        "Jardin",
    }
    assert set(features_by_title(client, "/map.json?theme=alimentation&status=en+cours")) == {
        "Jardin"
    }
    html = client.get("/map?status=terminé").get_data(as_text=True)
    assert "Cantine bio" in html and "Covoiturage" not in html
    assert 'data-geojson-url="/map.json?status=termin%C3%A9"' in html


def test_map_page_loads_leaflet_from_static_and_the_configured_tiles(client, app):
    app.config["MAP_TILE_URL"] = "https://tuiles.example.fr/{z}/{x}/{y}.png"

    response = client.get("/map")
    html = response.get_data(as_text=True)

    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet/leaflet.css" in html
    assert "/static/js/map.js" in html
    assert 'data-tile-url="https://tuiles.example.fr/{z}/{x}/{y}.png"' in html
    assert "<script>" not in html and "style=" not in html  # the CSP forbids inline code
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
