"""MediaWiki wikitext → Essaim Markdown, through mwparserfromhell's parse tree.

What has a Markdown form is converted (headings, bold and italics, lists, tables, links, files,
references); categories are collected for the front matter; what has none (templates, parser
functions) is kept as its source in a code span, and the page ends with a note that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import mwparserfromhell
from flask_babel import gettext as _
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)

CATEGORY_PREFIXES = {"category", "catégorie", "categorie"}
FILE_PREFIXES = {"file", "image", "fichier", "media", "média"}
# Parameters of [[File:…|…]] that are layout, not a caption.
FILE_OPTIONS = re.compile(
    r"^(thumb|thumbnail|frame|frameless|border|left|right|center|centre|none|upright.*|"
    r"vignette|miniature|cadre|sans_cadre|gauche|droite|centré|redresse.*|\d+(x\d+)?px|"
    r"x\d+px|link=.*|lien=.*|alt=.*|class=.*|page=.*|baseline|middle|sub|super|top|"
    r"text-top|bottom|text-bottom)$",
    re.IGNORECASE,
)
MAGIC_WORD = re.compile(r"__[A-ZÉ]+__")
LIST_LINE = re.compile(r"^([*#:;]+)[ \t]*(.*)$")
STYLE = re.compile(r"'''''(.+?)'''''|'''(.+?)'''|''(.+?)''")
NOTE_SOURCE_CHARACTERS = 200
HEADING = "\ue000"  # a private-use character: heading marks, made '#' once lists are read


@dataclass
class Converted:
    """A revision's text in Markdown and what the importer must know about it."""

    markdown: str
    categories: list[str] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (name in the wiki, caption)
    links: list[str] = field(default_factory=list)  # titles of internal links
    templates: list[str] = field(default_factory=list)  # names kept as source
    redirect: str | None = None  # the target title when the page is a redirect
    unreadable_tables: int = 0


@dataclass
class Context:
    """What the dump's siteinfo says about titles: namespace names and which are imported."""

    namespaces: dict[str, int] = field(default_factory=dict)  # lower-case name → key
    imported: set[int] = field(default_factory=lambda: {0})
    file_name: object = None  # callable: wiki file name → Essaim file name

    def namespace_of(self, title: str) -> tuple[int, str]:
        prefix, colon, rest = title.partition(":")
        if colon:
            key = self.namespaces.get(prefix.strip().lower())
            if key is not None:
                return key, rest.strip()
        return 0, title.strip()


REDIRECT = re.compile(r"^\s*#\s*(redirect|redirection)\s*:?\s*\[\[([^\]|#]+)", re.IGNORECASE)


def convert(wikitext: str, context: Context) -> Converted:
    redirect = REDIRECT.match(wikitext)
    if redirect:
        return Converted("", redirect=redirect.group(2).replace("_", " ").strip())
    converted = Converted("")
    tree = mwparserfromhell.parse(wikitext.replace(HEADING, ""), skip_style_tags=True)
    body = _nodes(tree.nodes, converted, context)
    body = _lists(MAGIC_WORD.sub("", body)).replace(HEADING, "#")
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    if converted.templates:
        names = ", ".join(dict.fromkeys(converted.templates))
        body += "\n\n> " + _(
            "Import note: MediaWiki templates could not be converted (%(names)s); "
            "their source is kept between `…`.",
            names=names,
        )
    if converted.unreadable_tables:
        body += "\n\n> " + _(
            "Import note: a table could not be read (unbalanced {| … |}); it is kept as text."
        )
    converted.markdown = body + "\n" if body else ""
    return converted


def _nodes(nodes, converted: Converted, context: Context) -> str:
    return "".join(_node(node, converted, context) for node in nodes)


def _node(node, converted: Converted, context: Context) -> str:
    if isinstance(node, Text):
        return _text(str(node.value), converted)
    if isinstance(node, Heading):
        title = _nodes(node.title.nodes, converted, context).strip()
        return f"{HEADING * min(node.level, 6)} {title}"  # '#' after _lists (not a list)
    if isinstance(node, Wikilink):
        return _wikilink(node, converted, context)
    if isinstance(node, ExternalLink):
        url = str(node.url).strip()
        label = _nodes(node.title.nodes, converted, context).strip() if node.title else ""
        return f"[{label}]({url})" if label else f"<{url}>"
    if isinstance(node, Template | Argument):
        return _template(node, converted)
    if isinstance(node, Comment):
        return ""
    if isinstance(node, HTMLEntity):
        return str(node)
    if isinstance(node, Tag):
        return _tag(node, converted, context)
    return str(node)


def _text(text: str, converted: Converted) -> str:
    if "{|" in text and re.search(r"(^|\n)\s*\{\|", text):
        converted.unreadable_tables += 1
    return STYLE.sub(_style, text)


def _style(match: re.Match[str]) -> str:
    both, bold, italic = match.groups()
    if both is not None:
        return f"***{both}***"
    return f"**{bold}**" if bold is not None else f"*{italic}*"


def _wikilink(node: Wikilink, converted: Converted, context: Context) -> str:
    raw_title = str(node.title).strip()
    leading_colon = raw_title.startswith(":")
    title = raw_title.lstrip(":").replace("_", " ").strip()
    label = _nodes(node.text.nodes, converted, context).strip() if node.text else ""
    prefix = title.partition(":")[0].strip().lower() if ":" in title else ""
    namespace, rest = context.namespace_of(title)
    if not leading_colon and (prefix in CATEGORY_PREFIXES or namespace == 14):
        converted.categories.append(rest)
        return ""
    if not leading_colon and (prefix in FILE_PREFIXES or namespace in (6, -2)):
        return _file(rest, node, converted, context)
    if namespace not in context.imported:
        return label or rest  # a user page, a special page…: its words, without a link
    target = title.partition("#")[0].strip() or title
    if not target:
        return label
    converted.links.append(target)
    if label and label != target:
        return f"[[{target}|{label.replace('|', '/')}]]"
    return f"[[{target}]]"


def _file(name: str, node: Wikilink, converted: Converted, context: Context) -> str:
    parts = [str(p).strip() for p in str(node.text).split("|")] if node.text else []
    captions = [p for p in parts if p and not FILE_OPTIONS.match(p)]
    caption = _text(captions[-1], converted) if captions else name
    alt = next((p[4:] for p in parts if p.lower().startswith("alt=")), "") or caption
    converted.files.append((name, alt))
    target = context.file_name(name) if callable(context.file_name) else name
    return f"![{alt.replace(']', ')')}](fichier:{target})"


def _template(node, converted: Converted) -> str:
    source = str(node)
    if isinstance(node, Template):
        name = str(node.name).strip()
        converted.templates.append(name.split(":")[0][:60] or "?")
    else:
        converted.templates.append("{{{…}}}")
    shown = " ".join(source.split())
    if len(shown) > NOTE_SOURCE_CHARACTERS:
        shown = shown[:NOTE_SOURCE_CHARACTERS] + "…"
    return "`" + shown.replace("`", "'") + "`"


def _tag(node: Tag, converted: Converted, context: Context) -> str:
    name = str(node.tag).strip().lower()
    inner = _nodes(node.contents.nodes, converted, context) if node.contents else ""
    if node.wiki_markup and name in ("li", "dt", "dd"):
        return str(node.wiki_markup)  # list markers: read per line by _lists
    if name == "hr":
        return "\n---\n"
    if name == "table":
        return _table(node, converted, context)
    if name in ("b", "strong"):
        return f"**{inner.strip()}**"
    if name in ("i", "em"):
        return f"*{inner.strip()}*"
    if name in ("s", "del", "strike"):
        return f"~~{inner.strip()}~~"
    if name == "br":
        return "  \n"
    if name in ("nowiki", "span", "div", "small", "big", "center", "font", "u", "sup", "sub"):
        return inner
    if name in ("pre", "source", "syntaxhighlight", "code"):
        text = str(node.contents) if node.contents else ""
        return f"`{text.strip()}`" if name == "code" else f"\n```\n{text.strip()}\n```\n"
    if name == "ref":
        text = " ".join(inner.split())
        return f" ({text})" if text else ""
    if name in ("references", "gallery"):
        return _gallery(str(node.contents), converted, context) if name == "gallery" else ""
    return inner


def _gallery(contents: str, converted: Converted, context: Context) -> str:
    lines = []
    for line in contents.splitlines():
        if not line.strip():
            continue
        name, _bar, caption = line.partition("|")
        namespace, rest = context.namespace_of(name.strip())
        fake = mwparserfromhell.parse(f"[[File:{rest}|{caption}]]").filter_wikilinks()[0]
        lines.append(_file(rest, fake, converted, context))
    return "\n\n".join(lines)


def _table(node: Tag, converted: Converted, context: Context) -> str:
    rows: list[list[tuple[str, bool]]] = [[]]
    for child in node.contents.nodes:
        if not isinstance(child, Tag):
            continue
        tag = str(child.tag).lower()
        if tag == "tr":
            rows.append([_cell(c, converted, context) for c in child.contents.nodes if _is_cell(c)])
        elif tag in ("td", "th"):
            rows[0].append(_cell(child, converted, context))
        elif tag == "caption":
            pass
    rows = [r for r in rows if r]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    header = rows[0] if all(head for _text, head in rows[0]) else None
    body = rows[1:] if header else rows
    first = [text for text, _head in header] if header else [""] * width
    lines = [_row(first, width), "|" + " --- |" * width]
    lines += [_row([text for text, _head in row], width) for row in body]
    return "\n\n" + "\n".join(lines) + "\n\n"


def _is_cell(node) -> bool:
    return isinstance(node, Tag) and str(node.tag).lower() in ("td", "th")


def _cell(node: Tag, converted: Converted, context: Context) -> tuple[str, bool]:
    text = _nodes(node.contents.nodes, converted, context) if node.contents else ""
    text = " ".join(text.replace("|", "\\|").split())
    return text, str(node.tag).lower() == "th"


def _row(cells: list[str], width: int) -> str:
    cells = cells + [""] * (width - len(cells))
    return "| " + " | ".join(cells) + " |"


def _lists(text: str) -> str:
    """Wikitext list lines (`*`, `#`, `:`, `;`, nested by repetition) as Markdown lists."""
    out = []
    for line in text.split("\n"):
        match = LIST_LINE.match(line)
        if not match:
            out.append(line)
            continue
        markers, rest = match.groups()
        depth = len(markers) - 1
        last = markers[-1]
        indent = "  " * depth
        if last == "*":
            out.append(f"{indent}- {rest}")
        elif last == "#":
            out.append(f"{indent}1. {rest}")
        elif last == ";":
            term, _colon, definition = rest.partition(":")
            out.append(f"**{term.strip()}**" + (f"  \n{definition.strip()}" if definition else ""))
        else:  # ':' indents a paragraph (talk replies, quotes)
            out.append(f"{'> ' * len(markers)}{rest}")
    return "\n".join(out)
