"""Sections: levers, obstacles and how to replicate, found by their headings in FR or EN."""

import pytest

from wiki.content.sections import extract_sections, heading_kind, normalise_item

FRENCH = """# Cantine 100 % locale à Raismes

## Contexte
Une commune de 12\u00a0000 habitants, à l’orée de la forêt.

## Ce qui a été fait
- une légumerie

## Leviers
- Le **soutien** des [élus](https://example.org/elus)
- [[Conseil citoyen|le conseil citoyen]] très actif
  - réunions mensuelles
- l’_œuvre_ des parents d’élèves

## Verrous
1. Le coût des produits
2. La logistique

## Pour essaimer
Commencer petit, avec une école.

Associer les cuisiniers dès le début.

## Contacts et ressources
- mairie@raismes.fr
"""

ENGLISH = """# Village car-sharing

## Context
A valley in the Cévennes.

## What helped
- a volunteer driver network

## Obstacles met
- insurance

## How to replicate
- start with the town hall cars
"""


def test_french_headings_give_levers_obstacles_and_replication():
    sections = extract_sections(FRENCH)
    assert sections.levers == [
        "Le soutien des élus",
        "le conseil citoyen très actif",
        "l’œuvre des parents d’élèves",
    ]
    assert sections.obstacles == ["Le coût des produits", "La logistique"]
    assert sections.replicate == [
        "Commencer petit, avec une école.",
        "Associer les cuisiniers dès le début.",
    ]
    assert sections.duplicates == []


def test_section_texts_are_the_markdown_as_written():
    sections = extract_sections(FRENCH)
    assert set(sections.texts) == {
        "context",
        "done",
        "levers",
        "obstacles",
        "replicate",
        "contacts",
    }
    assert (
        sections.texts["context"] == "Une commune de 12\u00a0000 habitants, à l’orée de la forêt."
    )
    assert sections.texts["levers"].startswith(
        "- Le **soutien** des [élus](https://example.org/elus)"
    )
    assert "  - réunions mensuelles" in sections.texts["levers"]


def test_english_headings_are_recognised():
    sections = extract_sections(ENGLISH)
    assert sections.levers == ["a volunteer driver network"]
    assert sections.obstacles == ["insurance"]
    assert sections.replicate == ["start with the town hall cars"]
    assert sections.texts["context"] == "A valley in the Cévennes."


def test_missing_sections_are_empty():
    sections = extract_sections("# Une idée\n\nRien encore.\n")
    assert (sections.levers, sections.obstacles, sections.replicate) == ([], [], [])
    assert sections.texts == {}


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("## Leviers (ce qui a aidé)", "levers"),
        ("## 3. Verrous", "obstacles"),
        ("## Freins :", "obstacles"),
        ("## 🚧 Difficultés rencontrées", "obstacles"),
        ("## II) Pour essaimer", "replicate"),
        ("## LEVIER", "levers"),
        ("## Ce qui a aidé", "levers"),
        ("## Barriers", "obstacles"),
        ("## Replication", "replicate"),
        ("## Contacts et ressources", "contacts"),
        ("## Ce qui a été fait", "done"),
        ("## Historique", None),
        ("## Levure et boulangerie", None),
    ],
)
def test_headings_carry_numbers_emoji_colons_and_parentheses(heading, kind):
    assert heading_kind(heading) == kind


def test_nested_sub_headings_belong_to_their_section():
    body = """## Verrous
### Financement
- subventions tardives
- trésorerie tendue

### Temps bénévole
Les mêmes personnes portent tout.

## Pour essaimer
- un élu référent
"""
    sections = extract_sections(body)
    assert sections.obstacles == ["subventions tardives", "trésorerie tendue", "Temps bénévole"]
    assert "### Temps bénévole" in sections.texts["obstacles"]
    assert sections.replicate == ["un élu référent"]


def test_level_three_headings_are_sections_when_there_are_no_level_two_ones():
    body = "# Titre\n\n### Leviers\n- la confiance\n\n### Freins\n- la méfiance\n"
    sections = extract_sections(body)
    assert sections.levers == ["la confiance"]
    assert sections.obstacles == ["la méfiance"]


def test_a_repeated_heading_merges_both_and_is_reported():
    body = "## Leviers\n- un\n\n## Verrous\n- deux\n\n## Leviers\n- trois\n"
    sections = extract_sections(body)
    assert sections.levers == ["un", "trois"]
    assert sections.duplicates == ["levers"]
    assert sections.texts["levers"] == "- un\n\n- trois"


def test_headings_inside_code_fences_are_ignored():
    body = "## Leviers\n- un\n\n```markdown\n## Verrous\n- pas un verrou\n```\n"
    sections = extract_sections(body)
    assert sections.obstacles == []
    assert sections.levers == ["un"]
    assert "## Verrous" in sections.texts["levers"]


def test_a_section_without_a_list_gives_one_item_per_paragraph():
    body = "## Leviers\nLa confiance\ndes habitants.\n\nUn budget dédié.\n"
    assert extract_sections(body).levers == ["La confiance des habitants.", "Un budget dédié."]


def test_a_section_with_a_list_ignores_its_introduction():
    body = "## Leviers\nTrois choses ont compté :\n\n- la confiance\n- le temps\n"
    assert extract_sections(body).levers == ["la confiance", "le temps"]


def test_setext_headings_and_crlf_are_understood():
    body = "Leviers\r\n-------\r\n- la confiance\r\n\r\nVerrous\r\n-------\r\n- le temps\r\n"
    sections = extract_sections(body)
    assert sections.levers == ["la confiance"]
    assert sections.obstacles == ["le temps"]
    assert sections.texts["levers"] == "- la confiance"


def test_normalise_item_ignores_case_accents_punctuation_and_stop_words():
    assert normalise_item("Le soutien des élus !") == normalise_item("soutien des elus")
    assert normalise_item("L’implication  des habitant·es") == "implication habitant es"
    assert normalise_item("Cœur de bourg") == "coeur bourg"


def test_normalise_item_keeps_negations():
    assert normalise_item("Pas de soutien des élus") != normalise_item("soutien des élus")
