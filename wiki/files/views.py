"""File URLs: the list, a file's page and history, uploads, and the bytes of each version."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from wiki.auth.access import ActionForm, require_confirmed_email
from wiki.extensions import db, limiter
from wiki.files import access, display, service
from wiki.files.forms import HideForm, UploadForm
from wiki.files.models import File, FileVersion
from wiki.files.storage import BlobMissing, blob_key, storage, thumbnail_key

bp = Blueprint("files", __name__)

UPLOAD_ENDPOINTS = frozenset({"files.new", "files.new_version", "files.page_files"})
# A year: the bytes behind a version's URL never change.
IMMUTABLE = 365 * 24 * 3600
# Whatever a browser does with a file opened on its own, nothing in it may run.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def prepare_upload_request():
    """Uploads may be larger than other requests. Runs first of all hooks (see init_app):
    CSRF protection reads the form, after which the limit could no longer be raised."""
    if request.endpoint not in UPLOAD_ENDPOINTS or request.method != "POST":
        return
    # The form's other fields and the multipart boundaries take a few kilobytes.
    request.max_content_length = current_app.config["FILES_MAX_BYTES"] + 64 * 1024
    # Parse now, to tell a cut-off body from a bad form: a multipart body that stops before
    # its closing boundary parses as an empty form.
    parsed = bool(request.files) or bool(request.form)
    if request.content_length and (not parsed or not getattr(request.stream, "is_exhausted", True)):
        raise ClientDisconnected()


def init_app(app) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, prepare_upload_request)
    app.jinja_env.globals["file_licences"] = service.LICENCES
    app.jinja_env.globals["files_matching"] = files_matching


def files_matching(words: str, limit: int = 6):
    """For the search page: files whose name, description or credit hold the words."""
    return [display.file_ref(f, f.name) for f in service.search(words, limit=limit)]


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _too_large_message():
    return _l(
        "This file is too large: at most %(megabytes)s MB. Reduce the photo (phones offer a "
        "smaller size when sharing) or split the document, then send it again.",
        megabytes=current_app.config["FILES_MAX_BYTES"] // 1_000_000,
    )


def _interrupted_message():
    return _l("The upload was interrupted before the end; nothing was saved. Send it again.")


def _refusal(message, status: int, **extra):
    if _wants_json():
        return jsonify(error=str(message), **extra), status
    return render_template("error.html", status=status, message=message, detail=None), status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    return _refusal(_too_large_message(), 413)


@bp.errorhandler(ClientDisconnected)
def _disconnected(error):
    return _refusal(_interrupted_message(), 400)


def _quota() -> service.Quota:
    return service.Quota(
        files_per_day=current_app.config["FILES_PER_DAY"],
        bytes_per_day=current_app.config["FILES_BYTES_PER_DAY"],
    )


def _load(name: str) -> File:
    file = service.find(name)
    if file is None:
        abort(404, _("There is no file named “%(name)s” yet.", name=name))
    return file


def _receive(form: UploadForm, replace: File | None = None) -> FileVersion:
    """Read the posted file and hand it to the service; Refused for anything wrong."""
    require_confirmed_email()  # the same rules as writing a page
    if current_user.flagged and not current_user.is_moderator:
        raise service.Refused(
            _l("Your edits are reviewed by a moderator for now: files cannot be sent."), status=403
        )
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", None):
        raise service.Refused(_l("Choose a file to send."), status=400)
    data = upload.read(current_app.config["FILES_MAX_BYTES"] + 1)
    if len(data) > current_app.config["FILES_MAX_BYTES"]:
        raise service.Refused(_too_large_message(), status=413)
    return service.upload(
        storage(),
        data,
        filename=upload.filename,
        uploader=current_user,
        name=form.name.data or "",
        alt=form.alt.data or "",
        credit=form.credit.data or "",
        licence=form.licence.data or service.DEFAULT_LICENCE,
        comment=form.comment.data or "",
        replace=replace,
        quota=_quota(),
    )


def markdown_line(version: FileVersion) -> str:
    file = version.file
    if file.kind == "image":
        alt = version.alt.replace("[", "(").replace("]", ")")
        return f"![{alt}](fichier:{file.name})"
    return f"[{file.name}](fichier:{file.name})"


# --- Lists and pages ----------------------------------------------------------------------------


@bp.get("/files")
def index():
    q = request.args.get("q", "").strip()[:200]
    if q:
        found = service.search(q, limit=100)
        rows = [(f, None) for f in found]
    else:
        rows = service.all_files()
    return render_template("files/index.html", rows=rows, q=q, display=display)


@bp.get("/files/<name>")
def view(name):
    file = _load(name)
    versions = service.versions(file)
    moderator = access.can_moderate(current_user)
    if not moderator:
        versions = [v for v in versions if not v.hidden]
    shown = service.visible_version(file)
    return render_template(
        "files/view.html",
        file=file,
        shown=shown,
        versions=versions,
        uses=service.pages_using(file.name),
        form=UploadForm(formdata=None),
        action_form=ActionForm(),
        hide_form=HideForm(formdata=None),
        moderator=moderator,
        display=display,
        markdown=markdown_line(shown) if shown else "",
        licences=service.LICENCES,
        licence_urls=service.LICENCE_URLS,
    )


@bp.route("/files/new", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"])
def new():
    form = UploadForm()
    if request.method == "GET":
        return render_template("files/new.html", form=form)
    if not form.validate_on_submit():
        return _refusal(_("The form expired. Reload the page and send the file again."), 400)
    try:
        version = _receive(form)
    except service.NameTaken as taken:
        return _form_refused(form, taken, suggestion=taken.suggestion)
    except service.Refused as refused:
        return _form_refused(form, refused)
    if _wants_json():
        return jsonify(_described(version)), 201
    flash(
        _("File added. To show it in a page, write: %(line)s", line=markdown_line(version)),
        "success",
    )
    return redirect(url_for("files.view", name=version.file.name))


def _form_refused(form, refused, template="files/new.html", status=None, **context):
    status = status or refused.status
    if _wants_json():
        extra = {"suggestion": context["suggestion"]} if context.get("suggestion") else {}
        return jsonify(error=str(refused.message), **extra), status
    if context.get("suggestion"):
        form.name.data = context["suggestion"]
    return render_template(template, form=form, error=refused.message, **context), status


def _described(version: FileVersion) -> dict:
    ref = display.file_ref(version.file, version.file.name, version)
    return {
        "name": version.file.name,
        "kind": version.file.kind,
        "version": version.number,
        "markdown": markdown_line(version),
        "page_url": ref.page_url,
        "url": ref.url,
        "thumbnail": ref.srcset[0][0] if ref.srcset else None,
        "width": version.width,
        "height": version.height,
        "size": version.size,
    }


@bp.post("/files/<name>")
@login_required
@limiter.limit("30 per minute")
def new_version(name):
    file = _load(name)
    form = UploadForm()
    if not form.validate_on_submit():
        return _refusal(_("The form expired. Reload the page and send the file again."), 400)
    try:
        version = _receive(form, replace=file)
    except service.Refused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("files.view", name=file.name)), 303
    if _wants_json():
        return jsonify(_described(version)), 201
    flash(_("New version %(n)s saved; the previous ones are kept.", n=version.number), "success")
    return redirect(url_for("files.view", name=file.name))


@bp.post("/files/<name>/revert/<int:version_id>")
@login_required
def revert(name, version_id):
    file = _load(name)
    if not ActionForm().validate_on_submit():
        abort(400)
    target = db.session.get(FileVersion, version_id)
    if target is None or target.file_id != file.id:
        abort(404)
    try:
        version = service.revert(file, target, current_user)
    except service.Refused as refused:
        flash(str(refused.message), "error")
    else:
        flash(
            _(
                "The file is back to version %(n)s (saved as version %(m)s).",
                n=target.number,
                m=version.number,
            ),
            "success",
        )
    return redirect(url_for("files.view", name=file.name))


@bp.post("/files/<name>/versions/<int:version_id>/hide")
@login_required
def hide(name, version_id):
    if not access.can_moderate(current_user):
        abort(403, _("Only moderators and administrators can hide a file."))
    file = _load(name)
    form = HideForm()
    if not form.validate_on_submit():
        abort(400)
    version = db.session.get(FileVersion, version_id)
    if version is None or version.file_id != file.id:
        abort(404)
    service.set_hidden(version, not version.hidden, current_user, form.reason.data or "")
    flash(
        _("Version hidden from the public.") if version.hidden else _("Version shown again."),
        "success",
    )
    return redirect(url_for("files.view", name=file.name))


# --- The bytes ----------------------------------------------------------------------------------


def _servable(version_id: int, name: str) -> FileVersion:
    version = db.session.get(FileVersion, version_id)
    if version is None or version.file.name != name.lower():
        abort(404)
    if version.hidden and not access.can_moderate(current_user):
        abort(404)
    return version


def _send(key: str, mimetype: str, version: FileVersion, download_name: str, attachment: bool):
    store = storage()
    path = store.local_path(key)
    try:
        source = path if path is not None else _bytes_io(store.get(key))
    except BlobMissing:
        current_app.logger.error("file %s: blob %s missing from storage", version.file.name, key)
        abort(404)
    response = send_file(
        source,
        mimetype=mimetype,
        as_attachment=attachment,
        download_name=download_name,
        conditional=True,
        etag=key.rsplit("/", 1)[-1],
        max_age=IMMUTABLE,
    )
    if version.hidden:  # only moderators get here: never cache it anywhere
        response.cache_control.no_store = True
        response.cache_control.max_age = None
    else:
        response.cache_control.public = True
        response.cache_control.immutable = True
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


@bp.get("/media/<int:version_id>/<name>")
def content(version_id, name):
    version = _servable(version_id, name)
    attachment = version.file.kind != "image"
    return _send(blob_key(version.sha256), version.mime, version, version.file.name, attachment)


@bp.get("/media/<int:version_id>/<int:width>/<name>")
def thumbnail(version_id, width, name):
    version = db.session.get(FileVersion, version_id)
    if version is None or width not in version.widths:
        abort(404)
    stem = version.file.name.rsplit(".", 1)[0]
    if name != stem + ".webp":
        abort(404)
    version = _servable(version_id, version.file.name)
    return _send(thumbnail_key(version.sha256, width), "image/webp", version, name, False)


@bp.get("/files/<name>/raw")
def current_content(name):
    """The newest visible version: a short-lived redirect to its immutable URL."""
    file = _load(name)
    version = service.visible_version(file)
    if version is None:
        abort(404)
    response = redirect(display.content_url(version))
    response.cache_control.max_age = 300
    return response


# --- A page's files tab: works without JavaScript -----------------------------------------------


@bp.route("/wiki/<slug>/files", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def page_files(slug):
    from wiki.pages import service as pages
    from wiki.pages.views import load_page

    page = load_page(slug, "files.page_files")
    form = UploadForm()

    def render(status=200, **context):
        files = service.files_of_page(page)
        return render_template(
            "files/page.html", page=page, files=files, form=form, display=display, **context
        ), status

    if request.method == "GET":
        return render()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if not form.validate_on_submit():
        return render(400, error=_("The form expired. Reload the page and send the file again."))
    try:
        version = _receive(form)
    except service.Refused as refused:
        if isinstance(refused, service.NameTaken):
            form.name.data = refused.suggestion
        return render(refused.status, error=refused.message)
    line = markdown_line(version)
    if form.add_to_page.data:
        text = page.current.text.rstrip("\n") + "\n\n" + line + "\n"
        try:
            pages.save_page(
                slug=page.slug,
                title=None,
                text=text,
                author=current_user,
                comment=_("Added the file %(name)s", name=version.file.name),
                base_id=page.current_id,
                max_bytes=current_app.config["MAX_PAGE_BYTES"],
            )
        except (pages.PageError, pages.Conflict):
            db.session.rollback()
            flash(
                _(
                    "File added, but the page could not be changed. "
                    "Add this line yourself: %(line)s",
                    line=line,
                ),
                "error",
            )
            return redirect(url_for("files.page_files", slug=page.slug))
        flash(_("File added at the end of the page."), "success")
        return redirect(url_for("pages.view", slug=page.slug))
    flash(_("File added. To show it in the page, write: %(line)s", line=line), "success")
    return redirect(url_for("files.page_files", slug=page.slug))
