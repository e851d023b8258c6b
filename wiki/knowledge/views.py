"""Browsing and research URLs: themes, territories, map, comparison, invariants, link reports."""

from __future__ import annotations

from flask import (
    Blueprint,
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
from wiki.content import cog
from wiki.content.cog import region_list
from wiki.extensions import configured_limit
from wiki.knowledge import (
    experiences,
    figures,
    links,
    places,
    recurrences,
    selection,
    vocabulary,
)
from wiki.labels import theme_label, value_label
from wiki.limits import MAX_PAGE_NUMBER, whole_number
from wiki.models import Page

bp = Blueprint("knowledge", __name__)


def page_url(page: Page) -> str:
    return url_for("pages.view", slug=page.slug, _external=True)


# Names of the divisions a territory page mentions by code.
bp.add_app_template_filter(cog.get_department, "department")
bp.add_app_template_filter(cog.get_region, "region")
bp.add_app_template_filter(cog.get_epci, "epci")


@bp.app_template_global()
def backlinks_of(page: Page) -> list:
    """For templates/knowledge/_backlinks.html, included by the page view: slugs and titles."""
    return links.backlink_names(page)


# --- Themes and territories ---------------------------------------------------------------


@bp.get("/themes")
def themes():
    return render_template("knowledge/themes.html", themes=vocabulary.themes_with_counts())


@bp.get("/themes/<name>")
def theme(name):
    found = vocabulary.find_theme(name)
    if found is None:
        abort(404, _("There is no theme “%(name)s”.", name=name))
    if found.slug != name:
        return redirect(url_for("knowledge.theme", name=found.slug), 301)
    return render_template(
        "knowledge/theme.html",
        theme=found,
        experiences=experiences.experiences(
            experiences.Filters(theme=found.slug), statements=False
        ),
        levers=recurrences.recurrences(experiences.LEVER, theme=found.slug, limit=10),
        obstacles=recurrences.recurrences(experiences.OBSTACLE, theme=found.slug, limit=10),
    )


@bp.get("/territories")
def territories():
    return render_template("knowledge/territories.html", territories=places.territories())


@bp.get("/territories/<key>")
def territory(key):
    found = places.find_territory(key)
    if found is None:
        abort(404, _("There is no territory “%(key)s” in the wiki.", key=key))
    return render_template("knowledge/territory.html", territory=found)


# --- Map ----------------------------------------------------------------------------------


@bp.get("/map")
def map_view():
    chosen = _selection()
    return render_template(
        "knowledge/map.html",
        selection=chosen,
        filters=chosen.filters,
        entries=places.map_entries(chosen.narrowed()),
        themes=vocabulary.all_themes(),
        statuses=experiences.comparison_vocabularies()["status"],
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@bp.get("/map.json")
@configured_limit("SEARCH_RATE_LIMIT")
def map_json():
    entries = places.map_entries(_selection().narrowed())
    response = jsonify(places.geojson(entries, page_url))
    response.mimetype = "application/geo+json"
    return response


# --- Researcher views ---------------------------------------------------------------------


def _selection() -> selection.Selection:
    try:
        return selection.Selection.from_args(request.args)
    except selection.SelectionError as error:
        abort(400, str(error))


# Columns of the comparison table a reader may show or hide; the title is always there.
COMPARE_COLUMNS = (
    "territory", "scale", "setting", "status", "started", "levers", "obstacles", "replicate"
)  # fmt: skip
COMPARE_DEFAULT = ("territory", "scale", "setting", "status", "levers", "obstacles")


def _compare_columns() -> tuple[str, ...]:
    chosen = [c for c in COMPARE_COLUMNS if c in request.args.getlist("col")]
    return tuple(chosen) or COMPARE_DEFAULT


@bp.get("/compare")
@configured_limit("SEARCH_RATE_LIMIT")
def compare():
    chosen = _selection()
    columns = _compare_columns()
    per_page = 50
    number = whole_number(request.args.get("page"), MAX_PAGE_NUMBER) or 1
    pages, total = experiences.experiences_page(chosen.narrowed(), number, per_page)
    return render_template(
        "knowledge/compare.html",
        selection=chosen,
        columns=columns,
        column_args={"col": list(columns)} if columns != COMPARE_DEFAULT else {},
        all_columns=COMPARE_COLUMNS,
        filters=chosen.filters,
        max_searched=selection.MAX_SEARCHED,
        pages=pages,
        total=total,
        number=number,
        last=max(1, -(-total // per_page)),
        themes=vocabulary.all_themes(),
        vocabularies=experiences.comparison_vocabularies(),
        regions=sorted(region_list(), key=lambda r: experiences.sort_key(r.name)),
        statements_of=experiences.statements_of,
        unknown=selection.unknown_arguments(request.args, "page", "col"),
    )


def _comparison_download(xlsx_format: bool):
    unknown = selection.unknown_arguments(request.args, "sep", "header", "col")
    if unknown:
        abort(
            400,
            _(
                "This download does not understand “%(names)s”. A selection takes q, theme, "
                "scale, setting, status, region, department, started and slug.",
                names=", ".join(unknown[:5]),
            ),
        )
    chosen = _selection()
    narrowed = chosen.narrowed()
    if xlsx_format:
        found, most = experiences.count(narrowed), current_app.config["XLSX_MAX_ROWS"]
        if found > most:
            return render_template(
                "knowledge/xlsx_too_big.html", selection=chosen, found=found, most=most
            ), 400
    rows = experiences.comparison_rows(
        experiences.experiences_streamed(narrowed),
        page_url,
        theme_label,
        value_label,
    )
    return spreadsheet.download(
        "essaim-experiences", experiences.COMPARISON_COLUMNS, rows, request.args, xlsx_format
    )


@bp.get("/compare.csv")
@configured_limit("EXPORT_RATE_LIMIT")
def compare_csv():
    return _comparison_download(xlsx_format=False)


@bp.get("/compare.xlsx")
@configured_limit("EXPORT_RATE_LIMIT")
def compare_xlsx():
    return _comparison_download(xlsx_format=True)


@bp.get("/invariants")
@configured_limit("SEARCH_RATE_LIMIT")
def invariants():
    chosen = _selection()
    name = chosen.filters.theme
    theme = vocabulary.find_theme(name) if name else None
    if name and theme is None:
        abort(404, _("There is no theme “%(name)s”.", name=name))
    narrowed = dict(chosen.filters.as_dict(), theme=None)
    if chosen.q or chosen.picked or any(narrowed.values()):
        groups = recurrences.invariants_of(chosen.narrowed(), theme)  # a selection: not cached
    else:
        groups = recurrences.invariants(theme)
    return render_template(
        "knowledge/invariants.html",
        groups=groups,
        chosen=theme,
        selection=chosen,
        themes=vocabulary.all_themes(),
    )


@bp.get("/figures")
@configured_limit("SEARCH_RATE_LIMIT")
def figures_view():
    return render_template(
        "knowledge/figures.html", figures=figures.figures(), region_name=figures.region_name
    )


# --- Link reports -------------------------------------------------------------------------


@bp.get("/special/orphans")
def orphans():
    return render_template("knowledge/orphans.html", pages=links.orphans())


@bp.get("/special/wanted")
def wanted():
    return render_template("knowledge/wanted.html", wanted=links.wanted_pages())
