"""COG: the official list of French communes, looked up by code and searched by name."""

from wiki.content.cog import get_commune, search_communes


def test_raismes_and_loos_en_gohelle_are_found_by_code():
    raismes = get_commune("59491")
    assert (raismes.name, raismes.department) == ("Raismes", "59")
    assert get_commune("62528").name == "Loos-en-Gohelle"


def test_communes_have_centre_coordinates_near_their_town():
    raismes = get_commune("59491")
    assert abs(raismes.lat - 50.39) < 0.05
    assert abs(raismes.lon - 3.48) < 0.05


def test_corsican_codes_are_case_insensitive():
    assert get_commune("2a004").name == "Ajaccio"


def test_an_unknown_code_gives_none():
    assert get_commune("99999") is None
    assert get_commune("") is None


def test_search_ignores_accents_case_and_hyphens():
    assert search_communes("saint-etienne")[0].name == "Saint-Étienne"
    assert search_communes("SAINT ÉTIENNE")[0].code == "42218"


def test_search_offers_the_exact_name_then_the_largest_towns():
    names = [c.name for c in search_communes("loos", limit=5)]
    assert names[:2] == ["Loos", "Loos-en-Gohelle"]


def test_search_finds_a_name_without_its_article():
    assert search_communes("havre")[0].name == "Le Havre"


def test_search_by_code_prefix():
    found = search_communes("5949")
    assert found and all(c.code.startswith("5949") for c in found)
    assert "Raismes" in [c.name for c in search_communes("59491")]


def test_search_respects_the_limit_and_empty_queries():
    assert len(search_communes("saint", limit=3)) == 3
    assert search_communes("   ") == []
    assert search_communes("zzzz") == []
