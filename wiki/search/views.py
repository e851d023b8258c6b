"""Search pages: results with a facet sidebar, title autocomplete (JSON), CSV export."""

from __future__ import annotations

import functools
import time
from urllib.parse import quote_plus

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from wiki import spreadsheet
from wiki.extensions import configured_limit, db
from wiki.labels import theme_label, value_label
from wiki.limits import MAX_PAGE_NUMBER, search_words, whole_number
from wiki.search import changes, query
from wiki.search.schema import FACET_FIELDS

bp = Blueprint("search", __name__)

# The export's columns: codes for scripts (`?header=codes`), headers for readers.
CSV_COLUMNS = (
    spreadsheet.Column("title", _l("Title")),
    spreadsheet.Column("url", _l("Link")),
    spreadsheet.Column("territory", _l("Territory")),
    spreadsheet.Column("insee", _l("INSEE code"), text=True),
    spreadsheet.Column("themes", _l("Themes")),
    spreadsheet.Column("scale", _l("Scale")),
    spreadsheet.Column("setting", _l("Setting")),
    spreadsheet.Column("status", _l("Status")),
    spreadsheet.Column("author", _l("Author")),
    spreadsheet.Column("updated", _l("Updated")),
    spreadsheet.Column("matched_in", _l("Found in")),
    spreadsheet.Column("matched_text", _l("Excerpt")),
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
        "search/results.html",
        results=found,
        catching_up=catching_up(),
        facet_titles=_facet_titles(),
        link=_link_to(found),
        # Said dozens of times a page (each facet value, each hit's theme chips and status),
        # from a few distinct values: each translated once a page, not at every mention.
        value_label=functools.cache(value_label),
        theme_label=functools.cache(theme_label),
    )


def _export(xlsx_format: bool):
    arguments = _arguments()
    arguments.pop("page")
    hits = query.export(**arguments)
    rows = (
        [
            hit.title,
            url_for("pages.view", slug=hit.slug, _external=True),
            hit.territory,
            hit.insee,
            " | ".join(theme_label(t) for t in hit.themes),
            value_label(hit.scale),
            value_label(hit.setting),
            value_label(hit.status),
            hit.author,
            hit.updated.date().isoformat() if hit.updated else "",
            hit.matched_label,
            hit.snippet_text,
        ]
        for hit in hits
    )
    return spreadsheet.download("essaim-recherche", CSV_COLUMNS, rows, request.args, xlsx_format)


@bp.get("/search.csv")
@configured_limit("EXPORT_RATE_LIMIT")
def export_csv():
    return _export(xlsx_format=False)


@bp.get("/search.xlsx")
@configured_limit("EXPORT_RATE_LIMIT")
def export_xlsx():
    return _export(xlsx_format=True)


@bp.get("/search/suggest")
@configured_limit("SUGGEST_RATE_LIMIT")  # one request per keystroke in the search box
def suggest():
    titles = query.suggest(search_words(request.args.get("q")))
    return jsonify(
        [{"title": t["title"], "url": url_for("pages.view", slug=t["slug"])} for t in titles]
    )


CATCHING_UP_READ_EVERY = 5.0  # seconds: how often each process reads the count again


def catching_up() -> int:
    """Pages this host's index has not taken in yet, when they are enough for a search to miss
    some (SEARCH_CATCHING_UP_NOTICE, 100 by default): after an upgrade that changed the index's
    schema, while a rebuild runs, or on a host that was stopped. 0 otherwise."""
    now, config = time.monotonic(), current_app.config
    read_at, pending = current_app.extensions.get("essaim_catching_up", (float("-inf"), 0))
    if now - read_at >= CATCHING_UP_READ_EVERY:
        try:
            pending = changes.waiting(db.session, config["SEARCH_INDEX_DIR"])
        except SQLAlchemyError:  # said by /readyz; a search still answers
            db.session.rollback()
            return 0
        current_app.extensions["essaim_catching_up"] = (now, pending)
    return pending if pending >= config.get("SEARCH_CATCHING_UP_NOTICE", 100) else 0


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


# The characters werkzeug's URL building leaves unquoted in a query string (its _urlencode).
_QUERY_SAFE = "!$'()*,/:;?@"


def _link_to(found: query.SearchResults):
    """URL of these results with one thing changed: a facet toggled, another page or sort.

    A results page holds ~80 of these links (each facet value, each hit's theme chips, often
    the same theme): the path is built once by url_for, each (name, value) pair of the query
    string is quoted once, and each distinct link is built once, as url_for writes it
    (tests/search/test_views.py compares them).
    """
    results_path = url_for("search.results")
    quoted: dict[tuple[str, object], str] = {}

    def pair(name: str, value) -> str:
        text = quoted.get((name, value))
        if text is None:  # as urlencode() writes it
            text = quoted[name, value] = (
                f"{quote_plus(name, safe=_QUERY_SAFE)}={quote_plus(str(value), safe=_QUERY_SAFE)}"
            )
        return text

    @functools.cache
    def link(
        toggle: tuple[str, str] | None = None,
        page: int | None = None,
        sort: str | None = None,
        csv_export: bool = False,
        semicolons: bool = False,
        exact: bool = False,
        xlsx_export: bool = False,
        tool: str | None = None,
    ) -> str | None:
        filters = found.filters
        if toggle:
            name, key = toggle
            keys = list(filters.get(name, ()))
            keys.remove(key) if key in keys else keys.append(key)
            filters = {**filters, name: keys}
        params: dict = {"q": found.query} if found.query else {}
        params.update({name: keys for name, keys in filters.items() if keys})
        if (sort or found.sort) != "relevance":
            params["sort"] = sort or found.sort
        if exact or found.exact:
            params["exact"] = "1"
        if tool:  # the same selection in compare or the recurring levers (one value a facet)
            if any(len(keys) > 1 for keys in filters.values()):
                return None
            chosen = {("theme" if k == "themes" else k): v[0] for k, v in filters.items() if v}
            return url_for(tool, **({"q": found.query} if found.query else {}), **chosen)
        if xlsx_export:
            return url_for("search.export_xlsx", **params)
        if csv_export:
            return url_for(
                "search.export_csv", **params, **({"sep": "semicolon"} if semicolons else {})
            )
        if page and page > 1:
            params["page"] = page
        items = [
            pair(name, value)
            for name, values in params.items()
            for value in (values if isinstance(values, list) else [values])
        ]
        return f"{results_path}?{'&'.join(items)}" if items else results_path

    return link
