"""/api/v1: JSON for researchers and other tools (reads; writes are in wiki.api.write)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, jsonify, redirect, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from wiki.api import research, service
from wiki.auth import api_tokens as tokens
from wiki.content import addresses
from wiki.extensions import configured_limit, db
from wiki.knowledge import experiences, links, places, vocabulary
from wiki.limits import search_words
from wiki.models import Page, Revision
from wiki.pages import service as pages
from wiki.search import query
from wiki.search.schema import FACET_FIELDS

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
configured_limit("API_RATE_LIMIT")(bp)

_WHOLE_NUMBER = re.compile(r"^\d{1,9}$")


# --- Errors: JSON for every URL under /api/v1 ---------------------------------------------------


def error_response(code: int, message: str):
    return jsonify(error={"code": code, "message": message}), code


def _with_headers_of(error: HTTPException, response, code: int):
    for name, value in error.get_headers():  # Allow on 405, Retry-After on 429…
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, code


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.response is not None:  # abort(redirect(...))
        return error.response
    code = error.code or 500
    message = error.description or HTTP_STATUS_CODES.get(code, "Error")
    if code == 429:
        message = f"Too many requests ({message}). Please wait a minute and try again."
    return _with_headers_of(error, *error_response(code, message))


@bp.errorhandler(Exception)
def server_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s", request.path)
    return error_response(500, "Something went wrong on our side.")


_ROUTING_MESSAGES = {
    404: "There is nothing at this API URL. The routes are listed in /api/v1/openapi.json.",
    405: "This URL does not answer this method. The routes and their methods are listed in "
    "/api/v1/openapi.json.",
}


def _is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


@bp.before_app_request
def _routing_errors_as_json():
    """An unknown URL or a POST under /api/v1 matches no view of the blueprint, so its handlers
    above are not asked: answer here, before the site's HTML error page (and its session)."""
    error = request.routing_exception
    if isinstance(error, HTTPException) and (error.code or 0) >= 400 and _is_api_request():
        message = _ROUTING_MESSAGES.get(error.code) or error.description
        return _with_headers_of(error, *error_response(error.code, message))
    return None


# --- Arguments and shapes -----------------------------------------------------------------------


def _whole_number(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    value = int(raw) if _WHOLE_NUMBER.match(raw) else 0
    if value < 1 or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        abort(400, f"“{name}” must be a whole number between 1{upper}, not “{raw[:50]}”.")
    return value


def _slice_arguments() -> tuple[int, int]:
    per_page = _whole_number("per_page", service.PER_PAGE, service.MAX_PER_PAGE)
    return _whole_number("page", 1), per_page


def _this_url(endpoint: str | None = None, external: bool = True, **changes) -> str:
    """This request's URL (or another endpoint's), with its query arguments and a few changed."""
    # Arguments starting with "_" would be taken by url_for as its own (_external, _anchor…).
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("_")}
    values = {**args, **(request.view_args or {}), **changes}
    return url_for(endpoint or request.endpoint, **values, _external=external)


def _pagination(total: int, number: int, per_page: int) -> dict:
    """total, page, pages and the URLs of the neighbouring slices, other arguments kept."""
    last = max(1, math.ceil(total / per_page))

    def link(to: int) -> str:
        return _this_url(page=to, per_page=per_page)

    return {
        "total": total,
        "page": number,
        "pages": last,
        "per_page": per_page,
        "next": link(number + 1) if number < last else None,
        "prev": link(min(number - 1, last)) if number > 1 else None,
    }


def _time(value: datetime | None) -> str | None:
    """ISO 8601 in UTC; the database keeps naive UTC times."""
    if value is None:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="seconds")


def page_ref(page: Page) -> dict:
    return {
        "id": page.id,
        "slug": page.slug,
        "title": page.title,
        "url": url_for("pages.view", slug=page.slug, _external=True),
        "api_url": url_for("api.page_detail", slug=page.slug, _external=True),
    }


def _page_summary(page: Page) -> dict:
    return {
        **page_ref(page),
        "type": page.type,
        "territory": page.territory,
        "insee": page.insee,
        "territory_scale": page.territory_level,
        "territory_code": page.territory_code,
        "scale": page.scale,
        "setting": page.setting,
        "status": page.status,
        "started": page.started,
        "themes": [t.theme for t in page.themes],
        "tags": [t.tag for t in page.tags],
        "updated_at": _time(page.updated_at),
        "permalink": url_for("pages.page_permalink", page_id=page.id, _external=True),
        "statements_url": url_for("api.statement_list", slug=page.slug, _external=True),
    }


def revision_summary(revision: Revision, page: Page) -> dict:
    return {
        "id": revision.id,
        "number": revision.number,
        "created_at": _time(revision.created_at),
        # Parts a moderator hid are hidden here too (the API is read without an account).
        "author": None
        if revision.author_hidden
        else (revision.author.name if revision.author else revision.author_name),
        "comment": "" if revision.comment_hidden else revision.comment,
        "size": revision.size,
        "hidden": revision.hidden,
        "current": revision.id == page.current_id,
        "url": url_for("pages.revision", slug=page.slug, rev=revision.id, _external=True),
        "api_url": url_for("api.revision_detail", revision_id=revision.id, _external=True),
    }


def _find(slug: str, endpoint: str) -> Page:
    """The page at this slug; an old slug answers 301 to the same API URL of the new one."""
    resolved = pages.find_page(slug)
    if resolved is None or resolved.page.current is None:
        abort(404, f"There is no page “{slug[:200]}”.")
    if resolved.redirected:
        abort(redirect(_this_url(endpoint, external=False, slug=resolved.page.slug), 301))
    if not resolved.page.public:
        abort(410, "This page was removed by the moderators.")
    return resolved.page


# --- Routes -------------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    return jsonify(service.openapi_document())


@bp.get("/pages")
def page_list():
    number, per_page = _slice_arguments()
    filters = service.PageFilters.from_mapping(request.args)
    found, total = service.pages(filters, number, per_page)
    return jsonify(items=[_page_summary(p) for p in found], **_pagination(total, number, per_page))


def readable_text(text: str) -> str:
    """A page's source as the API gives it: the e-mail addresses of its front matter masked,
    unless the request carries a personal token (wiki.content.addresses; writes restore them)."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip() and tokens.authenticate(secret.strip()):
        return text
    return addresses.masked(text)


@bp.get("/pages/<slug>")
def page_detail(slug):
    page = _find(slug, "api.page_detail")
    revision = page.current
    return jsonify(
        **_page_summary(page),
        created_at=_time(page.created_at),
        lat=page.lat,
        lon=page.lon,
        short_link=url_for("pages.short_link", code=page.short_code, _external=True),
        revision=revision_summary(revision, page),
        text=readable_text(revision.text),
        statements={
            "levers": experiences.statements_of(page, experiences.LEVER),
            "obstacles": experiences.statements_of(page, experiences.OBSTACLE),
            "replicate": experiences.statements_of(page, experiences.REPLICATE),
        },
        links=[
            {
                "title": link.title,
                "slug": link.slug,
                "exists": link.exists,
                "api_url": url_for("api.page_detail", slug=link.slug, _external=True)
                if link.exists
                else None,
            }
            for link in service.links_from(page)
        ],
        backlinks=[page_ref(source) for source in links.backlinks(page)],
        revisions_url=url_for("api.page_revisions", slug=page.slug, _external=True),
    )


@bp.get("/pages/<slug>/revisions")
def page_revisions(slug):
    page = _find(slug, "api.page_revisions")
    number, per_page = _slice_arguments()
    found, total = service.revisions(page, number, per_page)
    return jsonify(
        history_of=page_ref(page),
        items=[revision_summary(r, page) for r in found],
        **_pagination(total, number, per_page),
    )


@bp.get("/pages/<slug>/files")
def page_files(slug):
    """The photos and documents a page's current text shows, with their metadata."""
    from wiki.files import api as files_api

    page = _find(slug, "api.page_files")
    return jsonify(files_of=page_ref(page), items=files_api.files_of_page(page))


@bp.get("/revisions/<int:revision_id>")
def revision_detail(revision_id):
    revision = pages.get_revision(revision_id)
    if revision is None:
        abort(404, f"Revision {revision_id} does not exist.")
    if revision.hidden:  # as the HTML view answers readers who are not moderators
        abort(403, "This revision has been hidden by a moderator.")
    page = revision.page
    if not page.public:
        abort(410, "This page was removed by the moderators.")
    return jsonify(
        **revision_summary(revision, page),
        page=page_ref(page),
        title=revision.title,
        parent_id=revision.parent_id,
        text=readable_text(revision.text),
    )


@bp.get("/search")
def search():
    number, per_page = _slice_arguments()
    filters = {name: request.args.getlist(name) for name in FACET_FIELDS}
    filters["themes"] += request.args.getlist("theme")  # as /search?theme=… (a public URL)
    found = query.search(
        q=search_words(request.args.get("q")),
        filters=filters,
        sort=request.args.get("sort", "relevance"),
        page=number,
        per_page=per_page,
        exact=request.args.get("exact") == "1",
    )
    return jsonify(
        query=found.query,
        searched=found.searched,
        sort=found.sort,
        filters=found.filters,
        hits=[_hit(hit) for hit in found.hits],
        **_pagination(found.total, found.page, found.per_page),
        facets={
            name: [
                {"key": v.key, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in found.facets.items()
        },
        notices=found.notices,
        did_you_mean=found.did_you_mean,
        corrected=found.corrected,
        missing=found.missing,
        complete=found.complete,
    )


def _hit(hit: query.Hit) -> dict:
    return {
        "page_id": hit.page_id,
        "slug": hit.slug,
        "title": hit.title,
        "territory": hit.territory or None,
        "insee": hit.insee or None,
        "themes": hit.themes,
        "scale": hit.scale or None,
        "setting": hit.setting or None,
        "status": hit.status or None,
        "updated_at": _time(hit.updated),
        "matched_in": hit.matched_in or None,
        "missing": hit.missing,
        "snippet": hit.snippet_text,
        "url": url_for("pages.view", slug=hit.slug, _external=True),
        "api_url": url_for("api.page_detail", slug=hit.slug, _external=True),
    }


@bp.get("/themes")
def themes():
    return jsonify(
        items=[
            {
                "slug": each.theme.slug,
                "label_fr": each.theme.label_fr,
                "label_en": each.theme.label_en,
                "experiences": each.experiences,
                "url": url_for("knowledge.theme", name=each.theme.slug, _external=True),
                "pages_url": url_for(
                    "api.page_list", type="experience", theme=each.theme.slug, _external=True
                ),
            }
            for each in vocabulary.themes_with_counts()
        ]
    )


@bp.get("/communes")
def communes():
    """Communes whose name or code starts with `q`, for the editor's autocomplete."""
    typed = request.args.get("q", "")[:100]
    return jsonify(places.communes_for_autocomplete(typed, limit=10))


# --- Research: the index, statements and recurring groups ---------------------------------------


@bp.get("/")
def index():
    """What this API offers: every operation of openapi.json (reads, and writes with a token),
    with a URL when it takes no path part."""
    document = service.openapi_document()
    root = url_for("api.index", _external=True).removesuffix(PREFIX + "/")
    return jsonify(
        name=document["info"]["title"],
        version=document["info"]["version"],
        openapi=url_for("api.openapi", _external=True),
        endpoints=[
            {
                "method": method.upper(),
                "path": path,
                "summary": operation["summary"],
                "url": root + path if "{" not in path else None,
            }
            for path, operations in document["paths"].items()
            for method, operation in operations.items()
            if method in ("get", "post", "put", "patch", "delete")
        ],
    )


def _choice(name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if value not in allowed:
        abort(400, f"“{name}” must be one of {', '.join(allowed)}, not “{value[:50]}”.")
    return value


@bp.get("/statements")
def statement_list():
    """Levers, obstacles and replication hints of the experiences, with the /compare filters."""
    number, per_page = _slice_arguments()
    filters = experiences.Filters.from_mapping(request.args)
    kind = _choice("kind", research.STATEMENT_KINDS, None)
    words = research.words_of(request.args.get("q"))
    slugs = [s[:255] for s in request.args.getlist("slug") if s.strip()]
    if len(slugs) > research.MAX_SLUGS:
        abort(400, f"At most {research.MAX_SLUGS} “slug” values, not {len(slugs)}.")
    found, total = research.statements(filters, kind, words, number, per_page, slugs)
    themes = research.themes_of({page.id for _, page in found})
    return jsonify(
        items=[
            {
                "id": statement.id,
                "kind": statement.kind,
                "text": statement.text,
                "position": statement.position,
                "page": page_ref(page),
                "territory": page.territory,
                "insee": page.insee,
                "territory_code": page.territory_code,
                "region": page.region,
                "themes": themes[page.id],
            }
            for statement, page in found
        ],
        **_pagination(total, number, per_page),
    )


@bp.get("/recurrences")
def recurrence_list():
    """Levers or obstacles stated by several experiences, grouped by idea (as /invariants)."""
    number, per_page = _slice_arguments()
    filters = experiences.Filters.from_mapping(request.args)
    kind = _choice("kind", research.RECURRING_KINDS, experiences.LEVER)
    minimum = _whole_number("minimum", 2, 1000)
    found, total = research.recurring(kind, filters, minimum, number, per_page)
    return jsonify(
        kind=kind,
        items=[
            {
                "label": group.label,
                "experiences": group.count,
                "territories": group.territories,
                "themes": group.themes,
                "regions": group.regions,
                "manual": group.manual,
                "statements": [
                    {
                        "id": said.statement_id,
                        "text": said.text,
                        "page": {
                            "id": said.page.id,
                            "slug": said.page.slug,
                            "title": said.page.title,
                            "url": url_for("pages.view", slug=said.page.slug, _external=True),
                            "api_url": url_for(
                                "api.page_detail", slug=said.page.slug, _external=True
                            ),
                        },
                    }
                    for said in group.said
                ],
            }
            for group in found
        ],
        **_pagination(total, number, per_page),
    )
