"""Administrators' page of the search index: its state, a check, a rebuild and its progress."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from wiki.auth.access import ActionForm, require_admin
from wiki.search import admin, index, rebuilding

bp = Blueprint("search_admin", __name__, url_prefix="/admin/search")


@bp.before_request
def _administrators_only() -> None:
    require_admin(_("Only administrators can manage the search index."))


def _page(report: admin.CheckReport | None = None, status: int = 200):
    state = admin.status(index.target_for())
    return (
        render_template(
            "search/admin.html",
            status=state,
            report=report,
            form=ActionForm(formdata=None),
            rebuild_text=rebuild_text(state.rebuild),
            rebuild_message=rebuild_message(state.rebuild),
            skip_after=index.SKIP_AFTER,
        ),
        status,
    )


@bp.get("")
def page():
    return _page()


@bp.post("/check")
def check():
    if not ActionForm().validate_on_submit():
        abort(400)
    return _page(admin.check(index.target_for(), fix=False))


@bp.post("/mend")
def mend():
    if not ActionForm().validate_on_submit():
        abort(400)
    drift = admin.check(index.target_for(), fix=True).drift
    if drift.clean:
        flash(_("The index was already in step with the database."), "success")
    else:
        rewritten = len(drift.missing) + len(drift.stale) + len(drift.extra)
        flash(
            ngettext(
                "Mended: %(num)s page rewritten in the index.",
                "Mended: %(num)s pages rewritten in the index.",
                rewritten,
            ),
            "success",
        )
    return redirect(url_for("search_admin.page"))


@bp.post("/rebuild")
def rebuild():
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        admin.start_rebuild(index.target_for())
    except admin.RebuildRunning:
        flash(
            _("A rebuild is already running: wait for it to end before starting another."), "error"
        )
        return _page(status=409)
    return redirect(url_for("search_admin.page", _anchor="rebuild"))


@bp.get("/progress.json")
def progress_json():
    progress = admin.read_progress(index.target_for())
    response = jsonify(
        {**progress.as_json(), "text": rebuild_text(progress), "message": rebuild_message(progress)}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def rebuild_text(progress: admin.Progress) -> str:
    """“1 234 / 10 000 pages”, for the progress bar and the JSON alike."""
    return ngettext(
        "%(done)s / %(total)s page",
        "%(done)s / %(total)s pages",
        progress.total,
        done=format_number(progress.done),
        total=format_number(progress.total),
    )


def rebuild_message(progress: admin.Progress) -> str:
    if progress.state == "running" and progress.reason == rebuilding.BEHIND_PRUNED_LOG:
        return _(
            "Rebuilding the index, started by this server itself: its index had fallen behind "
            "the pruned change log."
        )
    if progress.state == "running" and progress.reason == rebuilding.FAR_BEHIND:
        return _(
            "Rebuilding the index, started by this server itself: it had too many changes to "
            "apply (a new server, or its index was lost), and a rebuild is quicker."
        )
    if progress.state == "running":
        return _("Rebuilding the index…")
    if progress.state == "done":
        return ngettext(
            "The last rebuild is complete: %(pages)s page indexed.",
            "The last rebuild is complete: %(pages)s pages indexed.",
            progress.total,
            pages=format_number(progress.total),
        )
    if progress.state == "failed":
        return _(
            "The last rebuild failed (%(error)s). The live index was kept as it was.",
            error=progress.error or "?",
        )
    if progress.state == "interrupted":
        return _(
            "The last rebuild stopped before its end (its server process was stopped). "
            "The live index was kept as it was."
        )
    return _("No rebuild was started from this page yet.")
