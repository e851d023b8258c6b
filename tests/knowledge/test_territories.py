"""Territory pages by commune code or by name, and the commune autocomplete of the editor."""

from __future__ import annotations


def test_territory_by_commune_code_shows_official_name_department_and_experiences(
    client, make_experience
):
    make_experience("Jardin partagé des Tilleuls", territory="Raismes", insee="59491")
    make_experience("Cantine bio", territory="Raismes", insee="59491", status="terminé")
    make_experience("Réseau de chaleur", territory="Lodève", insee="34142")

    html = client.get("/territories/59491").get_data(as_text=True)

    assert "<h1>Raismes</h1>" in html
    assert "59491" in html
    assert ">Nord</a> (59)" in html and ">Hauts-de-France</a>" in html
    assert "Jardin partagé des Tilleuls" in html and "Cantine bio" in html
    assert "Réseau de chaleur" not in html


def test_territory_leads_to_the_experiences_of_its_region(client, make_experience):
    make_experience("Jardin partagé des Tilleuls", territory="Raismes", insee="59491")
    make_experience("Cantine d'Arras", territory="Arras", insee="62041")
    make_experience("Réseau de chaleur", territory="Lodève", insee="34142")

    html = client.get("/territories/59491").get_data(as_text=True)
    region = client.get("/search?region=32").get_data(as_text=True)

    assert 'href="/search?region=32"' in html
    assert "Cantine d&#39;Arras" in region and "Jardin partagé des Tilleuls" in region
    assert "Réseau de chaleur" not in region


def test_territory_by_slug_of_its_name(client, make_experience):
    make_experience("Budget participatif", territory="Saint-Brieuc", insee="22278")
    make_experience("Monnaie locale du Pays d’Évian", territory="Pays d’Évian")

    by_commune = client.get("/territories/saint-brieuc").get_data(as_text=True)
    by_free_name = client.get("/territories/pays-d-evian").get_data(as_text=True)

    assert "Budget participatif" in by_commune and "22" in by_commune
    assert "Monnaie locale du Pays d’Évian" in by_free_name


def test_territory_of_a_quarter_is_found_by_its_commune_name(client, make_experience):
    make_experience("Repair café", territory="Lyon, Croix-Rousse", insee="69123")

    html = client.get("/territories/lyon").get_data(as_text=True)

    assert "Repair café" in html


def test_commune_without_experiences_shows_its_name_and_an_empty_list(client):
    response = client.get("/territories/59491")

    assert response.status_code == 200
    assert "Aucune expérience de ce territoire pour l’instant." in response.get_data(as_text=True)


def test_unknown_commune_code_and_unknown_name_are_404_pages(client, make_experience):
    make_experience("Jardin", territory="Raismes", insee="59491")

    assert client.get("/territories/99999").status_code == 404
    assert client.get("/territories/nulle-part-sur-mer").status_code == 404


def test_territories_index_groups_pages_by_commune(client, make_experience):
    make_experience("Jardin", territory="Raismes", insee="59491")
    make_experience("Cantine", territory="Raismes", insee="59491")
    make_experience("Monnaie locale", territory="Pays d’Évian")

    html = client.get("/territories").get_data(as_text=True)

    assert 'href="/territories/59491"' in html and "2 expériences" in html
    assert 'href="/territories/pays-d-evian"' in html


def test_communes_autocomplete_ignores_accents_and_returns_coordinates(client):
    communes = client.get("/api/v1/communes?q=lodeve").get_json()

    assert communes[0]["name"] == "Lodève"
    assert communes[0]["code"] == "34142"
    assert communes[0]["department"] == "34"
    assert 43 < communes[0]["lat"] < 44 and 3 < communes[0]["lon"] < 4


def test_communes_autocomplete_by_code_prefix_returns_ten_at_most(client):
    communes = client.get("/api/v1/communes?q=59").get_json()

    assert len(communes) == 10
    assert all(c["code"].startswith("59") for c in communes)


def test_communes_autocomplete_with_empty_query_is_empty(client):
    assert client.get("/api/v1/communes?q=").get_json() == []
