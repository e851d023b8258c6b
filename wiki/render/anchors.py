"""Heading anchors: a unique, readable ``id`` for every heading and the table of contents."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from slugify import slugify

TOC_LEVELS = range(2, 5)  # h2..h4: h1 is the page title
MAX_ANCHOR_LENGTH = 80
FALLBACK_ANCHOR = "section"

_TAG = re.compile(r"<[^>]*>")


@dataclass
class TocEntry:
    level: int
    anchor: str
    text: str


class HeadingAnchors:
    """Hands out heading ids for one page, in document order, and records its contents."""

    def __init__(self) -> None:
        self.toc: list[TocEntry] = []
        self._used: set[str] = set()
        # Next suffix to try for each base: 10,000 "## a" cost one step each, not 10,000.
        self._next: dict[str, int] = {}

    def add(self, level: int, inner_html: str) -> str:
        """Return the id of a heading whose rendered content is ``inner_html``."""
        text = " ".join(html.unescape(_TAG.sub("", inner_html)).split())
        # slugify drops the typographic apostrophe: "d’Anzin" would read "danzin".
        words = text.replace("’", " ")
        base = slugify(words, max_length=MAX_ANCHOR_LENGTH) or FALLBACK_ANCHOR
        anchor, n = base, self._next.get(base, 1)
        if anchor in self._used:
            n += 1
            anchor = f"{base}-{n}"
            while anchor in self._used:  # "a-2" written by hand before the second "a"
                n += 1
                anchor = f"{base}-{n}"
        self._next[base] = n
        self._used.add(anchor)
        if level in TOC_LEVELS:
            self.toc.append(TocEntry(level=level, anchor=anchor, text=text))
        return anchor
