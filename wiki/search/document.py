"""The search document of a page, built from its row and current revision text.

One function, used alike by the incremental updates, `essaim search reindex` and
`essaim search check`, so that an index built from scratch equals one kept up to date.
"""

from __future__ import annotations

import hashlib
import json
import re

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from wiki.content import frontmatter
from wiki.content.frontmatter import FrontMatterError
from wiki.content.metadata import DEFAULT_THEMES
from wiki.content.sections import extract_sections
from wiki.models import Page, Revision, Theme
from wiki.search.analysis import facet_key, fold_accents
from wiki.search.schema import SECTION_FIELDS

# Markdown that carries no words: link targets, images, emphasis marks, heading marks.
# No class below may contain the character that opens its own match ("[" for wiki links):
# each attempt then stops at the next opener, and a run of "[[[[" costs linear time instead of
# a scan to the end of the text from every "[" (1 MB took about an hour to index).
_LINK_TARGET = re.compile(r"\]\([^)\[\]\n]*\)")
_WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+)\|([^\[\]\n]+)\]\]")
_MARKUP = re.compile(r"(?m)^\s{0,3}(?:#{1,6}|>|[-*+]|\d+[.)])\s+|[*_`~]{1,3}|\[\[|\]\]|!?\[|\]")

THEME_LABELS = {slug: (fr, en) for slug, fr, en in DEFAULT_THEMES}


def plain(markdown: str) -> str:
    """Words of a Markdown text as a reader sees them (snippets are cut from this)."""
    text = _WIKI_LINK.sub(r"\2", markdown)
    text = _LINK_TARGET.sub("]", text)
    return _MARKUP.sub("", text).strip()


def page_document(page: Page, theme_labels: dict[str, tuple[str, str]] | None = None) -> dict:
    """The fields of `page` in the index (all values are str, int or datetime)."""
    revision = page.current
    text = revision.text if revision is not None else ""
    body, actors = page_body(text), front_matter_list(text, "actors")
    sections = extract_sections(body)
    source = body.replace("\r\n", "\n").replace("\r", "\n")
    for kind in SECTION_FIELDS:
        section_text = sections.texts.get(kind)
        if section_text:
            source = source.replace(section_text, "", 1)  # its words go to their own field
    labels = theme_labels if theme_labels is not None else THEME_LABELS
    themes = [link.theme for link in page.themes]
    author = (revision.author_label or "") if revision is not None else ""
    document = {
        "id": str(page.id),
        "slug": page.slug,
        "revision": revision.id if revision is not None else 0,
        "type": page.type or "page",
        "title": page.title,
        "title_prefix": page.title,
        "title_sort": fold_accents(page.title),
        "body": plain(source),
        "levers": _items(sections.levers, sections.texts.get("levers")),
        "obstacles": _items(sections.obstacles, sections.texts.get("obstacles")),
        "replicate": _items(sections.replicate, sections.texts.get("replicate")),
        "themes": ",".join(themes),
        "tags": ",".join(dict.fromkeys(facet_key(t.tag) for t in page.tags if facet_key(t.tag))),
        "actors": "\n".join(actors),
        "territory": page.territory or "",
        "insee": page.insee or "",
        **_divisions(page),
        "scale": facet_key(page.scale or ""),
        "setting": facet_key(page.setting or ""),
        "status": facet_key(page.status or ""),
        "author": author,
        "updated": page.updated_at,
    }
    themes_text = " ".join(" ".join(labels.get(t, (t, ""))) for t in themes)
    # Everything a plain word or a phrase is looked for in (see schema.TEXT_FIELDS).
    document["content"] = "\n\n".join(
        part
        for part in (
            document["title"],
            document["levers"],
            document["obstacles"],
            document["replicate"],
            document["body"],
            document["territory"],
            themes_text,
            " ; ".join(t.tag for t in page.tags),
            " ; ".join(actors),
        )
        if part
    )
    document["fingerprint"] = fingerprint(document)
    return document


def _divisions(page: Page) -> dict[str, str]:
    """The department and region codes of the page's territory (empty when it names none)."""
    # Lower case, as every facet value is kept (facet_key): "2a" for Corse-du-Sud.
    return {
        "department": (page.department or "").lower(),
        "region": (page.region or "").lower(),
    }


def page_body(text: str) -> str:
    """The text without its front matter block.

    The metadata itself comes from the page row (parsed at save time): only the boundary of
    the block is needed here, and skipping the YAML parse makes a full reindex several times
    faster (ruamel takes ~15 ms a page).
    """
    try:
        return frontmatter.body_of(text)
    except FrontMatterError:
        return text  # saved before the rule existed: still searchable as text


_KEY_BLOCK = r"(?m)^{key}[ \t]*:.*(?:\n(?:[ \t]+.*|[ \t]*-.*|[ \t]*))*"
_safe_yaml = None


def front_matter_list(text: str, key: str) -> list[str]:
    """The list under `key` in the front matter ("actors: [mairie, CCAS]"), without parsing all.

    The metadata columns come from the page row; actors have none. Parsing the whole block
    costs ~15 ms a page with the round-trip parser; the one key with the safe C parser, ~0.5 ms.
    """
    global _safe_yaml
    try:
        located = frontmatter._locate(text)
    except FrontMatterError:
        return []
    if located is None:
        return []
    found = re.search(_KEY_BLOCK.format(key=re.escape(key)), located[1])
    if found is None:
        return []
    if _safe_yaml is None:
        from ruamel.yaml import YAML

        _safe_yaml = YAML(typ="safe")
    try:
        value = (_safe_yaml.load(found.group(0)) or {}).get(key)
    except Exception:  # a value the editor would refuse: no actors rather than no page
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [" ".join(str(v).split()) for v in value if v is not None and str(v).strip()]


def _items(items: list[str], section_text: str | None) -> str:
    # One item a line, so that a snippet is the lever or obstacle itself. A section written as
    # prose (no list) gives its paragraphs as items already; keep its full text if it has none.
    if items:
        return "\n".join(" ".join(item.split()) for item in items)
    return plain(section_text or "")


def fingerprint(document: dict) -> str:
    """Digest of what a document holds, to tell a stale index entry from a current one."""
    # The derived fields add nothing: they are made of the others.
    fields = {
        k: v for k, v in document.items() if k not in ("fingerprint", "title_prefix", "content")
    }
    data = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(data.encode("utf-8"), usedforsecurity=False).hexdigest()


def load_pages(session: Session, page_ids: list[int], fresh: bool = False) -> list[Page]:
    """The public pages with what their documents need (deleted or hidden pages leave the
    index); `fresh`: as the database holds them now, not as this session may have loaded them
    earlier."""
    statement = (
        select(Page)
        .where(Page.id.in_(page_ids), Page.public.is_(True))
        .options(
            selectinload(Page.themes),
            selectinload(Page.tags),
            joinedload(Page.current).joinedload(Revision.author),
        )
    )
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return list(session.scalars(statement).unique())


def theme_labels(session: Session) -> dict[str, tuple[str, str]]:
    labels = {t.slug: (t.label_fr, t.label_en) for t in session.scalars(select(Theme))}
    return labels or dict(THEME_LABELS)
