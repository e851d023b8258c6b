"""The HTML allow-list every rendered page goes through (nh3, i.e. Rust's ammonia)."""

from __future__ import annotations

import re
from collections import Counter

import nh3

# What the Markdown renderer produces, plus harmless inline HTML that contributors write by hand.
ALLOWED_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "img",
        "hr", "br", "sup", "sub", "section", "input", "div", "span", "kbd", "details",
        "summary", "dl", "dt", "dd", "abbr", "mark",
    }
)  # fmt: skip

# Removed together with everything inside them, rather than unwrapped: their content is code,
# foreign markup (SVG, MathML) or a nested document, never text meant for the reader.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "template", "noscript", "noembed", "noframes", "xmp", "title",
        "textarea", "select",
    }
)  # fmt: skip

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

# No ``style`` anywhere and no event handlers; ``rel`` is set by the sanitiser (LINK_REL), and
# ``class`` is governed by ALLOWED_CLASSES.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{h: {"id"} for h in _HEADINGS},
    "a": {"href", "title", "aria-hidden", "type"},
    # srcset, sizes, loading, decoding: the thumbnails of uploaded photos (wiki.render.files).
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "sup": {"id"},  # footnote references
    "li": {"id"},  # footnotes
    "ol": {"start"},
    "input": {"checked"},  # type and disabled are forced, see FORCED_ATTRIBUTES
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "details": {"open"},
}

# Attributes whose value must be one of a few.
ALLOWED_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "th": {"align": {"left", "center", "right"}},
    "td": {"align": {"left", "center", "right"}},
}

# Every <input> left is a read-only task-list checkbox, whatever the author wrote.
FORCED_ATTRIBUTES: dict[str, dict[str, str]] = {
    "input": {"type": "checkbox", "disabled": ""},
}

CODE_LANGUAGES = frozenset(
    {
        "bash", "c", "cpp", "css", "csv", "diff", "html", "ini", "java", "javascript", "js",
        "json", "markdown", "md", "php", "python", "py", "r", "ruby", "rust", "sh", "shell",
        "sql", "text", "toml", "ts", "typescript", "xml", "yaml", "yml",
    }
)  # fmt: skip

ALLOWED_CLASSES: dict[str, set[str]] = {
    "a": {"wikilink", "new", "anchor", "footnote", "file-link", "file-missing", "file-image-link"},
    "img": {"file-image"},
    "span": {"file-meta"},
    "sup": {"footnote-ref"},
    "section": {"footnotes"},
    "li": {"task-list-item"},
    "input": {"task-list-item-checkbox"},
    "code": {"language-" + lang for lang in CODE_LANGUAGES},
}

# Relative URLs (wiki pages, #anchors) are kept as they are.
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Added to every <a>: ammonia cannot tell an external link from an internal one.
LINK_REL = "nofollow noopener noreferrer"


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    set_tag_attribute_values=FORCED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


# The HTML parser behind ammonia takes time quadratic in the depth of nested blocks (10,000
# nested <div> cost seconds). Markdown never nests beyond mistune's limit of 20 levels, so only
# hand-written HTML can go deeper, and no real page needs this many levels.
MAX_NESTING_DEPTH = 500

_VOID_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    }
)  # fmt: skip

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


class MarkupTooDeep(ValueError):
    """The HTML nests elements deeper than MAX_NESTING_DEPTH."""


def sanitise_html(fragment: str) -> str:
    """Return ``fragment`` with everything outside the allow-list removed.

    Raises MarkupTooDeep rather than spend seconds on absurdly nested HTML.
    """
    if nesting_depth_exceeds(fragment, MAX_NESTING_DEPTH):
        raise MarkupTooDeep(f"HTML nested deeper than {MAX_NESTING_DEPTH} elements")
    return _CLEANER.clean(fragment)


def nesting_depth_exceeds(fragment: str, limit: int) -> bool:
    """Whether elements may nest deeper than ``limit``: an over-estimate, never an under-one.

    Closing tags only count when an element of that name is open, so stray ones cannot hide
    the depth; tags the browser would close implicitly are counted as open.
    """
    open_elements: Counter[str] = Counter()
    depth = 0
    for m in _TAG.finditer(fragment):
        name = m.group(2).lower()
        if name in _VOID_ELEMENTS:
            continue
        if not m.group(1):
            open_elements[name] += 1
            depth += 1
            if depth > limit:
                return True
        elif open_elements[name]:
            open_elements[name] -= 1
            depth -= 1
    return False
