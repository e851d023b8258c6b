"""Territories above the commune: an intercommunality (EPCI), a department or a region as the
territory of an experience, with its own page, map centre, facets and neighbours."""

from __future__ import annotations

from tests.knowledge.conftest import experience_text
from tests.pages.test_editor import form_data, unescape
from wiki.content.metadata import parse_metadata

REDON_AGGLO = "243500741"  # CA Redon Agglomération (Ille-et-Vilaine, Bretagne)


def test_the_code_field_reads_every_scale_and_names_an_unknown_epci_kindly():
    epci, errors = parse_metadata({"insee": REDON_AGGLO, "territory": "Pays de Redon"})
    assert errors == [] and epci.insee is None
    assert (epci.place.level, epci.place.department, epci.place.region) == ("epci", "35", "53")
    cantal, errors = parse_metadata({"insee": 15, "scale": "département"})
    assert errors == [] and cantal.territory == "Cantal" and cantal.place.level == "department"
    region, errors = parse_metadata({"insee": "32", "scale": "région"})
    assert errors == [] and region.territory == "Hauts-de-France"
    gers, _ = parse_metadata({"insee": "32"})
    assert gers.territory == "Gers"  # without the scale "région", 32 is a department
    _, errors = parse_metadata({"insee": "200000000", "territory": "Pays imaginaire"})
    assert [e.field for e in errors] == ["insee"]
    assert "aucune intercommunalité" in errors[0].message and "9 chiffres" in errors[0].message


def test_an_epci_has_its_page_with_its_centre_and_the_experiences_of_its_communes(
    client, make_page
):
    make_page(
        title="Plan climat du Pays de Redon",
        text=experience_text(
            "Plan climat du Pays de Redon",
            territory="Pays de Redon",
            insee=REDON_AGGLO,
            scale="intercommunalité",
        ),
    )
    make_page(
        title="Jardin partagé à Redon",
        text=experience_text("Jardin partagé à Redon", territory="Redon", insee="35236"),
    )
    make_page(
        title="Monnaie locale bretonne",
        text=experience_text(
            "Monnaie locale bretonne", territory="Bretagne", insee="53", scale="région"
        ),
    )
    html = unescape(client.get(f"/territories/{REDON_AGGLO}").get_data(as_text=True))
    assert "<h1>Pays de Redon</h1>" in html and "CA Redon Agglomération" in html
    assert "Plan climat du Pays de Redon" in html
    assert "1 expérience dans ses communes" in html and "Jardin partagé à Redon" in html
    assert "Centre sur la carte" in html and "47.6" in html
    assert "Ille-et-Vilaine" in html and "Bretagne" in html
    assert "ou tout le département\u00a0: Ille-et-Vilaine" in html  # to follow, as a commune's
    assert "ou toute la région\u00a0: Bretagne" in html

    commune = unescape(client.get("/territories/35236").get_data(as_text=True))
    assert "Jardin partagé à Redon" in commune
    assert "À l’échelle de CA Redon Agglomération" in commune
    assert "Plan climat du Pays de Redon" in commune
    assert "À l’échelle de Bretagne" in commune and "Monnaie locale bretonne" in commune

    region = unescape(client.get("/territories/region-53").get_data(as_text=True))
    assert "Monnaie locale bretonne" in region and "2 expériences en son sein" in region


def test_department_and_region_facets_and_the_map_say_the_epci_not_a_town(client, make_page):
    make_page(
        title="Plan climat du Pays de Redon",
        text=experience_text(
            "Plan climat du Pays de Redon",
            territory="Pays de Redon",
            insee=REDON_AGGLO,
            scale="intercommunalité",
        ),
    )
    assert "Plan climat" in client.get("/compare?department=35").get_data(as_text=True)
    assert "Plan climat" in client.get("/compare?region=53").get_data(as_text=True)
    assert "Plan climat" not in client.get("/compare?department=44").get_data(as_text=True)
    assert "Plan climat" in client.get("/search?department=35").get_data(as_text=True)
    assert "Plan climat" not in client.get("/search?department=44").get_data(as_text=True)
    figures = unescape(client.get("/figures").get_data(as_text=True))
    assert "Bretagne" in figures and "Ille-et-Vilaine" not in figures
    feature = client.get("/map.json").get_json()["features"][0]
    assert feature["properties"]["located"] == "territory"
    assert feature["properties"]["territory_code"] == REDON_AGGLO
    lon, lat = feature["geometry"]["coordinates"]
    assert 47.5 < lat < 47.8 and -2.2 < lon < -1.9


def test_unknown_territory_codes_are_a_404_never_a_500(client):
    for key in ("200000000", "departement-00", "region-99", "departement-%00", "9" * 40):
        assert client.get(f"/territories/{key}").status_code == 404, key


def test_an_epci_code_that_does_not_exist_is_refused_kindly_in_the_form(logged_in, make_page):
    make_page(
        title="Plan climat du Pays de Redon",
        text=experience_text("Plan climat du Pays de Redon", territory="Pays de Redon"),
    )
    url = "/wiki/plan-climat-du-pays-de-redon/edit"
    response = logged_in.post(url, data=form_data(logged_in, url, insee="200000000"))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "ne correspond à aucune intercommunalité" in html and "200000000" in html
    response = logged_in.post(url, data=form_data(logged_in, url, insee=REDON_AGGLO))
    assert response.status_code == 302
