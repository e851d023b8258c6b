"""/api/v1/compare and /api/v1/territories: a selection side by side, territories at every
scale. Its routes join the API blueprint of wiki.api.views."""

from __future__ import annotations

from flask import abort, jsonify, request, url_for

from wiki.api import territories
from wiki.api.views import _choice, _pagination, _slice_arguments, bp, page_ref
from wiki.content import cog
from wiki.knowledge import experiences, selection
from wiki.models import Page

# What a selection URL may hold (as /compare); anything else is most likely a typo that would
# silently select everything, so it is refused with the list of what is understood.
COMPARE_ARGUMENTS = frozenset(
    {"q", "themes", "slug", "lang", "page", "per_page", *experiences.Filters.names()}
)
TERRITORY_ARGUMENTS = frozenset({"scale", "kind", "all", "lang", "page", "per_page"})


def _only(known: frozenset[str]) -> None:
    unknown = sorted(name for name in request.args if name not in known)
    if unknown:
        names = ", ".join(f"“{name[:50]}”" for name in unknown[:5])
        abort(400, f"Unknown argument {names}: this URL understands {', '.join(sorted(known))}.")


def _territory_fields(page: Page) -> dict:
    return {
        "territory": page.territory,
        "territory_scale": page.territory_level,
        "territory_code": page.territory_code,
        "insee": page.insee,
        "epci": page.epci,
        "department": page.department,
        "region": page.region,
    }


@bp.get("/compare")
def compare():
    """The experiences of a selection side by side, with their levers and obstacles."""
    _only(COMPARE_ARGUMENTS)
    number, per_page = _slice_arguments()
    try:
        chosen = selection.Selection.from_args(request.args)
    except selection.SelectionError as error:
        abort(400, str(error))
    pages, total = experiences.experiences_page(chosen.narrowed(), number, per_page)
    return jsonify(
        selection=chosen.args(),
        truncated=chosen.truncated,
        items=[
            {
                **page_ref(page),
                **_territory_fields(page),
                "scale": page.scale,
                "setting": page.setting,
                "status": page.status,
                "started": page.started,
                "themes": [t.theme for t in page.themes],
                "levers": experiences.statements_of(page, experiences.LEVER),
                "obstacles": experiences.statements_of(page, experiences.OBSTACLE),
                "replicate": experiences.statements_of(page, experiences.REPLICATE),
            }
            for page in pages
        ],
        **_pagination(total, number, per_page),
    )


def _place(place: cog.Place, own: int, within: int) -> dict:
    centre = cog.centre_of(place.level, place.code)
    epci = cog.get_epci(place.code) if place.level == "epci" else None
    return {
        "key": place.key,
        "scale": place.level,
        "code": place.code,
        "name": place.name,
        "nature": epci.nature if epci else None,
        "epci": place.epci if place.level == "commune" else None,
        "department": place.department if place.level != "department" else None,
        "region": place.region if place.level != "region" else None,
        "centre": {"lat": centre[0], "lon": centre[1]} if centre else None,
        "experiences": own,
        "experiences_within": within,
        "url": url_for("knowledge.territory", key=place.key, _external=True),
        "api_url": url_for("api.territory_detail", key=place.key, _external=True),
    }


@bp.get("/territories")
def territory_list():
    """Official territories at every scale with their experiences; by default only those that
    have some (`all=true`: every territory of the lists)."""
    _only(TERRITORY_ARGUMENTS)
    number, per_page = _slice_arguments()
    scale = _choice("scale", territories.SCALES, None)
    nature = _choice("kind", territories.EPCI_NATURES, None)
    everything = _choice("all", ("true", "false"), "false") == "true"
    scales = (scale,) if scale else ("epci",) if nature else territories.SCALES
    found, total, _counts = territories.territory_list(scales, nature, everything, number, per_page)
    return jsonify(
        items=[_place(place, own, within) for place, own, within in found],
        **_pagination(total, number, per_page),
    )


def _experience(page: Page) -> dict:
    return {**page_ref(page), **_territory_fields(page), "scale": page.scale, "status": page.status}


@bp.get("/territories/<key>")
def territory_detail(key):
    """One territory (commune, EPCI, department, region) and its experiences."""
    place = cog.place_for_key(key[:40])
    if place is None:
        abort(
            404,
            f"There is no territory “{key[:50]}”: give a commune's INSEE code (59491), an "
            f"EPCI's SIREN code (243500741), departement-59 or region-32.",
        )
    own, within = territories.experiences_of(place)
    epci = cog.get_epci(place.code) if place.level == "epci" else None
    return jsonify(
        **_place(place, len(own), len(within)),
        communes=[{"code": c.code, "name": c.name} for c in cog.members_of("epci", place.code)]
        if epci
        else None,
        items=[_experience(page) for page in own],
        within=[_experience(page) for page in within],
    )
