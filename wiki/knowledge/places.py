"""Places: territories (by commune code or name), the communes list and the map."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from wiki.content.cog import Commune, get_commune, search_communes
from wiki.content.slugs import slug_for
from wiki.content.text import fold
from wiki.extensions import db
from wiki.knowledge.experiences import EXPERIENCE, Filters, experiences, sort_key
from wiki.models import Page

_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.IGNORECASE)


@dataclass
class Territory:
    """The experiences of one place, addressed by INSEE code or by the slug of its name."""

    key: str
    name: str
    commune: Commune | None = None
    experiences: list[Page] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)  # its own wiki pages (type territory)


def _located_pages() -> list[Page]:
    return list(
        db.session.scalars(
            select(Page).where(
                Page.type.in_((EXPERIENCE, "territory")),
                Page.public.is_(True),
                (Page.insee.is_not(None)) | (Page.territory.is_not(None)),
            )
        )
    )


def territory_slug(name: str | None) -> str:
    """ "Pays d’Évian" -> "pays-d-evian": folded first, so both apostrophes separate words."""
    return slug_for(fold(name or ""))


def _territory_key(page: Page) -> str | None:
    return page.insee or territory_slug(page.territory) or None


def _add(territory: Territory, page: Page) -> None:
    (territory.experiences if page.type == EXPERIENCE else territory.pages).append(page)


def _sorted(territory: Territory) -> Territory:
    territory.experiences.sort(key=lambda page: sort_key(page.title))
    territory.pages.sort(key=lambda page: sort_key(page.title))
    return territory


def territories() -> list[Territory]:
    """Every territory that has pages, grouped by commune code when there is one."""
    found: dict[str, Territory] = {}
    for page in _located_pages():
        key = _territory_key(page)
        if not key:
            continue
        if key not in found:
            commune = get_commune(page.insee) if page.insee else None
            name = commune.name if commune else (page.territory or key)
            found[key] = Territory(key, name, commune)
        _add(found[key], page)
    return sorted((_sorted(t) for t in found.values()), key=lambda t: sort_key(t.name))


def find_territory(key: str) -> Territory | None:
    """The territory of a commune code ("59491") or a name slug ("raismes"); None if unknown."""
    key = key.strip()
    if _INSEE.match(key):
        code = key.upper()
        commune = get_commune(code)
        territory = Territory(code, commune.name if commune else code, commune)
        for page in _located_pages():
            if page.insee == code:
                _add(territory, page)
        if commune is None and not territory.experiences and not territory.pages:
            return None
        if commune is None:
            territory.name = next(p.territory for p in territory.experiences + territory.pages)
        return _sorted(territory)
    slug = territory_slug(key)
    if not slug:
        return None
    territory = Territory(slug, "")
    for page in _located_pages():
        commune = get_commune(page.insee) if page.insee else None
        if slug in (
            territory_slug(page.territory),
            territory_slug(commune.name) if commune else None,
        ):
            _add(territory, page)
            territory.name = territory.name or page.territory or commune.name
    codes = {p.insee for p in territory.experiences + territory.pages if p.insee}
    if len(codes) == 1:
        territory.commune = get_commune(codes.pop())
    if not territory.experiences and not territory.pages:
        communes = [
            c for c in search_communes(key.replace("-", " "), 50) if territory_slug(c.name) == slug
        ]
        if len(communes) != 1:
            return None
        territory.commune = communes[0]
    if territory.commune and not territory.name:
        territory.name = territory.commune.name
    return _sorted(territory)


def communes_for_autocomplete(query: str, limit: int = 10) -> list[dict]:
    """Communes whose name (accents ignored) or code starts with the query, for the editor."""
    return [
        {
            "code": commune.code,
            "name": commune.name,
            "department": commune.department,
            "lat": commune.lat,
            "lon": commune.lon,
        }
        for commune in search_communes(query or "", limit)
    ]


# -- the map ---------------------------------------------------------------------------------------


@dataclass
class MapEntry:
    """An experience and where it shows on the map; `located` says where the point comes from."""

    page: Page
    lat: float | None
    lon: float | None
    located: str | None  # "page": its own coordinates; "commune": its commune's; None: nowhere
    commune: Commune | None = None


def map_entries(filters: Filters | None = None) -> list[MapEntry]:
    entries = []
    for page in experiences(filters, statements=False):
        commune = get_commune(page.insee) if page.insee else None
        if page.lat is not None and page.lon is not None:
            entries.append(MapEntry(page, page.lat, page.lon, "page", commune))
        elif commune is not None and commune.lat is not None and commune.lon is not None:
            entries.append(MapEntry(page, commune.lat, commune.lon, "commune", commune))
        else:
            entries.append(MapEntry(page, None, None, None, commune))
    return entries


def geojson(entries: list[MapEntry], page_url: Callable[[Page], str]) -> dict:
    """A GeoJSON FeatureCollection of the entries that have a point (lon, lat order)."""
    features = []
    for entry in entries:
        if entry.located is None:
            continue
        page = entry.page
        properties = {
            "title": page.title,
            "url": page_url(page),
            "territory": page.territory,
            "insee": page.insee,
            "status": page.status,
            "themes": [t.theme for t in page.themes],
            "located": entry.located,
            "approximate": entry.located == "commune",
        }
        if entry.located == "commune":
            properties["commune"] = entry.commune.name
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [entry.lon, entry.lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}
