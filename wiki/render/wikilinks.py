"""Mistune inline plugin for wiki links: ``[[Page title]]`` and ``[[Page title|label]]``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mistune import InlineParser, InlineState, Markdown

LinkResolver = Callable[[str], tuple[str, bool]]

# Key in the parser's ``env``: the env is per parse, so concurrent renders never share it.
TITLES_KEY = "wiki_link_titles"

# The title cannot hold brackets, a pipe or a line break; the label cannot hold brackets or a
# line break. A pipe may be written ``\|`` so that a wiki link with a label fits in a table cell.
WIKI_LINK_PATTERN = r"\[\[(?P<wiki_title>[^\[\]|\n]+?)(?:\\?\|(?P<wiki_label>[^\[\]\n]+))?\]\]"

_SPACES = re.compile(r"\s+")


def normalise_title(raw: str) -> str:
    """Return the title a wiki link points to: outer spaces removed, inner runs collapsed."""
    return _SPACES.sub(" ", raw).strip()


def parse_wiki_link(inline: InlineParser, m: re.Match[str], state: InlineState) -> int | None:
    title = normalise_title(m.group("wiki_title"))
    if not title:
        return None  # "[[ ]]" is not a link: mistune then reads it as plain text
    label = normalise_title(m.group("wiki_label") or "") or title

    titles: dict[str, None] = state.env.setdefault(TITLES_KEY, {})
    titles.setdefault(title, None)

    if state.in_link:
        # An <a> cannot hold another <a>: inside a Markdown link, only the label shows.
        inline.process_text(label, state)
    else:
        state.append_token(
            {
                "type": "wiki_link",
                "children": [{"type": "text", "raw": label}],
                "attrs": {"title": title},
            }
        )
    return m.end()


def wiki_links(md: Markdown) -> None:
    """Register the ``[[...]]`` syntax on a Markdown instance (the renderer draws ``wiki_link``)."""
    md.inline.register(
        "wiki_link", WIKI_LINK_PATTERN, parse_wiki_link, before="link", start_chars="["
    )


def wiki_link_titles(env: dict[str, Any]) -> list[str]:
    """Titles of the wiki links met while parsing, in order of appearance, without repeats."""
    return list(env.get(TITLES_KEY, {}))
