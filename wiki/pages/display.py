"""Turning a revision's text into what a reader sees: metadata box, HTML, table of contents."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from wiki.content.frontmatter import FrontMatterError, split
from wiki.content.metadata import Metadata, parse_metadata
from wiki.content.sections import Sections, extract_sections
from wiki.content.slugs import slug_for
from wiki.extensions import db
from wiki.models import Page, SlugRedirect
from wiki.render import Rendered, extract_wiki_links, render_markdown


@dataclass
class Shown:
    metadata: Metadata
    rendered: Rendered
    sections: Sections
    heading: str | None  # the body's leading "# " heading, shown as the page's h1
    front_matter_error: str | None = None  # why the metadata block could not be read


def existing_slugs(slugs: set[str]) -> set[str]:
    if not slugs:
        return set()
    found = set(db.session.scalars(select(Page.slug).where(Page.slug.in_(slugs))))
    found |= set(db.session.scalars(select(SlugRedirect.slug).where(SlugRedirect.slug.in_(slugs))))
    return found


class _LRU:
    """A small thread-safe LRU: rendering a long page costs seconds, reading it again should not."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_LINK_SLUGS = _LRU(512)
_SHOWN = _LRU(128)


def _link_slugs(digest: bytes, body: str) -> frozenset[str]:
    slugs = _LINK_SLUGS.get(digest)
    if slugs is None:
        slugs = frozenset(filter(None, (slug_for(t) for t in extract_wiki_links(body))))
        _LINK_SLUGS.put(digest, slugs)
    return slugs


def link_resolver(found: frozenset[str]):
    def resolve(title: str) -> tuple[str, bool]:
        slug = slug_for(title) or "page"
        if slug in found:
            return url_for("pages.view", slug=slug), True
        return url_for("pages.edit", slug=slug, title=title), False

    return resolve


def show(text: str) -> Shown:
    """What readers see of a text. Cached by text and by which of its links exist, so a new
    page turning a red link blue, or a theme added by an admin, gives a fresh rendering."""
    from wiki.pages.derived import theme_slugs

    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
    front_matter_error = None
    try:
        raw, body = split(text)
    except FrontMatterError as error:
        raw, body, front_matter_error = {}, text, str(error)
    heading, rest = _leading_heading(body)
    found = frozenset(existing_slugs(set(_link_slugs(digest, rest))))
    themes = tuple(theme_slugs())
    key = (digest, found, themes)
    shown = _SHOWN.get(key)
    if shown is None:
        metadata, _errors = parse_metadata(raw, themes)
        rendered = render_markdown(rest, link_resolver(found))
        sections = extract_sections(body)
        shown = Shown(metadata, rendered, sections, heading, front_matter_error)
        _SHOWN.put(key, shown)
    return shown


def _leading_heading(body: str) -> tuple[str | None, str]:
    """Take the first "# Title" line out of the body, so that it heads the page above the
    metadata and summary boxes instead of appearing below them."""
    stripped = body.lstrip("\n")
    first, _newline, rest = stripped.partition("\n")
    if first.startswith("# ") and first[2:].strip():
        return first[2:].strip().rstrip("#").strip(), rest
    return None, body
