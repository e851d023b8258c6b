"""Search pages: results with a facet sidebar, title autocomplete (JSON), CSV export."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from wiki import spreadsheet
from wiki.extensions import configured_limit
from wiki.limits import MAX_PAGE_NUMBER, search_words, whole_number
from wiki.search import query
from wiki.search.schema import FACET_FIELDS

bp = Blueprint("search", __name__)

CSV_COLUMNS = (
    "title",
    "url",
    "territory",
    "insee",
    "themes",
    "scale",
    "setting",
    "status",
    "author",
    "updated",
    "matched_in",
    "matched_text",
)


def _arguments() -> dict:
    args = request.args
    filters = {name: args.getlist(name) for name in FACET_FIELDS}
    filters["themes"] = filters["themes"] + args.getlist("theme")  # /search?theme=… (a public URL)
    page = whole_number(args.get("page"), MAX_PAGE_NUMBER) or 1
    return {
        "q": search_words(args.get("q")),
        "filters": filters,
        "sort": args.get("sort", "relevance"),
        "page": page,
        "exact": args.get("exact") == "1",  # the words as typed: no correction
    }


@bp.get("/search")
@configured_limit("SEARCH_RATE_LIMIT")
def results():
    arguments = _arguments()
    if request.args.get("format") == "csv":  # the export has its own (lower) limit
        args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "format"}
        return redirect(url_for("search.export_csv", **args))
    found = query.search(**arguments)
    return render_template(
        "search/results.html", results=found, facet_titles=_facet_titles(), link=_link_to(found)
    )


@bp.get("/search.csv")
@configured_limit("EXPORT_RATE_LIMIT")
def export_csv():
    arguments = _arguments()
    arguments.pop("page")
    hits = query.export(**arguments)
    rows = (
        [
            hit.title,
            url_for("pages.view", slug=hit.slug, _external=True),
            hit.territory,
            hit.insee,
            ";".join(hit.themes),
            hit.scale,
            hit.setting,
            hit.status,
            hit.author,
            hit.updated.date().isoformat() if hit.updated else "",
            hit.matched_label,
            hit.snippet_text,
        ]
        for hit in hits
    )
    document = spreadsheet.lines(CSV_COLUMNS, rows, spreadsheet.delimiter(request.args))
    return Response(
        stream_with_context(document),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="essaim-recherche.csv"'},
    )


@bp.get("/search/suggest")
@configured_limit("SUGGEST_RATE_LIMIT")  # one request per keystroke in the search box
def suggest():
    titles = query.suggest(search_words(request.args.get("q")))
    return jsonify(
        [{"title": t["title"], "url": url_for("pages.view", slug=t["slug"])} for t in titles]
    )


def _facet_titles() -> dict[str, str]:
    return {
        "themes": _("Themes"),
        "tags": _("Tags"),
        "region": _("Region"),
        "department": _("Department"),
        "scale": _("Scale"),
        "setting": _("Setting"),
        "status": _("Status"),
    }


def _link_to(found: query.SearchResults):
    """URL of these results with one thing changed: a facet toggled, another page or sort."""

    def link(
        toggle: tuple[str, str] | None = None,
        page: int | None = None,
        sort: str | None = None,
        csv_export: bool = False,
        semicolons: bool = False,
        exact: bool = False,
    ) -> str:
        filters = {name: list(keys) for name, keys in found.filters.items()}
        if toggle:
            name, key = toggle
            keys = filters.setdefault(name, [])
            keys.remove(key) if key in keys else keys.append(key)
        params: dict = {"q": found.query} if found.query else {}
        params.update({name: keys for name, keys in filters.items() if keys})
        if (sort or found.sort) != "relevance":
            params["sort"] = sort or found.sort
        if exact or found.exact:
            params["exact"] = "1"
        if csv_export:
            return url_for(
                "search.export_csv", **params, **({"sep": "semicolon"} if semicolons else {})
            )
        if page and page > 1:
            params["page"] = page
        return url_for("search.results", **params)

    return link
