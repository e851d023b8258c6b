"""Sections of an experience page (levers, obstacles, how to replicate…) found by their headings.

How a section is read:

- Its level is 2 if any level-2 heading names a known section, else 3, else 1 (pages written
  with `#` only). It runs until the next heading of the same or a higher level; deeper
  headings belong to it.
- Items: every top-level item of a list in the section (nested sub-items are details of their
  parent and are left out of its text). A sub-heading with no list under it is an item itself
  (its paragraphs explain it). Only a section with neither lists nor sub-headings gives one
  item per paragraph.
- A heading met twice merges both sections, and the kind is reported in `duplicates`.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field

import mistune
from mistune.core import BlockState

from wiki.limits import budgeted

from .text import fold

__all__ = ["KINDS", "Sections", "extract_sections", "heading_kind", "normalise_item"]

# Folded heading text -> kind. A heading matches an alias exactly or starts with it followed by
# more words ("Freins rencontrés"); the longest alias wins ("Contacts et ressources").
_HEADINGS = {
    "levers": ["leviers", "levier", "ce qui a aide", "levers", "lever", "what helped"],
    "obstacles": [
        "verrous",
        "verrou",
        "freins",
        "frein",
        "obstacles",
        "obstacle",
        "difficultes",
        "difficulte",
        "obstacles met",
        "barriers",
        "barrier",
        "ce qui a freine",
        "what hindered",
    ],
    "replicate": [
        "pour essaimer",
        "essaimer",
        "essaimage",
        "pour reproduire",
        "reproduire",
        "how to replicate",
        "replicate",
        "replication",
    ],
    "context": ["contexte", "context"],
    "done": ["ce qui a ete fait", "what was done", "realisations"],
    "contacts": [
        "contacts et ressources",
        "contacts and resources",
        "contacts",
        "contact",
        "ressources",
        "resources",
    ],
}
KINDS = tuple(_HEADINGS)
_ALIASES = sorted(
    ((alias, kind) for kind, aliases in _HEADINGS.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
# "3.", "3)", "III -", "A." before the words of a heading.
_NUMBERING = re.compile(r"^\s*(?:\d+|[ivxlc]+|[a-z])\s*[.)\-–—:]\s*", re.IGNORECASE)
# Classes exclude their own opener, so that runs of "(" or "[" cost linear time.
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]")

# Words that carry no meaning when comparing items across pages. Negations ("pas", "sans",
# "non", "ne") stay: "pas de soutien des élus" is the opposite of "soutien des élus".
_STOP_WORDS = frozenset(
    """a au aux avec c ce ces cet cette d dans de des du en et il ils elle elles est etc l la
    le les leur leurs lui ma mes mon n ou par pour qu que qui s sa se ses son sont sur ta tes
    ton un une vos votre nos notre y the of and an to in on for with by at is are""".split()
)

_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$\n?", re.MULTILINE)


class _PositionedState(BlockState):
    """Block state that notes where each top-level token starts in the source.

    mistune's AST has no source positions, and a section's text is wanted as written.
    """

    def append_token(self, token: dict) -> None:
        if self.parent is None:
            token.setdefault("_start", self.cursor)
        super().append_token(token)

    def add_paragraph(self, text: str) -> None:
        super().add_paragraph(text)
        if self.parent is None:
            self.tokens[-1].setdefault("_start", self.cursor)


_markdown = budgeted(mistune.create_markdown(renderer=None, plugins=["strikethrough", "table"]))
_markdown.block.state_cls = _PositionedState


@dataclass
class Sections:
    levers: list[str] = field(default_factory=list)
    obstacles: list[str] = field(default_factory=list)
    replicate: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)


def heading_kind(heading: str) -> str | None:
    """The section kind a heading names ("## 3. Verrous :" -> "obstacles"), or None."""
    text = _NUMBERING.sub("", _PARENTHESES.sub(" ", heading.strip().lstrip("#")))
    words = fold(text)
    for alias, kind in _ALIASES:
        if words == alias or words.startswith(alias + " "):
            return kind
    return None


def normalise_item(text: str) -> str:
    """Comparison key of an item: "Le soutien des élus !" and "soutien des elus" agree."""
    return " ".join(w for w in fold(text).split() if w not in _STOP_WORDS)


def _inline_text(tokens: list[dict]) -> str:
    parts = []
    for token in tokens:
        if token["type"] in ("softbreak", "linebreak"):
            parts.append(" ")
        elif "children" in token:
            parts.append(_inline_text(token["children"]))
        elif token["type"] != "inline_html":
            parts.append(token.get("raw", ""))
    return "".join(parts)


def plain_text(tokens: list[dict]) -> str:
    """Inline tokens as plain text: no emphasis, links by their label, wiki links by theirs."""
    text = _WIKI_LINK.sub(lambda m: m.group(2) or m.group(1), _inline_text(tokens))
    return " ".join(text.split())


def _item_text(item: dict) -> str:
    blocks = [b for b in item["children"] if b["type"] in ("block_text", "paragraph")]
    return " ".join(plain_text(b["children"]) for b in blocks)


def _items(tokens: list[dict]) -> list[str]:
    """Items of one section's tokens (see the module docstring for the rules)."""
    parts: list[tuple[dict | None, list[dict]]] = [(None, [])]
    for token in tokens:
        if token["type"] == "heading":
            parts.append((token, []))
        else:
            parts[-1][1].append(token)
    has_structure = len(parts) > 1 or any(t["type"] == "list" for t in tokens)
    items = []
    for heading, blocks in parts:
        lists = [b for b in blocks if b["type"] == "list"]
        if lists:
            items += [_item_text(i) for lst in lists for i in lst["children"]]
        elif heading is not None:
            items.append(plain_text(heading["children"]))
        elif not has_structure:
            items += [plain_text(b["children"]) for b in blocks if b["type"] == "paragraph"]
    return [item for item in items if item]


def _section_level(tokens: list[dict]) -> int:
    named = {
        t["attrs"]["level"]
        for t in tokens
        if t["type"] == "heading" and heading_kind(plain_text(t["children"]))
    }
    return next((level for level in (2, 3, 1) if level in named), 2)


def _end_of_heading(source: str, heading: dict) -> int:
    start = heading["_start"]
    if heading.get("style") == "setext":
        underline = _SETEXT_UNDERLINE.search(source, start)
        return underline.end() if underline else len(source)
    line_end = source.find("\n", start)
    return len(source) if line_end < 0 else line_end + 1


def extract_sections(body: str) -> Sections:
    """Find the known sections of a page body, with their list items and Markdown text.

    A save checks the text, then stores its statements, then indexes it: the same body is
    asked for three times in a row, and parsing it is the costly part (~3 ms for 10 kB, seconds
    for a hostile 1 MB). The last few answers are kept; each caller gets its own copy.
    Raises wiki.limits.BudgetExceeded past the current deadline.
    """
    return copy.deepcopy(_extract_sections(body))


@functools.lru_cache(maxsize=8)
def _extract_sections(body: str) -> Sections:
    # The same normalisation as mistune's, so that token positions index this string.
    source = body.replace("\r\n", "\n").replace("\r", "\n")
    tokens = _markdown(source)
    level = _section_level(tokens)
    # kind -> one (tokens, text start, text end) per heading of that kind
    found: dict[str, list[tuple[list[dict], int, int]]] = {}
    current: list | None = None
    for token in tokens:
        if token["type"] == "heading" and token["attrs"]["level"] <= level:
            if current is not None:
                current[2] = token["_start"]
            current = None
            kind = heading_kind(plain_text(token["children"]))
            if token["attrs"]["level"] == level and kind:
                current = [[], _end_of_heading(source, token), len(source)]
                found.setdefault(kind, []).append(current)
        elif current is not None:
            current[0].append(token)
    sections = Sections(duplicates=[kind for kind, parts in found.items() if len(parts) > 1])
    for kind, parts in found.items():
        texts = (source[start:end].strip() for _, start, end in parts)
        sections.texts[kind] = "\n\n".join(t for t in texts if t)
        if kind in ("levers", "obstacles", "replicate"):
            setattr(sections, kind, [item for part, _, _ in parts for item in _items(part)])
    return sections
