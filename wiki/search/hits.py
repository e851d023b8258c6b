"""The hits of a results page: what each shows, kept between searches (by document and words)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from wiki.lru import LRU
from wiki.search import engine

SECTION_LABELS = {
    "levers": _l("Lever"),
    "obstacles": _l("Obstacle"),
    "replicate": _l("How to replicate"),
    "body": _l("Text"),
    "title": _l("Title"),
}


@dataclass
class Hit:
    page_id: int
    slug: str
    title: str
    territory: str
    insee: str
    themes: list[str]
    scale: str
    setting: str
    status: str
    author: str
    updated: datetime | None
    snippet: Markup = field(default_factory=Markup)
    snippet_text: str = ""
    matched_in: str = ""  # levers | obstacles | replicate | body | title | ""
    missing: list[str] = field(default_factory=list)  # words of the search it does not hold

    @property
    def matched_label(self) -> str:
        return str(SECTION_LABELS.get(self.matched_in, ""))


# What a hit shows (where the words were found, its snippet, its stored fields) depends only on
# its stored document and the query's words, and a segment's documents never change (a saved page
# is a new document): kept by (segment, document, words), a search asked again, by another
# reader or after a save, builds only the hits it did not show before.
_HITS = LRU(4096, max_weight=32 * 2**20)


def hits_of(
    s, docnums: list[int], terms: dict[str, set[str]], build: Callable, keep: bool = True
) -> list[Hit]:
    """The hits of `docnums` for the query's words `terms`, each from `build(stored, terms)`
    unless kept. `keep=False` (exports, 100 a page): neither asked nor kept, they would push
    out the hits readers ask for. Each request gets its own copies (its own missing words)."""
    words = tuple(sorted((name, tuple(sorted(texts))) for name, texts in terms.items()))
    hits = []
    for docnum, document in zip(docnums, engine.document_keys(s, docnums), strict=True):
        key = (document, words) if keep and document is not None else None
        hit = _HITS.get(key) if key is not None else None
        if hit is None:
            hit = build(s.stored_fields(docnum), terms)
            if key is not None:
                size = len(hit.snippet) + len(hit.snippet_text) + len(hit.title) + 1024
                _HITS.put(key, hit, weight=size)
        hit = copy.copy(hit)
        hit.missing = []  # each request's own (wiki.search.semantics.words_missing_from)
        hits.append(hit)
    return hits


def forget() -> None:
    """Forget the kept hits (benchmarks measuring a search never asked before)."""
    _HITS.clear()
