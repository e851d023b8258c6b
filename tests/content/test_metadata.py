"""Metadata: lenient reading of the front matter, and French errors for what is wrong."""

import datetime

import pytest

from wiki.content.metadata import DEFAULT_THEMES, Metadata, parse_metadata


def errors_by_field(meta, **kwargs):
    return {e.field: e.message for e in parse_metadata(meta, **kwargs)[1]}


def test_a_well_formed_experience_is_read_without_errors():
    meta, errors = parse_metadata(
        {
            "type": "experience",
            "territory": "Raismes",
            "insee": "59491",
            "scale": "commune",
            "setting": "périurbain",
            "themes": ["alimentation", "gouvernance"],
            "tags": ["cantine", "bio"],
            "status": "en cours",
            "started": 2020,
            "actors": ["habitants", "élus", "associations"],
            "geo": [50.398, 3.486],
            "financeur": "Région",
        }
    )
    assert errors == []
    assert meta == Metadata(
        type="experience",
        territory="Raismes",
        insee="59491",
        scale="commune",
        setting="périurbain",
        themes=["alimentation", "gouvernance"],
        tags=["cantine", "bio"],
        status="en cours",
        started=2020,
        actors=["habitants", "élus", "associations"],
        lat=50.398,
        lon=3.486,
        extra={"financeur": "Région"},
    )


def test_empty_metadata_is_a_plain_page():
    assert parse_metadata({}) == (Metadata(), [])


@pytest.mark.parametrize("written", ["energie", "Énergie", "énergie", "ENERGIE", "energy"])
def test_themes_are_matched_without_accents_or_case(written):
    assert parse_metadata({"themes": [written]})[0].themes == ["energie"]


def test_themes_may_be_a_comma_separated_string_of_labels():
    meta, errors = parse_metadata({"themes": "économie locale, Culture et éducation, santé"})
    assert errors == []
    assert meta.themes == ["economie-locale", "culture-education", "sante"]


def test_a_theme_outside_the_vocabulary_is_an_error_pointing_to_tags():
    meta, errors = parse_metadata({"themes": ["eau", "vélo"], "tags": "vélo, cœur de bourg"})
    assert meta.themes == ["eau"]
    assert meta.tags == ["vélo", "cœur de bourg"]
    assert [e.field for e in errors] == ["themes"]
    assert "« vélo »" in errors[0].message and "tags" in errors[0].message


def test_an_admin_vocabulary_replaces_the_default_one():
    meta, errors = parse_metadata({"themes": ["Numérique", "eau"]}, themes=["numerique"])
    assert meta.themes == ["numerique"]
    assert [e.field for e in errors] == ["themes"]


def test_default_theme_slugs_are_ascii():
    slugs = [slug for slug, _, _ in DEFAULT_THEMES]
    assert len(slugs) == 12
    assert all(slug.isascii() for slug in slugs)
    assert {"energie", "economie-locale", "culture-education"} <= set(slugs)


@pytest.mark.parametrize(
    ("field", "written", "expected"),
    [
        ("status", "En cours", "en cours"),
        ("status", "en-cours", "en cours"),
        ("status", "termine", "terminé"),
        ("status", "IDÉE", "idée"),
        ("scale", "Intercommunalite", "intercommunalité"),
        ("scale", "region", "région"),
        ("setting", "peri-urbain", "périurbain"),
        ("setting", "Rural", "rural"),
        ("type", "Expérience", "experience"),
        ("type", "territoire", "territory"),
    ],
)
def test_enumerations_fold_accents_case_and_hyphens(field, written, expected):
    meta, errors = parse_metadata({field: written})
    assert errors == []
    assert getattr(meta, field) == expected


@pytest.mark.parametrize(
    ("field", "written"),
    [("status", "peut-être"), ("scale", "planète"), ("setting", "perirubain"), ("type", "blog")],
)
def test_unknown_enumeration_values_are_errors_listing_the_choices(field, written):
    meta, errors = parse_metadata({field: written})
    assert [e.field for e in errors] == [field]
    assert f"« {written} »" in errors[0].message
    assert "choisir parmi" in errors[0].message


@pytest.mark.parametrize("written", [2020, "2020", datetime.date(2020, 9, 1)])
def test_started_accepts_a_year_in_several_forms(written):
    assert parse_metadata({"started": written}) == (Metadata(started=2020), [])


@pytest.mark.parametrize("written", [1850, 2150, "l’an dernier", True, 20.5])
def test_started_outside_1900_2100_or_not_a_year_is_an_error(written):
    meta, errors = parse_metadata({"started": written})
    assert meta.started is None
    assert [e.field for e in errors] == ["started"]
    assert "1900" in errors[0].message


@pytest.mark.parametrize(
    "written", [[50.398, 3.486], "50.398, 3.486", {"lat": 50.398, "lon": 3.486}]
)
def test_geo_accepts_a_pair_in_several_forms(written):
    meta, errors = parse_metadata({"geo": written})
    assert errors == []
    assert (meta.lat, meta.lon) == (50.398, 3.486)


@pytest.mark.parametrize("written", [[95, 3], [50, 200], [50], "nord", [50, 3, 1]])
def test_geo_out_of_range_or_malformed_is_an_error(written):
    meta, errors = parse_metadata({"geo": written})
    assert (meta.lat, meta.lon) == (None, None)
    assert [e.field for e in errors] == ["geo"]
    assert "[latitude, longitude]" in errors[0].message


def test_an_unknown_insee_code_is_an_error():
    meta, errors = parse_metadata({"insee": "99999", "territory": "Nulle-part"})
    assert meta.insee is None
    assert [e.field for e in errors] == ["insee"]
    assert "99999" in errors[0].message


def test_an_unquoted_insee_code_gets_back_its_leading_zero():
    meta, errors = parse_metadata({"insee": 1001})
    assert errors == []
    assert meta.insee == "01001"
    assert meta.territory == "L'Abergement-Clémenciat"


def test_a_territory_that_is_not_the_insee_commune_is_flagged():
    errors = errors_by_field({"insee": "59491", "territory": "Loos-en-Gohelle"})
    assert "Raismes" in errors["territory"]


def test_a_territory_written_without_accents_or_with_more_words_matches():
    assert errors_by_field({"insee": "42218", "territory": "saint etienne"}) == {}
    assert errors_by_field({"insee": "69123", "territory": "Lyon, Croix-Rousse"}) == {}


def test_a_territory_wider_than_a_commune_may_be_named_after_itself():
    assert errors_by_field({"insee": "15014", "territory": "Cantal", "scale": "département"}) == {}


def test_actors_and_tags_drop_blanks_and_duplicates():
    meta, _ = parse_metadata({"actors": ["habitants", " Habitants ", "", "élus"], "tags": None})
    assert meta.actors == ["habitants", "élus"]
    assert meta.tags == []


@pytest.mark.parametrize("odd", [None, "", 0, True, 3.5, [], {}, [None], {"a": [1]}, [[1, 2]]])
def test_odd_yaml_values_give_errors_never_a_crash(odd):
    for key in (
        "type",
        "territory",
        "insee",
        "scale",
        "setting",
        "themes",
        "tags",
        "status",
        "started",
        "actors",
        "geo",
    ):
        meta, errors = parse_metadata({key: odd})
        assert isinstance(meta, Metadata)
        assert all(e.field == key for e in errors)
