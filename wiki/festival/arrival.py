"""A page opened from a QR code or a shared link: preview tags and a small map of its place."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from flask import current_app, url_for

from wiki.content.cog import get_commune
from wiki.festival import sheets
from wiki.lru import LRU


@dataclass
class Place:
    lat: float
    lon: float
    zoom: int
    approximate: bool  # placed at the centre of its commune
    label: str


def place_of(page) -> Place | None:
    """Where the page's experience is, as the map view places it: its own coordinates, else
    the centre of its commune (INSEE code), else nowhere."""
    commune = get_commune(page.insee) if page.insee else None
    label = page.territory or (commune.name if commune else "")
    if page.lat is not None and page.lon is not None:
        return Place(page.lat, page.lon, 13, False, label)
    if commune is not None and commune.lat is not None and commune.lon is not None:
        return Place(commune.lat, commune.lon, 11, True, commune.name)
    return None


@dataclass
class Card:
    """Open Graph / Twitter card of a page: what a shared link shows as its preview."""

    title: str
    description: str
    url: str
    image: str | None
    image_alt: str


# The card's description, by the lead it is made from: turning Markdown into one line of plain
# text renders it (Markdown parser and HTML sanitiser), which every view of a page repeated.
_DESCRIPTIONS = LRU(2048, max_weight=8 * 1024 * 1024)


def _description(lead: str) -> str:
    description = _DESCRIPTIONS.get(lead)
    if description is None:
        description, _cut = sheets._shorten(sheets.plain(lead), 200)
        _DESCRIPTIONS.put(lead, description, weight=len(lead))
    return description


def card_of(page, shown) -> Card:
    lead = shown.sections.texts.get("context") or sheets._first_paragraph(page.current.text)
    description = _description(lead) if lead else ""
    if not description:
        parts = [shown.metadata.territory or "", ", ".join(shown.metadata.themes)]
        description = " · ".join(p for p in parts if p)
    image, alt = sheets.first_image(shown.rendered.html)
    if image:
        image = urljoin(url_for("pages.home", _external=True), image)
        if not image.startswith(("https://", "http://")):
            image = None
    return Card(
        title=shown.heading or page.title,
        description=description,
        url=url_for("pages.view", slug=page.slug, _external=True),
        image=image,
        image_alt=alt,
    )


def map_settings() -> dict:
    config = current_app.config
    return {"tile_url": config["MAP_TILE_URL"], "attribution": config["MAP_TILE_ATTRIBUTION"]}
