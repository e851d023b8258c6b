"""/api/v1/pages: the list a researcher walks through, and one page with what it says."""

from __future__ import annotations

from datetime import datetime

from tests.search.conftest import experience
from wiki.pages.service import rename_page


def test_page_list_is_sliced_with_links_to_the_next_and_previous_slices(api, make_page):
    for title in ("Atelier vélo", "Bibliothèque d’objets", "Cantine bio", "Déchetterie", "École"):
        make_page(title=title, text=f"# {title}\n\nUne page.")

    first = api("/api/v1/pages?per_page=2").get_json()
    second = api(first["next"]).get_json()
    last = api(second["next"]).get_json()

    assert (first["total"], first["pages"], first["page"]) == (5, 3, 1)
    assert [p["title"] for p in first["items"]] == ["Atelier vélo", "Bibliothèque d’objets"]
    assert first["prev"] is None
    assert [p["title"] for p in second["items"]] == ["Cantine bio", "Déchetterie"]
    assert api(second["prev"]).get_json()["items"] == first["items"]
    assert [p["title"] for p in last["items"]] == ["École"]
    assert last["next"] is None


def test_page_list_keeps_its_filters_in_the_next_link(api, save):
    for n in range(3):
        save(f"Jardin {n}", experience(f"Jardin {n}", themes=("alimentation",)))

    first = api("/api/v1/pages?theme=alimentation&per_page=2").get_json()

    assert "theme=alimentation" in first["next"]
    assert api(first["next"]).get_json()["items"][0]["title"] == "Jardin 2"


def test_page_list_filters_by_type_theme_and_status(api, save, make_page):
    save(
        "Jardin partagé des Tilleuls",
        experience(
            "Jardin partagé des Tilleuls", themes=("alimentation", "solidarites"), status="en cours"
        ),
    )
    save(
        "Centrale solaire citoyenne",
        experience("Centrale solaire citoyenne", themes=("energie",), status="terminé"),
    )
    save("Cantine bio", experience("Cantine bio", themes=("alimentation",), status="terminé"))
    make_page(title="Guide de l’animateur", text="# Guide\n\nPour commencer.")

    def titles(query):
        return {p["title"] for p in api(f"/api/v1/pages?{query}").get_json()["items"]}

    assert titles("type=experience") == {
        "Jardin partagé des Tilleuls",
        "Centrale solaire citoyenne",
        "Cantine bio",
    }
    assert titles("theme=alimentation") == {"Jardin partagé des Tilleuls", "Cantine bio"}
    assert titles("theme=alimentation&status=terminé") == {"Cantine bio"}
    assert titles("type=guide") == set()
    assert titles("type=page") == {"Guide de l’animateur"}


def test_page_list_gives_each_page_its_metadata_and_addresses(api, save):
    page = save(
        "Jardin partagé des Tilleuls",
        experience(
            "Jardin partagé des Tilleuls",
            territory="Raismes",
            scale="quartier",
            setting="périurbain",
            themes=("alimentation", "solidarites"),
        ),
    ).page

    [item] = api("/api/v1/pages").get_json()["items"]

    assert item["slug"] == "jardin-partage-des-tilleuls"
    assert item["territory"] == "Raismes"
    assert (item["scale"], item["setting"], item["status"]) == (
        "quartier",
        "périurbain",
        "en cours",
    )
    assert item["themes"] == ["alimentation", "solidarites"]
    assert item["permalink"] == f"http://essaim.test/p/{page.id}"
    assert item["url"] == "http://essaim.test/wiki/jardin-partage-des-tilleuls"
    assert datetime.fromisoformat(item["updated_at"]).utcoffset().total_seconds() == 0


def test_page_gives_its_text_and_its_levers_obstacles_and_replication_hints(api, save):
    text = experience(
        "Jardin partagé des Tilleuls",
        levers=["Le soutien des élus dès la première réunion.", "Une association d’habitantes."],
        obstacles=["La méfiance du bailleur envers l’occupation de la pelouse."],
        replicate="Commencer petit : dix parcelles suffisent.",
    )
    revision = save("Jardin partagé des Tilleuls", text)

    page = api("/api/v1/pages/jardin-partage-des-tilleuls").get_json()

    assert page["text"] == text
    assert page["revision"]["id"] == revision.id
    assert page["revision"]["author"] == "camille"
    assert page["statements"] == {
        "levers": ["Le soutien des élus dès la première réunion.", "Une association d’habitantes."],
        "obstacles": ["La méfiance du bailleur envers l’occupation de la pelouse."],
        "replicate": ["Commencer petit : dix parcelles suffisent."],
    }


def test_page_lists_its_links_and_the_pages_linking_to_it(api, make_page):
    make_page(title="Cantine bio", text="# Cantine\n\nVoir aussi [[Jardin partagé des Tilleuls]].")
    make_page(
        title="Jardin partagé des Tilleuls",
        text="# Jardin\n\nInspiré de [[Cantine bio]] ; bientôt une [[Grainothèque]].",
    )

    page = api("/api/v1/pages/jardin-partage-des-tilleuls").get_json()

    assert [(link["slug"], link["exists"]) for link in page["links"]] == [
        ("cantine-bio", True),
        ("grainotheque", False),
    ]
    assert page["links"][0]["api_url"] == "http://essaim.test/api/v1/pages/cantine-bio"
    assert page["links"][1]["api_url"] is None
    assert [source["title"] for source in page["backlinks"]] == ["Cantine bio"]


def test_old_slug_of_a_renamed_page_answers_301_to_the_new_api_url(api, make_page, user):
    page = make_page(title="Jardin des Tilleuls")
    rename_page(page, "Jardin partagé des Tilleuls", user)

    response = api("/api/v1/pages/jardin-des-tilleuls")
    history = api("/api/v1/pages/jardin-des-tilleuls/revisions?per_page=5")

    assert response.status_code == 301
    assert response.headers["Location"] == "/api/v1/pages/jardin-partage-des-tilleuls"
    assert history.status_code == 301
    assert history.headers["Location"] == (
        "/api/v1/pages/jardin-partage-des-tilleuls/revisions?per_page=5"
    )
    followed = api(response.headers["Location"]).get_json()
    assert followed["title"] == "Jardin partagé des Tilleuls"


def test_link_to_the_old_title_of_a_renamed_page_leads_to_its_new_slug(api, make_page, user):
    rename_page(make_page(title="Jardin des Tilleuls"), "Jardin partagé des Tilleuls", user)
    make_page(title="Cantine bio", text="# Cantine\n\nVoir [[Jardin des Tilleuls]].")

    [link] = api("/api/v1/pages/cantine-bio").get_json()["links"]

    assert (link["title"], link["slug"], link["exists"]) == (
        "Jardin des Tilleuls",
        "jardin-partage-des-tilleuls",
        True,
    )


def test_unknown_page_is_a_404_in_json(api):
    response = api("/api/v1/pages/page-qui-n-existe-pas")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404
    assert "page-qui-n-existe-pas" in response.get_json()["error"]["message"]
