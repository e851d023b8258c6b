"""/api/v1/compare (a selection side by side) and /api/v1/territories (every scale), each
answer checked against openapi.json by the `api` fixture."""

from __future__ import annotations

import pytest

from tests.knowledge.conftest import experience_text

REDON_AGGLO = "243500741"


@pytest.fixture
def corpus(save):
    for title, territory, code, scale, levers, obstacles in (
        ("Plan climat du Pays de Redon", "Pays de Redon", REDON_AGGLO, "intercommunalité",
         ["Un jury citoyen tiré au sort."], ["La lassitude des bénévoles."]),
        ("Jardin de Redon", "Redon", "35236", "commune", ["Le soutien des élus."], []),
        ("Jardin de Raismes", "Raismes", "59491", "commune", ["Le soutien des élus."],
         ["Les délais administratifs."]),
        ("Monnaie locale du Cantal", "Cantal", "15", "département", [], ["La convertibilité."]),
    ):  # fmt: skip
        text = experience_text(
            title,
            territory=territory,
            insee=code,
            scale=scale,
            themes=("gouvernance",),
            levers=tuple(levers),
            obstacles=tuple(obstacles),
        )
        save(title, text)


def test_compare_gives_each_experience_with_its_levers_and_obstacles(api, corpus):
    body = api("/api/v1/compare?department=35&per_page=1").get_json()
    assert body["total"] == 2 and body["selection"] == {"department": "35"}
    (row,) = body["items"]
    assert row["title"] == "Jardin de Redon" and row["levers"] == ["Le soutien des élus."]
    following = api(body["next"]).get_json()
    (plan,) = following["items"]
    assert plan["territory_scale"] == "epci" and plan["territory_code"] == REDON_AGGLO
    assert plan["obstacles"] == ["La lassitude des bénévoles."] and following["next"] is None
    picked = api("/api/v1/compare?slug=jardin-de-raismes&slug=monnaie-locale-du-cantal").get_json()
    assert [r["slug"] for r in picked["items"]] == ["jardin-de-raismes", "monnaie-locale-du-cantal"]
    assert api("/api/v1/compare?region=84").get_json()["items"][0]["department"] == "15"


def test_compare_refuses_unknown_filters_and_ten_thousand_pages_with_a_message(api, corpus):
    typo = api("/api/v1/compare?departement=35")
    assert typo.status_code == 400 and "departement" in typo.get_json()["error"]["message"]
    many = "&".join(f"slug=page-{n}" for n in range(10_000))
    response = api(f"/api/v1/compare?{many}")
    assert response.status_code == 400 and "500" in response.get_json()["error"]["message"]


def test_territories_at_every_scale_with_their_counts(api, corpus):
    body = api("/api/v1/territories?per_page=100").get_json()
    found = {(t["scale"], t["code"]): t for t in body["items"]}
    assert found[("epci", REDON_AGGLO)]["experiences"] == 1
    assert found[("epci", REDON_AGGLO)]["experiences_within"] == 1  # the garden of Redon
    assert found[("department", "35")]["experiences_within"] == 2
    assert found[("department", "15")]["experiences"] == 1
    assert found[("region", "53")]["experiences_within"] == 2
    assert found[("commune", "59491")]["epci"] == "200042190"
    assert [t["scale"] for t in body["items"]][:2] == ["region", "region"]
    communes = api("/api/v1/territories?scale=commune&all=true&per_page=2&page=3").get_json()
    assert communes["total"] > 34_000 and len(communes["items"]) == 2
    agglomerations = api("/api/v1/territories?kind=CA").get_json()
    assert [t["name"] for t in agglomerations["items"]] == [
        "CA de la Porte du Hainaut",  # Raismes's
        "CA Redon Agglomération",
    ]
    assert api("/api/v1/territories?scale=canton").status_code == 400
    assert api("/api/v1/territories?echelle=epci").status_code == 400


def test_one_territory_lists_its_experiences_and_an_unknown_code_is_a_404(api, corpus):
    epci = api(f"/api/v1/territories/{REDON_AGGLO}").get_json()
    assert epci["name"] == "CA Redon Agglomération" and epci["nature"] == "CA"
    assert {"code": "35236", "name": "Redon"} in epci["communes"]
    assert [p["title"] for p in epci["items"]] == ["Plan climat du Pays de Redon"]
    assert [p["title"] for p in epci["within"]] == ["Jardin de Redon"]
    assert 47.5 < epci["centre"]["lat"] < 47.8
    region = api("/api/v1/territories/region-53").get_json()
    assert region["name"] == "Bretagne" and len(region["within"]) == 2
    missing = api("/api/v1/territories/200000000")
    assert missing.status_code == 404 and "SIREN" in missing.get_json()["error"]["message"]


def test_an_unknown_epci_code_sent_to_the_write_api_is_a_kind_422(app, client, user):
    from tests.api.test_write import _call, _make_token
    from tests.conftest import log_in

    log_in(client)
    writer = _make_token(client, "write")
    text = experience_text("Pays imaginaire", territory="Pays imaginaire", insee="200000000")
    response = _call(
        app,
        client,
        "POST",
        "/api/v1/pages",
        writer,
        json={"title": "Pays imaginaire", "text": text},
    )
    assert response.status_code == 422
    assert "aucune intercommunalité" in str(response.get_json())


def test_the_api_root_lists_compare_and_territories(api):
    paths = {e["path"] for e in api("/api/v1/").get_json()["endpoints"]}
    assert {"/api/v1/compare", "/api/v1/territories", "/api/v1/territories/{key}"} <= paths


def test_the_editor_suggestions_offer_an_intercommunality_by_its_name(api):
    found = api("/api/v1/communes?q=redon").get_json()
    assert found[0] == {**found[0], "code": "35236", "name": "Redon"}
    epci = next(c for c in found if c["code"] == REDON_AGGLO)
    assert epci["name"] == "CA Redon Agglomération" and epci["lat"] is None
    assert all(len(c["code"]) == 5 for c in api("/api/v1/communes?q=re").get_json())


def test_pages_and_statements_carry_the_territory_code_at_its_scale(api, corpus):
    page = api("/api/v1/pages/plan-climat-du-pays-de-redon").get_json()
    assert (page["territory_scale"], page["territory_code"], page["insee"]) == (
        "epci",
        REDON_AGGLO,
        None,
    )
    said = api("/api/v1/statements?slug=plan-climat-du-pays-de-redon").get_json()["items"]
    assert {(s["territory_code"], s["region"]) for s in said} == {(REDON_AGGLO, "53")}
