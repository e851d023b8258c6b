"""/admin/transfer: administrators import (upload, preview, run in the background, report) and
export (Markdown with history as a zip, JSON dump)."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    after_this_request,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from wiki import spreadsheet
from wiki.auth.access import ActionForm, require_admin
from wiki.transfer import batches, jobs
from wiki.transfer.forms import ImportForm
from wiki.transfer.mapping import MappingError
from wiki.transfer.report import Report

bp = Blueprint("transfer", __name__, url_prefix="/admin/transfer")


@bp.before_request
def _administrators_only() -> None:
    require_admin(_("Only administrators can import and export the wiki."))


def _page(form: ImportForm | None = None, error: str | None = None, status: int = 200):
    rows = [(batch, Report.from_json(batch.report)) for batch in batches.all_batches()[:100]]
    return (
        render_template(
            "transfer/admin.html",
            form=form or ImportForm(formdata=None),
            action=ActionForm(formdata=None),
            batches=rows,
            error=error,
        ),
        status,
    )


@bp.get("")
def page():
    return _page()


@bp.post("/preview")
def preview():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    mapping = form.mapping.data.read() if form.mapping.data else None
    try:
        job = jobs.stage(
            form.kind.data,
            form.source.data.filename,
            form.source.data.read(),
            mapping,
            current_user.id,
        )
    except jobs.JobError as error:
        message = _(
            "This file does not fit this kind of import (expected: %(kinds)s).", kinds=error.message
        )
        return _page(form, message, 400)
    try:
        shown = jobs.preview(job)
    except (MappingError, ValueError) as error:
        shutil.rmtree(job.folder, ignore_errors=True)
        return _page(form, str(getattr(error, "message", error)), 400)
    job.total = shown.total
    jobs.save(job)
    return render_template(
        "transfer/preview.html", job=job, preview=shown, action=ActionForm(formdata=None)
    )


def _job(job_id: str) -> jobs.Job:
    job = jobs.load(job_id)
    if job is None:
        abort(404)
    return job


@bp.post("/jobs/<job_id>/run")
def run(job_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    job = _job(job_id)
    if job.state != "staged":
        flash(_("This import was already started."), "error")
    else:
        jobs.start(job, job.total)
    return redirect(url_for("transfer.job", job_id=job.id))


@bp.get("/jobs/<job_id>")
def job(job_id):
    job = _job(job_id)
    batch = batches.get_batch(job.batch) if job.batch else None
    report = Report.from_json(batch.report) if batch else None
    return render_template(
        "transfer/job.html", job=job, batch=batch, report=report, action=ActionForm(formdata=None)
    )


@bp.get("/jobs/<job_id>/progress.json")
def job_progress(job_id):
    job = _job(job_id)
    response = jsonify(
        {
            "state": job.state,
            "done": job.done,
            "total": job.total,
            "batch": job.batch,
            "error": job.error,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _batch(batch_id: int):
    batch = batches.get_batch(batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.post("/batches/<int:batch_id>/undo")
def undo(batch_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    batch = _batch(batch_id)
    try:
        hidden, deleted = batches.undo(batch)
    except batches.BatchError as error:
        flash(str(error.message), "error")
    else:
        flash(
            _(
                "Import %(id)s undone: revisions hidden: %(hidden)s, pages deleted: %(deleted)s.",
                id=batch_id,
                hidden=hidden,
                deleted=deleted,
            ),
            "success",
        )
    return redirect(url_for("transfer.page"))


@bp.get("/batches/<int:batch_id>/report.<any(json, csv):extension>")
def report(batch_id, extension):
    batch = _batch(batch_id)
    data = Report.from_json(batch.report)
    name = f"essaim-import-{batch.id}.{extension}"
    if extension == "json":
        body = json.dumps(
            {
                "id": batch.id,
                "kind": batch.kind,
                "source": batch.source,
                "created_at": batch.created_at.isoformat() + "Z",
                "undone_at": batch.undone_at.isoformat() + "Z" if batch.undone_at else None,
                **json.loads(batch.report or "{}"),
            },
            ensure_ascii=False,
            indent=2,
        )
        mimetype = "application/json"
    else:
        rows = [
            *((title, _("created"), "") for title in data.created),
            *((title, _("updated"), "") for title in data.updated),
            *((title, _("unchanged"), "") for title in data.unchanged),
            *((item, _("skipped"), why) for item, why in data.skipped),
            *((item, _("to check"), what) for item, what in data.notes),
        ]
        # Cells that a spreadsheet would run as formulas are written as text (titles come
        # from other wikis); ?sep=semicolon for French Excel.
        lines = spreadsheet.lines(
            [_("item"), _("result"), _("why")], rows, spreadsheet.delimiter(request.args)
        )
        body, mimetype = "".join(lines), "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/export.zip")
def export_zip():
    """Every page in Markdown with its history and the files, as `essaim export --history`."""
    from wiki.files import transfer as file_transfer
    from wiki.files.storage import storage
    from wiki.pages import transfer

    folder = Path(tempfile.mkdtemp(prefix="essaim-export-"))
    archive = folder.with_suffix(".zip")
    try:
        transfer.export_folder(folder / "essaim", history=True)
        file_transfer.export_files(storage(), folder / "essaim")
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted((folder / "essaim").rglob("*")):
                if path.is_file():
                    bundle.write(path, path.relative_to(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    @after_this_request
    def _remove(response):
        archive.unlink(missing_ok=True)
        return response

    return send_file(
        archive, mimetype="application/zip", as_attachment=True, download_name="essaim-export.zip"
    )


@bp.get("/export.json")
def export_json():
    """Every page with every visible revision, streamed as one JSON document."""
    from wiki.transfer.dump import pages_json

    return Response(
        stream_with_context(pages_json()),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="essaim-export.json"'},
    )
