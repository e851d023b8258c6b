"""Turning a revision's text into what a reader sees: metadata box, HTML, table of contents."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from flask import current_app, url_for
from sqlalchemy import select

from wiki.content.frontmatter import FrontMatterError, read
from wiki.content.metadata import Metadata, parse_metadata
from wiki.content.sections import Sections, extract_sections
from wiki.content.slugs import slug_for
from wiki.extensions import db
from wiki.files import display as file_display
from wiki.files import service as file_service
from wiki.limits import BudgetExceeded, time_budget
from wiki.lru import LRU
from wiki.models import Page, SlugRedirect
from wiki.render import Rendered, extract_wiki_links, footnotes, render_markdown
from wiki.render.files import missing_file
from wiki.render.markdown import scan_wiki_links


@dataclass
class Shown:
    metadata: Metadata
    rendered: Rendered
    sections: Sections
    heading: str | None  # the body's leading "# " heading, shown as the page's h1
    front_matter_error: str | None = None  # why the metadata block could not be read
    made_at: float = 0.0  # time.monotonic() when rendered
    notes: dict[str, int] = field(default_factory=dict)  # footnote numbers, by label

    @property
    def over_budget(self) -> bool:
        """Formatting took longer than RENDER_TIME_BUDGET: the text is shown plain."""
        return self.rendered.over_budget


def existing_slugs(slugs: set[str]) -> set[str]:
    if not slugs:
        return set()
    found = set(db.session.scalars(select(Page.slug).where(Page.slug.in_(slugs))))
    found |= set(db.session.scalars(select(SlugRedirect.slug).where(SlugRedirect.slug.in_(slugs))))
    return found


# What each text refers to, by its digest: the slugs of its wiki links and the files it shows
# (a few hundred bytes a text). With them a page view finds its rendering without reading the
# front matter or scanning the body again. Sized for a wiki's read pages, well past _SHOWN.
_REFERENCES = LRU(8192)
# Texts are weighed by their length: about 64 MB of source text per process at most, whatever
# the pages' sizes, and up to 2,048 pages, so that a wiki's most read pages stay rendered.
_CACHE_CHARACTERS = 64 * 1024 * 1024
_SHOWN = LRU(2048, max_weight=_CACHE_CHARACTERS)
# A rendering cut short by the time budget is kept this long, then tried again (the server may
# just have been busy); meanwhile readers of a hostile page cost nothing.
RETRY_OVER_BUDGET_AFTER = 300.0


def _references(digest: bytes, text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(slugs of the text's wiki links, names of the files it shows), kept by digest; a text
    whose links took longer than the budget to find is scanned again at its next view."""
    kept = _REFERENCES.get(digest)
    if kept is not None:
        return kept
    _raw, body, _error = _split(text)
    _heading, rest = _leading_heading(body)
    files = tuple(file_service.references(rest))
    try:
        titles = extract_wiki_links(rest)
    except BudgetExceeded:
        slugs = frozenset(filter(None, (slug_for(t) for t in scan_wiki_links(rest))))
        return slugs, files
    kept = (frozenset(filter(None, (slug_for(t) for t in titles))), files)
    _REFERENCES.put(digest, kept)
    return kept


def link_resolver(found: frozenset[str]):
    def resolve(title: str) -> tuple[str, bool]:
        slug = slug_for(title) or "page"
        if slug in found:
            return url_for("pages.view", slug=slug), True
        return url_for("pages.edit", slug=slug, title=title), False

    return resolve


def show(text: str) -> Shown:
    """What readers see of a text. Cached by text and by which of its links exist, so a new
    page turning a red link blue, or a theme added by an admin, gives a fresh rendering.
    Parsing runs under RENDER_TIME_BUDGET seconds; past it the text is shown plain."""
    with time_budget(current_app.config.get("RENDER_TIME_BUDGET")):
        return _show(text)


def _show(text: str) -> Shown:
    from wiki.pages.derived import theme_slugs

    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
    link_slugs, file_names = _references(digest, text)
    found = frozenset(existing_slugs(set(link_slugs)))
    themes = tuple(theme_slugs())
    files = file_display.resolve(file_names)
    key = (digest, found, themes, tuple(files.values()))
    shown = _SHOWN.get(key)
    if shown is not None and shown.over_budget:
        if time.monotonic() - shown.made_at > RETRY_OVER_BUDGET_AFTER:
            shown = None
    if shown is None:
        raw, body, front_matter_error = _split(text)
        heading, rest = _leading_heading(body)
        metadata, _errors = parse_metadata(raw, themes)
        resolve_file = lambda name: files.get(name) or missing_file(name)  # noqa: E731
        rendered = render_markdown(rest, link_resolver(found), resolve_file)
        try:
            sections = extract_sections(body) if not rendered.over_budget else Sections()
        except BudgetExceeded:
            sections = Sections()
        shown = Shown(
            metadata,
            rendered,
            sections,
            heading,
            front_matter_error,
            made_at=time.monotonic(),
            notes=footnotes.page_numbers(rest) if "[^" in rest else {},
        )
        _SHOWN.put(key, shown, weight=len(text))
    return shown


def _split(text: str) -> tuple[dict, str, str | None]:
    """(front matter, body, why the front matter could not be read)."""
    try:
        raw, body = read(text)
        return raw, body, None
    except FrontMatterError as error:
        return {}, text, str(error)


def _leading_heading(body: str) -> tuple[str | None, str]:
    """Take the first "# Title" line out of the body, so that it heads the page above the
    metadata and summary boxes instead of appearing below them."""
    stripped = body.lstrip("\n")
    first, _newline, rest = stripped.partition("\n")
    if first.startswith("# ") and first[2:].strip():
        return first[2:].strip().rstrip("#").strip(), rest
    return None, body
