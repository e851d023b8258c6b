"""The fields of a search document (one per page): see docs/architecture.md, Search."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from wiki.search import engine  # noqa: F401 (its speed fix of Whoosh, applied on import)
from wiki.search.analysis import folding_analyzer, french_analyzer, prefix_analyzer

# Version of the schema below: an index built with another one is replaced (see store.py).
# 2: plain words and phrases search a catch-all "content" field; "body" is stored only.
# 3: department and region facets (from the page's INSEE code).
# 4: light French stemmer (analysis.py), question words stopped; tags and actors fields.
SCHEMA_VERSION = 4
# A field whose name carries the version: an index without it is older (see is_current).
VERSION_FIELD = f"schema_{SCHEMA_VERSION}"

# Fields a plain word or phrase is looked for in. "content" holds the title, the sections, the
# body, the territory and the theme labels: one posting list a word instead of seven, which
# Whoosh reads and scores in pure Python (most of the query time at 10k pages).
TEXT_FIELDS = ("title", "content")
FIELD_BOOSTS = {"title": 4.0, "levers": 1.5, "obstacles": 1.5, "replicate": 1.5, "territory": 2.0}

# Sections whose text is kept apart so that researchers can search inside them.
SECTION_FIELDS = ("levers", "obstacles", "replicate")

# Facets of the sidebar: indexed as folded keys ("en-cours"), shown with their stored labels.
FACET_FIELDS = ("themes", "tags", "region", "department", "scale", "setting", "status")


def is_current(schema: Schema) -> bool:
    """Whether an index's schema is this version's (an older one lacks a field of this one)."""
    names = set(schema.names())
    return set(make_schema().names()) <= names and VERSION_FIELD in names


def make_schema() -> Schema:
    french = french_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        slug=STORED(),
        revision=NUMERIC(stored=True),
        fingerprint=STORED(),
        type=ID(stored=True),
        title=TEXT(analyzer=french, stored=True, field_boost=FIELD_BOOSTS["title"]),
        title_prefix=TEXT(analyzer=prefix_analyzer(), phrase=False),
        title_sort=ID(sortable=True),
        # Every word of the page, for plain words and phrases; its unstemmed words are the
        # "did you mean" vocabulary. Not stored: snippets come from the fields below.
        content=TEXT(analyzer=french, spelling=True),
        body=STORED(),  # the text outside the sections, for snippets (searched via content)
        levers=TEXT(analyzer=french, stored=True, field_boost=FIELD_BOOSTS["levers"]),
        obstacles=TEXT(analyzer=french, stored=True, field_boost=FIELD_BOOSTS["obstacles"]),
        replicate=TEXT(analyzer=french, stored=True, field_boost=FIELD_BOOSTS["replicate"]),
        themes=KEYWORD(stored=True, commas=True, lowercase=True),
        # Free tags as facet keys ("circuits-courts"); their labels come from the database.
        tags=KEYWORD(stored=True, commas=True),
        # Who took part ("chambre d'agriculture", "CCAS"), for `acteur:` (also in "content").
        actors=TEXT(analyzer=french, stored=True),
        territory=TEXT(
            analyzer=folding_analyzer(), stored=True, field_boost=FIELD_BOOSTS["territory"]
        ),
        insee=ID(stored=True),
        department=ID(stored=True),  # INSEE code of the commune's department ("59", "2A")
        region=ID(stored=True),  # and of its region ("32"); names come from wiki.content.cog
        scale=ID(stored=True),
        setting=ID(stored=True),
        status=ID(stored=True),
        author=KEYWORD(stored=True, commas=True, lowercase=True),
        updated=DATETIME(stored=True, sortable=True),
        **{VERSION_FIELD: STORED()},
    )
