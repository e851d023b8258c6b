"""Data derived from a revision's text: metadata columns, themes, tags, links, levers.

One function recomputes all of it, used alike by save, import and reindex, so derived rows can
always be rebuilt from the revisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from wiki.content.frontmatter import FrontMatterError, read
from wiki.content.metadata import DEFAULT_THEMES, FieldError, Metadata, parse_metadata
from wiki.content.sections import Sections, extract_sections, normalise_item
from wiki.content.slugs import slug_for
from wiki.extensions import db
from wiki.files import service as file_service
from wiki.labels import theme_slugs_of_request
from wiki.models import Link, Page, PageTag, PageTheme, Statement, Theme
from wiki.render import extract_wiki_links
from wiki.social import inspirations

SECTION_NAMES = {
    "levers": _l("Levers"),
    "obstacles": _l("Obstacles"),
    "replicate": _l("To replicate"),
    "context": _l("Context"),
    "done": _l("What was done"),
    "contacts": _l("Contacts and resources"),
}
STATEMENT_KINDS = {"levers": "lever", "obstacles": "obstacle", "replicate": "replicate"}


def theme_slugs() -> list[str]:
    if has_request_context():  # themes do not change within a request: one read for both
        slugs = theme_slugs_of_request()
    else:
        slugs = list(db.session.scalars(select(Theme.slug).order_by(Theme.position)))
    return slugs or [slug for slug, _fr, _en in DEFAULT_THEMES]


@dataclass
class Parsed:
    """A revision text read once: what a save checks, and what the derived rows are made of."""

    metadata: Metadata
    body: str
    sections: Sections
    errors: list[FieldError]  # what a writer must fix before saving (empty: the text is fine)


def parse(text: str) -> Parsed:
    """Split the front matter, read the metadata and find the sections, once.

    Text whose front matter cannot be read (saved before a rule existed) still gives derived
    rows: no metadata, and the whole text as the body.
    """
    themes = theme_slugs()
    try:
        meta, body = read(text)
    except FrontMatterError as error:
        metadata, _errors = parse_metadata({}, themes)
        return Parsed(
            metadata, text, extract_sections(text), [FieldError("front_matter", str(error))]
        )
    metadata, errors = parse_metadata(meta, themes)
    sections = extract_sections(body)
    extract_wiki_links(body)  # parsed now, within the caller's time budget; refresh() reuses it
    for kind in sections.duplicates:
        if kind in SECTION_NAMES:
            errors.append(
                FieldError(
                    "sections",
                    str(
                        _l(
                            "The section “%(name)s” appears twice. Merge the two into one, "
                            "so that readers and searches find all of it in one place.",
                            name=SECTION_NAMES[kind],
                        )
                    ),
                )
            )
    return Parsed(metadata, body, sections, errors)


def refresh(page: Page, parsed: Parsed) -> None:
    """Rewrite the page's derived rows (metadata columns, themes, tags, statements, links)."""
    metadata, sections = parsed.metadata, parsed.sections
    page.type = metadata.type or "page"
    page.territory = metadata.territory
    page.insee = metadata.insee
    place = metadata.place
    page.territory_level = place.level if place else None
    page.territory_code = place.code if place else None
    page.epci = place.epci if place else None
    page.department = place.department if place else None
    page.region = place.region if place else None
    page.scale = metadata.scale
    page.setting = metadata.setting
    page.status = metadata.status
    page.started = metadata.started
    page.lat, page.lon = metadata.lat, metadata.lon

    db.session.execute(delete(PageTheme).where(PageTheme.page_id == page.id))
    db.session.execute(delete(PageTag).where(PageTag.page_id == page.id))
    db.session.execute(delete(Statement).where(Statement.page_id == page.id))
    db.session.execute(delete(Link).where(Link.source_id == page.id))
    db.session.flush()
    db.session.expire(page, ["themes", "tags", "statements"])
    for theme in dict.fromkeys(metadata.themes):
        db.session.add(PageTheme(page_id=page.id, theme=theme))
    for tag in dict.fromkeys(t.strip()[:128] for t in metadata.tags if t.strip()):
        db.session.add(PageTag(page_id=page.id, tag=tag))

    for attr, kind in STATEMENT_KINDS.items():
        for position, item in enumerate(getattr(sections, attr)):
            db.session.add(
                Statement(
                    page_id=page.id,
                    kind=kind,
                    position=position,
                    text=item,
                    key=normalise_item(item)[:255],
                )
            )
    seen = set()
    for title in extract_wiki_links(parsed.body):
        target = slug_for(title)
        if target and target not in seen:
            seen.add(target)
            db.session.add(Link(source_id=page.id, target_slug=target, target_title=title[:255]))
    file_service.refresh_uses(page, parsed.body)
    inspirations.refresh(page, metadata.extra)
    db.session.flush()


def content_error_message():
    return _l("Some information needs fixing before the page can be saved.")
