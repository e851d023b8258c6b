"""/api/v1/search: the site's search as JSON, facets and notices included."""

from __future__ import annotations

import pytest

from tests.search.conftest import experience


@pytest.fixture
def corpus(save):
    save(
        "Jardin partagé des Tilleuls",
        experience(
            "Jardin partagé des Tilleuls",
            themes=("alimentation", "solidarites"),
            scale="quartier",
            context="Un jardin au pied des immeubles, cultivé par les habitantes.",
            obstacles=["La méfiance du bailleur envers l’occupation de la pelouse."],
        ),
    )
    save(
        "Centrale solaire citoyenne",
        experience(
            "Centrale solaire citoyenne",
            territory="Parthenay",
            themes=("energie", "gouvernance"),
            status="terminé",
            setting="rural",
            context="Des énergies renouvelables financées par l'épargne des habitants.",
        ),
    )
    save(
        "Cantine bio de Parthenay",
        experience(
            "Cantine bio de Parthenay",
            territory="Parthenay",
            themes=("alimentation",),
            context="Des repas préparés avec les habitants et les maraîchers.",
        ),
    )


def test_word_without_its_accent_finds_the_page_written_with_it(api, corpus):
    found = api("/api/v1/search?q=energies").get_json()

    assert [hit["title"] for hit in found["hits"]] == ["Centrale solaire citoyenne"]
    hit = found["hits"][0]
    assert "énergies renouvelables" in hit["snippet"]
    assert "<mark" not in hit["snippet"]
    assert hit["url"] == "http://essaim.test/wiki/centrale-solaire-citoyenne"


def test_facet_filter_narrows_the_hits_and_the_facets_say_what_is_selected(api, corpus):
    found = api("/api/v1/search?q=habitants&theme=alimentation").get_json()

    assert {hit["title"] for hit in found["hits"]} == {
        "Jardin partagé des Tilleuls",
        "Cantine bio de Parthenay",
    }
    assert found["total"] == 2
    themes = {value["key"]: value for value in found["facets"]["themes"]}
    assert themes["alimentation"]["selected"] is True and themes["alimentation"]["count"] == 2
    assert themes["energie"]["count"] == 1 and themes["energie"]["selected"] is False


def test_search_by_section_tells_where_the_word_was_found(api, corpus):
    [hit] = api("/api/v1/search?q=verrou:bailleur").get_json()["hits"]

    assert hit["title"] == "Jardin partagé des Tilleuls"
    assert hit["matched_in"] == "obstacles"


def test_malformed_query_answers_200_with_a_notice(api, corpus):
    response = api('/api/v1/search?q=((verrou:"jardin AND OR')

    assert response.status_code == 200
    assert response.get_json()["notices"]


def test_misspelt_word_is_corrected_or_suggested_when_searched_as_typed(api, corpus):
    corrected = api("/api/v1/search?q=jardim").get_json()
    as_typed = api("/api/v1/search?q=jardim&exact=1").get_json()

    assert corrected["total"] == 1 and corrected["corrected"] == "jardin"
    assert as_typed["total"] == 0 and as_typed["corrected"] is None
    assert as_typed["did_you_mean"] == "jardin"


def test_search_results_are_sliced(api, corpus):
    first = api("/api/v1/search?q=habitants&per_page=2&sort=date").get_json()
    second = api(first["next"]).get_json()

    assert (first["total"], first["pages"]) == (3, 2)
    assert len(first["hits"]) == 2 and len(second["hits"]) == 1
    assert {h["slug"] for h in first["hits"] + second["hits"]} == {
        "jardin-partage-des-tilleuls",
        "centrale-solaire-citoyenne",
        "cantine-bio-de-parthenay",
    }
