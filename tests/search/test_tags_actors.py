"""Free tags and actors of the front matter are searchable, and tags are a facet."""

from __future__ import annotations

import pytest
from whoosh.fields import STORED

from wiki.search import query
from wiki.search.schema import VERSION_FIELD, is_current, make_schema


def _page(title, tags, actors, context):
    return "\n".join(
        [
            "---",
            "type: experience",
            "territory: Rennes",
            f"tags: [{', '.join(tags)}]",
            f"actors: [{', '.join(actors)}]",
            "---",
            f"# {title}",
            "",
            context,
            "",
        ]
    )


@pytest.fixture
def tagged(save):
    save(
        "Compost au pied des tours",
        _page(
            "Compost au pied des tours",
            ["biodéchets", "circuits courts"],
            ["guides composteurs", "CCAS"],
            "Des bacs partagés entre voisins.",
        ),
    )
    save(
        "Cantine des écoles",
        _page(
            "Cantine des écoles",
            ["circuits courts"],
            ["chambre d’agriculture", "parents d'élèves"],
            "Des repas préparés sur place.",
        ),
    )
    save(
        "Réseau de chaleur",
        "---\ntype: experience\nactors:\n  - forestiers\n  - régie municipale\n---\n"
        "# Réseau de chaleur\n\nUne chaufferie au bois.\n",
    )


def titles(q, **filters):
    return sorted(hit.title for hit in query.search(q, filters=filters).hits)


def test_a_word_only_in_the_tags_or_the_actors_finds_the_page(tagged):
    assert titles("biodéchets") == ["Compost au pied des tours"]
    assert titles("ccas") == ["Compost au pied des tours"]
    assert titles("forestiers") == ["Réseau de chaleur"]  # a YAML block list
    assert titles("élèves") == ["Cantine des écoles"]


def test_tag_and_actor_prefixes_search_those_fields_only(tagged):
    assert titles('tag:"circuits courts"') == ["Cantine des écoles", "Compost au pied des tours"]
    assert titles("tag:biodechets") == ["Compost au pied des tours"]
    assert titles("acteur:CCAS") == ["Compost au pied des tours"]
    assert titles('acteur:"chambre d\'agriculture"') == ["Cantine des écoles"]
    assert titles("acteur:bacs") == []  # a word of the text, not an actor


def test_tags_are_a_facet_with_their_written_labels(tagged):
    found = query.search("")
    tags = {value.key: (value.label, value.count) for value in found.facets["tags"]}
    assert tags == {"circuits-courts": ("circuits courts", 2), "biodechets": ("biodéchets", 1)}
    assert titles("", tags=["biodechets"]) == ["Compost au pied des tours"]


def test_the_results_page_offers_the_tag_facet(client, tagged):
    html = client.get("/search?q=repas").get_data(as_text=True)
    assert 'id="facet-tags"' in html and "circuits courts" in html


def test_an_index_without_this_version_s_marker_is_outdated():
    schema = make_schema()
    assert is_current(schema)
    older = make_schema()
    older.remove(VERSION_FIELD)
    older.add("schema_3", STORED())
    assert not is_current(older)
