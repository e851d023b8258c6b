"""Markdown → safe HTML for wiki pages: mistune plugins (wiki links, anchors), sanitiser policy."""

from wiki.render.markdown import (
    LinkResolutionError,
    Rendered,
    TocEntry,
    extract_wiki_links,
    render_markdown,
)

__all__ = [
    "LinkResolutionError",
    "Rendered",
    "TocEntry",
    "extract_wiki_links",
    "render_markdown",
]
