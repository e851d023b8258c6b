"""Theme pages: the experiences of a theme and the levers and obstacles that recur in it."""

from __future__ import annotations


def test_themes_index_lists_every_theme_with_its_number_of_experiences(client, make_experience):
    make_experience("Cantine bio à Raismes", themes=("alimentation",), status="terminé")
    make_experience("Jardin partagé des Tilleuls", themes=("alimentation", "biodiversité"))

    html = client.get("/themes").get_data(as_text=True)

    assert '<a href="/themes/alimentation">Alimentation</a>' in html
    assert "2 expériences" in html
    assert '<a href="/themes/biodiversite">Biodiversité</a>' in html
    assert "1 expérience" in html
    assert '<a href="/themes/sante">Santé</a>' in html


def test_theme_page_lists_its_experiences_with_status_and_territory(client, make_experience):
    make_experience(
        "Cantine 100 % bio à Raismes",
        territory="Raismes",
        insee="59491",
        themes=("alimentation", "santé"),
        status="terminé",
    )
    make_experience("Réseau de chaleur de Lodève", themes=("énergie",), status="en cours")

    html = client.get("/themes/alimentation").get_data(as_text=True)

    assert "Cantine 100 % bio à Raismes" in html
    assert "terminé" in html
    assert 'href="/territories/59491"' in html
    assert "Réseau de chaleur de Lodève" not in html


def test_theme_page_shows_recurring_levers_with_their_count_and_pages(client, make_experience):
    make_experience(
        "Cantine bio à Raismes",
        themes=("alimentation",),
        levers=("Le soutien des élus", "Une cuisine centrale en régie."),
        obstacles=("Le code de la commande publique",),
    )
    make_experience(
        "Épicerie solidaire d’Angers",
        themes=("alimentation", "solidarités"),
        levers=("soutien des élus !", "Des bénévoles fidèles"),
        obstacles=("le code de la commande publique !",),
    )
    make_experience("AMAP de Nyons", themes=("alimentation",), levers=("Le soutien des élus",))
    make_experience("Covoiturage à Florac", themes=("mobilité",), levers=("Le soutien des élus",))

    html = client.get("/themes/alimentation").get_data(as_text=True)

    levers = html.split("Leviers qui reviennent")[1].split("Verrous qui reviennent")[0]
    assert "3 expériences" in levers  # Florac is in another theme
    assert "<strong>soutien · élus</strong>" in levers  # the shared concept words
    assert "<q>soutien des élus !</q>" in levers  # and each experience's own wording
    for title in ("Cantine bio à Raismes", "Épicerie solidaire d’Angers", "AMAP de Nyons"):
        assert title in levers
    assert "Covoiturage à Florac" not in levers
    assert "Une cuisine centrale en régie" not in levers  # said once: does not recur
    obstacles = html.split("Verrous qui reviennent")[1]
    assert "2 expériences" in obstacles and "commande publique" in obstacles


def test_unknown_theme_is_a_404_page(client):
    response = client.get("/themes/astronautique")

    assert response.status_code == 404
    assert "astronautique" in response.get_data(as_text=True)


def test_theme_typed_with_its_label_redirects_to_its_address(client):
    response = client.get("/themes/Énergie")

    assert response.status_code == 301
    assert response.headers["Location"].endswith("/themes/energie")
