"""The researchers' routes: /api/v1/ itself, statements and recurring groups, with `next` links."""

from __future__ import annotations

import pytest

from tests.knowledge.conftest import experience_text


@pytest.fixture
def corpus(save):
    for title, insee, themes, levers, obstacles in (
        ("Jardin de Raismes", "59491", "alimentation", ["Le soutien des élus."],
         ["Les délais administratifs, très longs."]),
        ("Cantine de Bourg", "01053", "alimentation, santé", ["L’appui de la municipalité."],
         ["Des délais administratifs pour la régie."]),
        ("Autopartage de Florac", "48061", "mobilité", ["Le soutien des élus du village."],
         ["Volunteer fatigue: four people do everything."]),
    ):  # fmt: skip
        text = experience_text(
            title,
            insee=insee,
            themes=tuple(t.strip() for t in themes.split(",")),
            status="en cours",
            levers=tuple(levers),
            obstacles=tuple(obstacles),
        )
        save(title, text)


def test_the_api_root_lists_its_endpoints(api):
    root = api("/api/v1/").get_json()

    paths = {e["path"]: e for e in root["endpoints"]}
    assert {"/api/v1/statements", "/api/v1/recurrences", "/api/v1/pages/{slug}"} <= set(paths)
    assert paths["/api/v1/statements"]["url"] == "http://essaim.test/api/v1/statements"
    assert paths["/api/v1/pages/{slug}"]["url"] is None
    assert root["openapi"] == "http://essaim.test/api/v1/openapi.json"
    # Writes are listed too, each with its method (they need a token).
    operations = {(e["method"], e["path"]) for e in root["endpoints"]}
    assert {("POST", "/api/v1/pages"), ("PUT", "/api/v1/pages/{slug}")} <= operations


def test_statements_take_the_compare_filters_words_and_kind(api, corpus):
    food = api("/api/v1/statements?theme=alimentation&kind=obstacle").get_json()
    assert [s["text"] for s in food["items"]] == [
        "Des délais administratifs pour la régie.",
        "Les délais administratifs, très longs.",
    ]
    bourg = food["items"][0]
    assert bourg["insee"] == "01053" and bourg["region"] == "84"  # Ain: Auvergne-Rhône-Alpes
    assert bourg["themes"] == ["alimentation", "sante"]
    assert bourg["page"]["slug"] == "cantine-de-bourg"

    words = api("/api/v1/statements?q=Délais+ADMINISTRATIFS").get_json()
    assert words["total"] == 2
    assert api("/api/v1/statements?q=soutien&status=terminé").get_json()["total"] == 0


def test_statements_of_hand_picked_pages_follow_a_search(api, corpus):
    url = "/api/v1/statements?kind=lever&slug=jardin-de-raismes&slug=autopartage-de-florac"
    picked = api(url).get_json()

    assert [s["page"]["slug"] for s in picked["items"]] == [
        "autopartage-de-florac",
        "jardin-de-raismes",
    ]
    too_many = "&".join(f"slug=p{n}" for n in range(201))
    assert api(f"/api/v1/statements?{too_many}").status_code == 400


def test_statements_are_sliced_with_next_links_that_keep_the_filters(api, corpus):
    first = api("/api/v1/statements?kind=lever&per_page=2").get_json()

    assert first["total"] == 3 and first["pages"] == 2
    assert first["next"] == "http://essaim.test/api/v1/statements?kind=lever&per_page=2&page=2"
    second = api(first["next"]).get_json()
    assert len(second["items"]) == 1 and second["next"] is None


def test_recurrences_group_by_idea_with_every_sentence(api, corpus):
    levers = api("/api/v1/recurrences?kind=lever").get_json()

    group = levers["items"][0]
    assert group["label"] == ["soutien", "élus"]
    assert group["experiences"] == 3 and group["territories"] == 3 and group["regions"] == 3
    assert {s["text"] for s in group["statements"]} == {
        "Le soutien des élus.",
        "L’appui de la municipalité.",
        "Le soutien des élus du village.",
    }
    food = api("/api/v1/recurrences?kind=obstacle&theme=alimentation").get_json()
    assert [g["label"] for g in food["items"]] == [["délais", "administratifs"]]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/statements?kind=idea",
        "/api/v1/recurrences?kind=replicate",
        "/api/v1/recurrences?minimum=0",
        "/api/v1/statements?per_page=1000",
    ],
)
def test_bad_research_arguments_are_a_clear_400(api, url):
    response = api(url)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"]


def test_the_page_list_leads_to_each_experience_statements(api, corpus):
    pages = api("/api/v1/pages?type=experience&theme=mobilite").get_json()

    url = pages["items"][0]["statements_url"]
    assert url == "http://essaim.test/api/v1/statements?slug=autopartage-de-florac"
    texts = [s["text"] for s in api(url).get_json()["items"]]
    assert texts == [
        "Le soutien des élus du village.",
        "Volunteer fatigue: four people do everything.",
    ]
