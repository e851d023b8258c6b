"""Places: territories (by commune code or name), the communes list and the map."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from wiki.content.cog import (
    Commune,
    Place,
    centre_of,
    get_commune,
    place_for_code,
    place_for_key,
    search_communes,
    search_epci,
)
from wiki.content.slugs import slug_for
from wiki.content.text import fold
from wiki.extensions import db
from wiki.knowledge.experiences import EXPERIENCE, Filters, experiences, sort_key
from wiki.models import Page

_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.IGNORECASE)


@dataclass
class Territory:
    """The experiences of one place, addressed by official code or by the slug of its name."""

    key: str
    name: str
    commune: Commune | None = None
    experiences: list[Page] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)  # its own wiki pages (type territory)
    place: Place | None = None  # commune, EPCI, department or region, when it has a code
    centre: tuple[float, float] | None = None  # (lat, lon) of its map marker
    # Experiences of the places inside it (an EPCI's communes…) and around it (a commune's
    # EPCI, department and region), each as (heading place, experiences).
    inside: list[Page] = field(default_factory=list)
    around: list[tuple[Place, list[Page]]] = field(default_factory=list)


def _located_pages() -> list[Page]:
    return list(
        db.session.scalars(
            select(Page).where(
                Page.type.in_((EXPERIENCE, "territory")),
                Page.public.is_(True),
                (Page.territory_code.is_not(None)) | (Page.territory.is_not(None)),
            )
        )
    )


def territory_slug(name: str | None) -> str:
    """ "Pays d’Évian" -> "pays-d-evian": folded first, so both apostrophes separate words."""
    return slug_for(fold(name or ""))


def _territory_key(page: Page) -> str | None:
    return page.territory_key or territory_slug(page.territory) or None


def _add(territory: Territory, page: Page) -> None:
    (territory.experiences if page.type == EXPERIENCE else territory.pages).append(page)


def _sorted(territory: Territory) -> Territory:
    for pages in (territory.experiences, territory.pages, territory.inside):
        pages.sort(key=lambda page: sort_key(page.title))
    return territory


def territories(level: str | None = None) -> list[Territory]:
    """Every territory that has pages, grouped by official code when there is one."""
    found: dict[str, Territory] = {}
    for page in _located_pages():
        if level and page.territory_level != level:
            continue
        key = _territory_key(page)
        if not key:
            continue
        if key not in found:
            place = place_for_key(page.territory_key) if page.territory_key else None
            commune = get_commune(page.insee) if page.insee else None
            # A wider territory under the name its authors give it ("Pays de Redon").
            name = (page.territory or place.name) if place and not commune else None
            name = name or (place.name if place else (page.territory or key))
            found[key] = Territory(key, name, commune, place=place)
        _add(found[key], page)
    return sorted((_sorted(t) for t in found.values()), key=lambda t: sort_key(t.name))


def _experiences_where(*conditions) -> list[Page]:
    query = select(Page).where(Page.type == EXPERIENCE, Page.public.is_(True), *conditions)
    return sorted(db.session.scalars(query), key=lambda page: sort_key(page.title))


def _around(place: Place) -> list[tuple[Place, list[Page]]]:
    """The experiences whose territory is a wider one containing this place."""
    wider = []
    if place.level == "commune" and place.epci:
        wider.append(place_for_code(place.epci))
    if place.level in ("commune", "epci") and place.department:
        wider.append(place_for_key(f"departement-{place.department}"))
    if place.level != "region" and place.region:
        wider.append(place_for_key(f"region-{place.region}"))
    found = []
    for each in filter(None, wider):
        pages = _experiences_where(
            Page.territory_level == each.level, Page.territory_code == each.code
        )
        found.append((each, pages))
    return found


def _inside(place: Place) -> list[Page]:
    """The experiences of narrower territories within this one (an EPCI's communes…)."""
    column = {"epci": Page.epci, "department": Page.department, "region": Page.region}
    if place.level not in column:
        return []
    return _experiences_where(
        column[place.level] == place.code, Page.territory_level != place.level
    )


def _coded_territory(place: Place) -> Territory:
    commune = get_commune(place.commune) if place.commune else None
    territory = Territory(place.key, place.name, commune, place=place)
    own = (Page.territory_level == place.level) & (Page.territory_code == place.code)
    if place.level == "commune":  # older rows and wider scales that borrow a commune's code
        own = own | (Page.insee == place.code)
    pages = db.session.scalars(
        select(Page).where(Page.type.in_((EXPERIENCE, "territory")), Page.public.is_(True), own)
    )
    for page in pages:
        _add(territory, page)
    named = territory.experiences + territory.pages
    if place.level != "commune" and named and named[0].territory:
        territory.name = named[0].territory  # "Pays de Redon", as its authors call it
    territory.inside = _inside(place)
    territory.around = _around(place)
    territory.centre = centre_of(place.level, place.code)
    return _sorted(territory)


def find_territory(key: str) -> Territory | None:
    """The territory of an official code ("59491", "243500741", "departement-15", "region-32")
    or of a name slug ("raismes", "pays-d-evian"); None if unknown."""
    key = key.strip()
    place = place_for_key(key)
    if place is not None:
        return _coded_territory(place)
    if _INSEE.match(key) or key.isdigit():
        return None
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
    if territory.commune:
        territory.centre = centre_of("commune", territory.commune.code)
    return _sorted(territory)


def communes_for_autocomplete(query: str, limit: int = 10) -> list[dict]:
    """Communes whose name (accents ignored) or code starts with the query, for the editor,
    then up to 3 intercommunalities whose name holds it (their SIREN code as `code`; no point,
    so that choosing one does not pin the page to a town)."""
    epcis = search_epci(query, 3) if len((query or "").strip()) >= 3 else []
    communes = search_communes(query or "", limit - len(epcis))
    return [
        {
            "code": commune.code,
            "name": commune.name,
            "department": commune.department,
            "lat": commune.lat,
            "lon": commune.lon,
        }
        for commune in communes
    ] + [
        {
            "code": epci.code,
            "name": epci.name,
            "department": epci.department,
            "lat": None,
            "lon": None,
        }
        for epci in epcis
    ]


# -- the map ---------------------------------------------------------------------------------------


@dataclass
class MapEntry:
    """An experience and where it shows on the map; `located` says where the point comes from."""

    page: Page
    lat: float | None
    lon: float | None
    # "page": its own coordinates; "commune": its commune's; "territory": the centre of its EPCI,
    # department or region; None: nowhere
    located: str | None
    commune: Commune | None = None


def map_entries(filters: Filters | None = None) -> list[MapEntry]:
    entries = []
    for page in experiences(filters, statements=False):
        commune = get_commune(page.insee) if page.insee else None
        if page.lat is not None and page.lon is not None:
            entries.append(MapEntry(page, page.lat, page.lon, "page", commune))
        elif commune is not None and commune.lat is not None and commune.lon is not None:
            entries.append(MapEntry(page, commune.lat, commune.lon, "commune", commune))
        elif page.territory_code and (
            centre := centre_of(page.territory_level, page.territory_code)
        ):
            entries.append(MapEntry(page, *centre, "territory"))
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
            "territory_code": page.territory_code,
            "approximate": entry.located in ("commune", "territory"),
        }
        if entry.located == "commune":
            properties["commune"] = entry.commune.name
        elif entry.located == "territory":
            properties["centre_of"] = page.territory or page.territory_code
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [entry.lon, entry.lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}
