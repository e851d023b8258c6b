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
    has_h1: bool


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
    rendered = render_markdown(body, link_resolver(body))
    has_h1 = body.lstrip().startswith("# ")
    return Shown(metadata, rendered, extract_sections(body), has_h1)
