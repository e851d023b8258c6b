"""Front matter: split, join and update keep what volunteers wrote."""

import pytest

from wiki.content.frontmatter import FrontMatterError, join, split, update

PAGE = """---
type: experience            # experience | territory | theme | guide | page
territory: Raismes          # nom libre
insee: "59491"
scale: commune
themes: [ alimentation,gouvernance ]
actors:
  - habitants
  - élus
  - l’association « Jardins d’œuvre »
financeur_principal: 'Région Hauts-de-France'   # clé inconnue, gardée
geo: [50.398, 3.486]
---
# Raismes 2032 : co-construire avec les habitants

Un texte avec une espace\u00a0insécable.

---

## Leviers
- le soutien des élus
"""


def test_split_separates_metadata_from_body():
    meta, body = split(PAGE)
    assert meta["territory"] == "Raismes"
    assert meta["insee"] == "59491"
    assert meta["actors"][2] == "l’association « Jardins d’œuvre »"
    assert body.startswith("# Raismes 2032")


def test_join_of_split_gives_back_the_exact_bytes():
    assert join(*split(PAGE)) == PAGE


def test_round_trip_keeps_crlf_line_endings_and_odd_spacing():
    text = PAGE.replace("\n", "\r\n")
    assert join(*split(text)) == text


def test_split_of_join_round_trips_plain_data():
    meta = {"type": "experience", "insee": "01001", "themes": ["eau", "énergie"], "started": 2020}
    body = "# Titre\n\nCorps d’œuvre\u00a0!\n"
    again, again_body = split(join(meta, body))
    assert dict(again) == meta
    assert again_body == body


def test_a_horizontal_rule_in_the_body_is_not_taken_for_front_matter():
    meta, body = split(PAGE)
    assert "\n---\n" in body
    assert "Leviers" in body
    assert list(meta)[-1] == "geo"


def test_text_without_front_matter_is_all_body():
    text = "# Jardin partagé\n\n---\n\nkey: value\n"
    assert split(text) == ({}, text)
    assert join({}, text) == text


def test_join_with_empty_metadata_protects_a_body_that_looks_like_front_matter():
    body = "---\ntitre: pas des métadonnées\n---\n"
    meta, again = split(join({}, body))
    assert not meta
    assert again == body


def test_an_empty_block_round_trips():
    text = "---\n---\n# Titre\n"
    meta, body = split(text)
    assert not meta
    assert join(meta, body) == text


def test_malformed_yaml_is_reported_with_its_line_in_french():
    text = "---\ntype: experience\nterritory: Loos: en-Gohelle\n---\ncorps\n"
    with pytest.raises(FrontMatterError) as caught:
        split(text)
    assert caught.value.line == 3
    assert str(caught.value).startswith("Ligne 3 : ")
    assert "guillemets" in caught.value.message


def test_an_unclosed_list_is_reported_near_its_line():
    with pytest.raises(FrontMatterError) as caught:
        split("---\ntype: experience\nthemes: [eau, énergie\nstatus: en cours\n---\n")
    assert caught.value.line in (3, 4, 5)


def test_a_duplicated_key_is_an_error():
    with pytest.raises(FrontMatterError) as caught:
        split("---\nstatus: idée\nstatus: en cours\n---\n")
    assert "deux fois" in caught.value.message


def test_yaml_that_is_not_a_mapping_is_an_error():
    with pytest.raises(FrontMatterError) as caught:
        split("---\n- alimentation\n- énergie\n---\ncorps\n")
    assert "champ" in caught.value.message


def test_an_unclosed_block_is_an_error_not_lost_text():
    with pytest.raises(FrontMatterError) as caught:
        split("---\ntype: experience\n# Titre\n")
    assert caught.value.line == 1


def test_update_sets_a_field_and_keeps_comments_and_unknown_keys():
    text = update(PAGE, {"status": "en cours"})
    assert "type: experience            # experience | territory | theme | guide | page\n" in text
    assert "financeur_principal: 'Région Hauts-de-France'   # clé inconnue, gardée" in text
    assert "status: en cours" in text
    meta, body = split(text)
    assert list(meta)[-1] == "status"
    assert body == split(PAGE)[1]


def test_update_replaces_a_value_in_place_and_removes_with_none():
    text = update(PAGE, {"scale": "intercommunalité", "geo": None})
    meta, _ = split(text)
    assert list(meta).index("scale") == 3
    assert meta["scale"] == "intercommunalité"
    assert "geo" not in meta
    assert "territory: Raismes          # nom libre" in text


def test_update_with_unchanged_values_changes_nothing():
    assert update(PAGE, {"territory": "Raismes", "absent": None}) == PAGE


def test_update_writes_new_lists_in_flow_style_and_quotes_codes():
    text = update("# Titre\n", {"themes": ["eau", "santé"], "insee": "01001"})
    assert text == '---\nthemes: [eau, santé]\ninsee: "01001"\n---\n# Titre\n'


def test_update_keeps_a_block_list_as_a_block_list():
    text = update(PAGE, {"actors": ["habitants", "élus"]})
    assert "actors:\n  - habitants\n  - élus\n" in text


def test_filling_an_empty_flow_list_keeps_the_bracket_style():
    from wiki.content.frontmatter import update

    text = "---\nthemes: []  # à compléter\n---\nCorps\n"
    updated = update(text, {"themes": ["alimentation", "énergie"]})
    assert "themes: [alimentation, énergie]" in updated
    assert "# à compléter" in updated


# Hostile front matter (issue 9): refused quickly with a message, never expanded or crashed.

BILLION_LAUGHS = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_an_alias_bomb_is_refused_without_being_expanded():
    with pytest.raises(FrontMatterError) as caught:
        split(f"---\n{BILLION_LAUGHS}\n---\n# Bombe\n")
    assert "alias" in caught.value.message
    assert caught.value.line == 3  # the first "*a"


def test_an_anchor_without_alias_is_harmless_and_kept():
    meta, _body = split("---\ntype: &t experience\n---\nTexte\n")
    assert meta["type"] == "experience"


@pytest.mark.parametrize(
    "value",
    [
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 500 + "1" + "}" * 500,
        "[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]",
    ],
)
def test_deep_nesting_is_refused_with_a_message(value):
    with pytest.raises(FrontMatterError) as caught:
        split(f"---\ntitre: a\nx: {value}\n---\nTexte\n")
    assert "imbriqués trop profondément" in caught.value.message
    assert caught.value.line == 3


def test_deep_block_nesting_is_refused_too():
    block = "".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "fin"
    with pytest.raises(FrontMatterError, match="trop profondément"):
        split(f"---\n{block}\n---\nTexte\n")


def test_a_huge_metadata_block_is_refused():
    many = "".join(f"cle{i}: valeur {i}\n" for i in range(5000))
    with pytest.raises(FrontMatterError, match="dépasse 64 ko"):
        split(f"---\n{many}---\nTexte\n")


@pytest.mark.parametrize(
    "value",
    ["2020-02-30", "2001-13-45", "2020-01-01T25:00:00", "!!int x", "!!float x", "9" * 5000],
)
def test_impossible_dates_and_numbers_are_an_error_not_a_crash(value):
    with pytest.raises(FrontMatterError, match="guillemets"):
        split(f"---\nstarted: {value}\n---\nTexte\n")


@pytest.mark.parametrize("value", ["0x" + "f" * 5000, "0b" + "1" * 20000, "0o" + "7" * 6000])
def test_integers_too_long_to_print_are_refused(value):
    with pytest.raises(FrontMatterError, match="nombre trop long"):
        split(f"---\nstarted: {value}\n---\nTexte\n")
