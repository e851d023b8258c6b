"""The fields of a search document (one per page), per DESIGN §5."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from wiki.search import whoosh_fixes  # noqa: F401 (speed fixes, applied on import)
from wiki.search.analysis import folding_analyzer, french_analyzer, prefix_analyzer

# Fields a plain word is looked for in, with the weight of a match in each.
TEXT_FIELDS = ("title", "levers", "obstacles", "replicate", "body", "territory", "themes_text")
FIELD_BOOSTS = {"title": 4.0, "levers": 1.5, "obstacles": 1.5, "replicate": 1.5, "territory": 2.0}

# Sections whose text is kept apart so that researchers can search inside them.
SECTION_FIELDS = ("levers", "obstacles", "replicate")

# Facets of the sidebar: indexed as folded keys ("en-cours"), shown with their stored labels.
FACET_FIELDS = ("themes", "scale", "setting", "status")


def make_schema() -> Schema:
    french = french_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        slug=STORED(),
        revision=NUMERIC(stored=True),
        fingerprint=STORED(),
        type=ID(stored=True),
        title=TEXT(analyzer=french, stored=True, field_boost=FIELD_BOOSTS["title"], spelling=True),
        title_prefix=TEXT(analyzer=prefix_analyzer(), phrase=False),
        title_sort=ID(sortable=True),
        body=TEXT(analyzer=french, stored=True, spelling=True),
        levers=TEXT(
            analyzer=french, stored=True, field_boost=FIELD_BOOSTS["levers"], spelling=True
        ),
        obstacles=TEXT(
            analyzer=french, stored=True, field_boost=FIELD_BOOSTS["obstacles"], spelling=True
        ),
        replicate=TEXT(
            analyzer=french, stored=True, field_boost=FIELD_BOOSTS["replicate"], spelling=True
        ),
        themes=KEYWORD(stored=True, commas=True, lowercase=True),
        themes_text=TEXT(analyzer=french),
        territory=TEXT(
            analyzer=folding_analyzer(), stored=True, field_boost=FIELD_BOOSTS["territory"]
        ),
        insee=ID(stored=True),
        scale=ID(stored=True),
        setting=ID(stored=True),
        status=ID(stored=True),
        author=KEYWORD(stored=True, commas=True, lowercase=True),
        updated=DATETIME(stored=True, sortable=True),
    )
