"""Turning a revision's text into what a reader sees: metadata box, HTML, table of contents."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from wiki.content.frontmatter import FrontMatterError, split
from wiki.content.metadata import Metadata, parse_metadata
from wiki.content.sections import Sections, extract_sections
from wiki.extensions import db
from wiki.models import Page, SlugRedirect
from wiki.pages.service import slug_for
from wiki.render import Rendered, extract_wiki_links, render_markdown


@dataclass
class Shown:
    metadata: Metadata
    rendered: Rendered
    sections: Sections
    heading: str | None  # the body's leading "# " heading, shown as the page's h1


def existing_slugs(slugs: set[str]) -> set[str]:
    if not slugs:
        return set()
    found = set(db.session.scalars(select(Page.slug).where(Page.slug.in_(slugs))))
    found |= set(db.session.scalars(select(SlugRedirect.slug).where(SlugRedirect.slug.in_(slugs))))
    return found


def link_resolver(body: str):
    """One query for all the links of a page, then a lookup per link while rendering."""
    slugs = {slug_for(title) for title in extract_wiki_links(body)}
    found = existing_slugs({s for s in slugs if s})

    def resolve(title: str) -> tuple[str, bool]:
        slug = slug_for(title) or "page"
        if slug in found:
            return url_for("pages.view", slug=slug), True
        return url_for("pages.edit", slug=slug, title=title), False

    return resolve


def show(text: str) -> Shown:
    from wiki.pages.derived import theme_slugs

    try:
        raw, body = split(text)
    except FrontMatterError:
        raw, body = {}, text
    metadata, _errors = parse_metadata(raw, theme_slugs())
    heading, rest = _leading_heading(body)
    rendered = render_markdown(rest, link_resolver(rest))
    return Shown(metadata, rendered, extract_sections(body), heading)


def _leading_heading(body: str) -> tuple[str | None, str]:
    """Take the first "# Title" line out of the body, so that it heads the page above the
    metadata and summary boxes instead of appearing below them."""
    stripped = body.lstrip("\n")
    first, _newline, rest = stripped.partition("\n")
    if first.startswith("# ") and first[2:].strip():
        return first[2:].strip().rstrip("#").strip(), rest
    return None, body
