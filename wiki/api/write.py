"""/api/v1 writes: create and update pages, send files, with a personal token (Bearer).

A write names the revision it started from (`base_revision`); when someone saved in between,
changes that do not overlap are merged, overlapping ones answer 409 with both texts. Errors have
the API's one shape, `{"error": {"code", "message", …}}`, with `fields` for content to fix and
`conflict` for an edit conflict. No cookie is read here: a token is the only way in, so a page
open in a browser can never be made to write (no CSRF).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from wiki.api import views
from wiki.auth import api_tokens as tokens
from wiki.content import addresses
from wiki.extensions import configured_limit, csrf, db
from wiki.models import Revision
from wiki.pages import service as pages

bp = Blueprint("api_write", __name__, url_prefix=views.PREFIX)
configured_limit("API_RATE_LIMIT")(bp)
csrf.exempt(bp)
bp.register_error_handler(HTTPException, views.http_error)
bp.register_error_handler(Exception, views.server_error)

MAX_COMMENT = 500


@bp.before_request
def _token_with_write_scope():
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        _refuse(401, "Writing needs a personal API token: Authorization: Bearer <token>.")
    token = tokens.authenticate(secret.strip())
    if token is None:
        _refuse(401, "This token is unknown or was revoked.")
    if token.scope != "write":
        _refuse(403, "This token may only read; make one that may write on /account/tokens.")
    g.api_user = token.user


def _refuse(code: int, message: str):
    response, status = views.error_response(code, message)
    response.status_code = status
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="essaim"'
    abort(response)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object (Content-Type: application/json).")
    return body


def _text(body: dict, name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        abort(400, f"“{name}” must be a string.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (\ud800) is valid JSON, not text
        abort(400, f"“{name}” holds characters that are not Unicode text.")
    return value


def _base_revision(body: dict) -> int:
    value = body.get("base_revision")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        abort(400, "“base_revision” must be the id of the revision your text started from.")
    return value


def _written(revision, status: int):
    page = revision.page
    response = jsonify(
        page=views.page_ref(page),
        revision=views.revision_summary(revision, page),
        merged=bool(getattr(revision, "merged", False)),
    )
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("api.page_detail", slug=page.slug, _external=True)
    return response


def _content_error(error: pages.InvalidContent):
    response, code = views.error_response(422, str(error.message))
    payload = response.get_json()
    payload["error"]["fields"] = [
        {"field": e.field, "message": str(e.message)} for e in error.errors
    ]
    return jsonify(payload), 422


@bp.post("/pages")
def create_page():
    body = _json_body()
    title, text = _text(body, "title"), _text(body, "text")
    comment = _text(body, "comment", required=False) or ""
    try:
        revision = pages.save_page(
            slug=None,
            title=title,
            text=text,
            author=g.api_user,
            comment=comment[:MAX_COMMENT],
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
            seconds=current_app.config["SAVE_TIME_BUDGET"],
        )
    except pages.InvalidContent as error:
        return _content_error(error)
    except pages.PageError as error:
        abort(error.status if error.status in (400, 409) else 400, str(error.message))
    return _written(revision, 201)


@bp.put("/pages/<slug>")
def update_page(slug):
    resolved = pages.find_page(slug)
    if resolved is None or resolved.page.deleted_at is not None:
        abort(404, f"There is no page “{slug[:200]}”: create it with POST /api/v1/pages.")
    body = _json_body()
    text, base = _text(body, "text"), _base_revision(body)
    # The text was perhaps read without a token, its addresses masked: put back those of the
    # revision it started from, or of the current one.
    for known in (db.session.get(Revision, base), resolved.page.current):
        if known is not None and known.page_id == resolved.page.id:
            text = addresses.restored(text, known.text)
    comment = _text(body, "comment", required=False) or ""
    try:
        revision = pages.save_page(
            slug=resolved.page.slug,
            title=None,
            text=text,
            author=g.api_user,
            comment=comment[:MAX_COMMENT],
            base_id=base,
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
            seconds=current_app.config["SAVE_TIME_BUDGET"],
        )
    except pages.Conflict as conflict:
        return _conflict(conflict)
    except pages.InvalidContent as error:
        return _content_error(error)
    except pages.PageError as error:
        abort(error.status if error.status in (400, 409) else 400, str(error.message))
    return _written(revision, 200)


def _conflict(conflict: pages.Conflict):
    return jsonify(
        error={
            "code": 409,
            "message": "Someone saved this page since your base revision and your changes "
            "overlap theirs: merge the texts and send again with the current revision as base.",
            "conflict": {
                "base_revision": conflict.base.id if conflict.base else None,
                "current_revision": conflict.current.id,
                "current_text": conflict.current.text,
                "your_text": conflict.mine,
                "merged_text": conflict.merged,
            },
        }
    ), 409


@bp.post("/files")
def upload_file():
    """A new file (multipart: `file`, and `alt` for a photo; `name`, `credit`, `licence`)."""
    from wiki.files import api as files_api
    from wiki.files import service as file_service
    from wiki.files.storage import storage

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, "Send the file as multipart/form-data in the field “file”.")
    limit = current_app.config["FILES_MAX_BYTES"]
    data = upload.read(limit + 1)
    if len(data) > limit:
        abort(413, f"The file is larger than {limit // (1024 * 1024)} MB.")
    form = request.form
    try:
        version = file_service.upload(
            storage(),
            data,
            filename=upload.filename,
            uploader=g.api_user,
            name=form.get("name", ""),
            alt=form.get("alt", ""),
            credit=form.get("credit", ""),
            licence=form.get("licence", file_service.DEFAULT_LICENCE),
            quota=file_service.Quota(
                files_per_day=current_app.config["FILES_PER_DAY"],
                bytes_per_day=current_app.config["FILES_BYTES_PER_DAY"],
            ),
        )
    except file_service.Refused as error:
        code = error.status if error.status in (400, 409, 413, 422, 429) else 400
        abort(code, str(error.message))
    response = jsonify(files_api.file_entry(version.file, version))
    response.status_code = 201
    return response
