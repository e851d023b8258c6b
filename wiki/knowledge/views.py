"""Browsing and research URLs: themes, territories, map, comparison, invariants, link reports."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from wiki import spreadsheet
from wiki.extensions import configured_limit
from wiki.knowledge import service
from wiki.models import Page

bp = Blueprint("knowledge", __name__)


def page_url(page: Page) -> str:
    return url_for("pages.view", slug=page.slug, _external=True)


@bp.app_template_global()
def backlinks_of(page: Page) -> list[Page]:
    """For templates/knowledge/_backlinks.html, included by the page view."""
    return service.backlinks(page)


# --- Themes and territories ---------------------------------------------------------------


@bp.get("/themes")
def themes():
    return render_template("knowledge/themes.html", themes=service.themes_with_counts())


@bp.get("/themes/<name>")
def theme(name):
    found = service.find_theme(name)
    if found is None:
        abort(404, _("There is no theme “%(name)s”.", name=name))
    if found.slug != name:
        return redirect(url_for("knowledge.theme", name=found.slug), 301)
    return render_template(
        "knowledge/theme.html",
        theme=found,
        experiences=service.experiences(service.Filters(theme=found.slug), statements=False),
        levers=service.recurrences(service.LEVER, theme=found.slug, limit=10),
        obstacles=service.recurrences(service.OBSTACLE, theme=found.slug, limit=10),
    )


@bp.get("/territories")
def territories():
    return render_template("knowledge/territories.html", territories=service.territories())


@bp.get("/territories/<key>")
def territory(key):
    found = service.find_territory(key)
    if found is None:
        abort(404, _("There is no territory “%(key)s” in the wiki.", key=key))
    return render_template("knowledge/territory.html", territory=found)


# --- Map ----------------------------------------------------------------------------------


def _map_filters() -> service.Filters:
    filters = service.Filters.from_mapping(request.args)
    return service.Filters(theme=filters.theme, status=filters.status)


@bp.get("/map")
def map_view():
    filters = _map_filters()
    return render_template(
        "knowledge/map.html",
        filters=filters,
        entries=service.map_entries(filters),
        themes=service.all_themes(),
        statuses=service.comparison_vocabularies()["status"],
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@bp.get("/map.json")
@configured_limit("SEARCH_RATE_LIMIT")
def map_json():
    entries = service.map_entries(_map_filters())
    response = jsonify(service.geojson(entries, page_url))
    response.mimetype = "application/geo+json"
    return response


# --- Researcher views ---------------------------------------------------------------------


@bp.get("/compare")
@configured_limit("SEARCH_RATE_LIMIT")
def compare():
    filters = service.Filters.from_mapping(request.args)
    per_page = 50
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    pages, total = service.experiences_page(filters, number, per_page)
    return render_template(
        "knowledge/compare.html",
        filters=filters,
        pages=pages,
        total=total,
        number=number,
        last=max(1, -(-total // per_page)),
        themes=service.all_themes(),
        vocabularies=service.comparison_vocabularies(),
        statements_of=service.statements_of,
    )


@bp.get("/compare.csv")
@configured_limit("EXPORT_RATE_LIMIT")
def compare_csv():
    filters = service.Filters.from_mapping(request.args)
    body = service.comparison_csv(
        service.experiences(filters), page_url, spreadsheet.delimiter(request.args)
    )
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="essaim-experiences.csv"',
        },
    )


@bp.get("/invariants")
@configured_limit("SEARCH_RATE_LIMIT")
def invariants():
    name = request.args.get("theme") or None
    chosen = service.find_theme(name) if name else None
    if name and chosen is None:
        abort(404, _("There is no theme “%(name)s”.", name=name))
    return render_template(
        "knowledge/invariants.html",
        groups=service.invariants(chosen),
        chosen=chosen,
        themes=service.all_themes(),
    )


# --- Link reports -------------------------------------------------------------------------


@bp.get("/special/orphans")
def orphans():
    return render_template("knowledge/orphans.html", pages=service.orphans())


@bp.get("/special/wanted")
def wanted():
    return render_template("knowledge/wanted.html", wanted=service.wanted_pages())
