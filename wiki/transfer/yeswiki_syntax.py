"""YesWiki page syntax (Wakka's family) → Essaim Markdown, line by line, in linear time.

Headings ``======Titre======`` (six '=' is the largest), ``**gras**``, ``//italique//``,
``@@barré@@``, ``##code##``, ``[[url ou PageWiki libellé]]``, lists indented by spaces or tabs,
``[| … |]`` tables, ``{{attach file="…"}}`` files. Other ``{{actions}}`` (Bazar lists,
buttons, menus) have no Markdown form: kept as their source with a note, as for MediaWiki.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

HEADING = re.compile(r"^\s*(={2,6})\s*(.+?)\s*={2,6}\s*$")
LINK = re.compile(r"\[\[\s*([^\]\s]+)(?:\s+([^\]]*))?\]\]")
ACTION = re.compile(r"\{\{\s*([A-Za-z_][\w-]*)([^{}]*)\}\}")
ATTRIBUTE = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
LIST_ITEM = re.compile(r"^((?:\t| {1,4})+)(-|\*|\d+\.|[a-zA-Z]\.)\s+(.*)$")
RAW_HTML = re.compile(r'""(.*?)""', re.DOTALL)
TAG = re.compile(r"<[^>]{0,500}>")
INLINE = [
    (re.compile(r"//(.+?)//"), r"*\1*"),
    (re.compile(r"@@(.+?)@@"), r"~~\1~~"),
    (re.compile(r"##(.+?)##"), r"`\1`"),
    (re.compile(r"__(.+?)__"), r"\1"),
]
URL = re.compile(r"^(https?|ftp|mailto):", re.IGNORECASE)


@dataclass
class Converted:
    markdown: str
    files: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def convert(text: str, file_name=lambda name: name) -> Converted:
    converted = Converted("")
    text = RAW_HTML.sub(lambda m: TAG.sub("", m.group(1)), text.replace("\r\n", "\n"))
    out, table = [], None
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("[|"):
            table = []
            stripped = stripped[2:].strip()
            if not stripped:
                continue
        if table is not None:
            ended = stripped.endswith("|]")
            row = stripped[:-2] if ended else stripped
            if row.strip():
                table.append(
                    [_inline(c.strip(), converted, file_name) for c in row.strip("|").split("|")]
                )
            if ended:
                out.append(_table(table))
                table = None
            continue
        out.append(_line(line, converted, file_name))
    if table is not None:  # "[|" never closed: the rows read so far, as a table
        out.append(_table(table))
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
    if converted.actions:
        body += "\n\n> " + _(
            "Import note: YesWiki actions could not be converted (%(names)s); their source is "
            "kept between `…`.",
            names=", ".join(dict.fromkeys(converted.actions)),
        )
    converted.markdown = body + "\n" if body else ""
    return converted


def _line(line: str, converted: Converted, file_name) -> str:
    heading = HEADING.match(line)
    if heading:
        level = 7 - len(heading.group(1))  # ====== is the largest heading
        return f"{'#' * level} {_inline(heading.group(2), converted, file_name)}"
    if line.strip() == "----":
        return "\n---\n"
    item = LIST_ITEM.match(line)
    if item:
        depth = len(item.group(1).replace("\t", " ")) - 1  # one space or tab a level
        marker = "-" if item.group(2) in ("-", "*") else "1."
        return f"{'  ' * depth}{marker} {_inline(item.group(3), converted, file_name)}"
    return _inline(line, converted, file_name)


def _inline(text: str, converted: Converted, file_name) -> str:
    text = ACTION.sub(lambda m: _action(m, converted, file_name), text)
    text = LINK.sub(lambda m: _link(m, converted), text)
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return text.replace("---", "  \n")  # YesWiki's forced line break


def _link(match: re.Match[str], converted: Converted) -> str:
    target, label = match.group(1), (match.group(2) or "").strip()
    if URL.match(target) or "/" in target or "." in target:
        return f"[{label}]({target})" if label else f"<{target}>"
    converted.links.append(target)
    return f"[[{target}|{label}]]" if label and label != target else f"[[{target}]]"


def _action(match: re.Match[str], converted: Converted, file_name) -> str:
    name = match.group(1).lower()
    attributes = dict(ATTRIBUTE.findall(match.group(2)))
    if name == "attach" and attributes.get("file"):
        converted.files.append(attributes["file"])
        description = attributes.get("desc") or attributes["file"]
        return f"![{description.replace(']', ')')}](fichier:{file_name(attributes['file'])})"
    converted.actions.append(name)
    return "`" + " ".join(match.group(0).split()).replace("`", "'")[:200] + "`"


def _table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    lines = []
    for index, row in enumerate(rows):
        cells = [c.replace("|", "\\|") for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    return "\n" + "\n".join(lines) + "\n"
