"""Researchers filter experiences by region and department, derived from the INSEE code."""

from __future__ import annotations

import pytest

from wiki.search import query


def _experience(title, insee=None, territory="Quelque part"):
    code = f"insee: '{insee}'\n" if insee else ""
    return (
        f"---\ntype: experience\nterritory: {territory}\n{code}scale: commune\n"
        f"themes: [alimentation]\n---\n# {title}\n\n## Contexte\n\nUne cantine locale.\n"
    )


@pytest.fixture
def places(save):
    save("Cantine de Raismes", _experience("Cantine de Raismes", "59491", "Raismes"))
    save("Cantine de Mouans", _experience("Cantine de Mouans", "06084", "Mouans-Sartoux"))
    save("Cantine d'Ajaccio", _experience("Cantine d'Ajaccio", "2A004", "Ajaccio"))
    save("Cantine sans commune", _experience("Cantine sans commune"))


def titles(results):
    return sorted(hit.title for hit in results.hits)


def test_region_and_department_facets_name_the_places_with_counts(places):
    found = query.search("cantine")
    regions = {v.label: v.count for v in found.facets["region"]}
    departments = {v.label: v.count for v in found.facets["department"]}
    assert regions == {"Hauts-de-France": 1, "Provence-Alpes-Côte d'Azur": 1, "Corse": 1}
    assert departments == {"Nord": 1, "Alpes-Maritimes": 1, "Corse-du-Sud": 1}
    assert found.total == 4  # the page without a commune is found, just not in these facets


def test_filtering_by_region_or_department_code(places):
    assert titles(query.search("cantine", {"region": ["32"]})) == ["Cantine de Raismes"]
    assert titles(query.search("", {"department": ["2A"]})) == ["Cantine d'Ajaccio"]
    both = query.search("cantine", {"region": ["32", "94"]})
    assert titles(both) == ["Cantine d'Ajaccio", "Cantine de Raismes"]
    # The other facets are counted within the selection; the region facet is not narrowed.
    assert {v.label for v in both.facets["region"]} >= {"Hauts-de-France", "Corse"}
    assert {v.label for v in both.facets["department"]} == {"Nord", "Corse-du-Sud"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('region:"Hauts-de-France"', ["Cantine de Raismes"]),
        ("région:corse", ["Cantine d'Ajaccio"]),
        ("region:93", ["Cantine de Mouans"]),
        ("departement:nord cantine", ["Cantine de Raismes"]),
        ("département:2a", ["Cantine d'Ajaccio"]),
        ("region:occitanie", []),
    ],
)
def test_region_and_department_prefixes_take_names_or_codes(places, typed, expected):
    assert titles(query.search(typed)) == expected


def test_the_search_page_offers_the_region_facet(client, places):
    html = client.get("/search?q=cantine&region=32").get_data(as_text=True)
    assert "Region" in html and "Hauts-de-France" in html
    assert "Cantine de Raismes" in html and "Cantine de Mouans" not in html
