"""Moderators' buttons on pages and revisions: hide parts, delete, restore, protect, patrol."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField
from wtforms.validators import Length, Optional

from wiki.auth.access import ActionForm, require_moderator
from wiki.extensions import db
from wiki.models import Revision
from wiki.moderation import service
from wiki.pages.service import PageError
from wiki.pages.views import load_page, load_revision

bp = Blueprint("moderation", __name__)


@bp.before_request
def _moderators_only():
    require_moderator(_("Only moderators can do this."))


class VisibilityForm(FlaskForm):
    text = BooleanField(_l("Hide the text"))
    comment = BooleanField(_l("Hide the edit summary"))
    author = BooleanField(_l("Hide the author"))
    reason = StringField(_l("Why? (kept in the audit log)"), validators=[Length(max=500)])


class DeleteForm(FlaskForm):
    reason = StringField(_l("Why? (required, kept in the audit log)"), validators=[Length(max=500)])


class ProtectForm(FlaskForm):
    until = DateTimeLocalField(
        _l("Protected until (UTC)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    reason = StringField(_l("Why? (kept in the audit log)"), validators=[Length(max=500)])


def _page_forms(**forms):
    return {
        "delete_form": forms.get("delete_form") or DeleteForm(formdata=None),
        "restore_form": forms.get("restore_form") or DeleteForm(formdata=None),
        "protect_form": forms.get("protect_form") or ProtectForm(formdata=None),
    }


@bp.get("/wiki/<slug>/moderate")
def page(slug):
    target = load_page(slug, "moderation.page")
    return render_template("moderation/page.html", page=target, **_page_forms())


def _refused(target, error: PageError, **forms):
    db.session.rollback()
    return render_template(
        "moderation/page.html", page=target, error=error.message, **_page_forms(**forms)
    ), error.status


@bp.post("/wiki/<slug>/delete")
def delete(slug):
    target = load_page(slug)
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.delete_page(current_user, target, form.reason.data or "")
    except PageError as error:
        form.reason.errors = [str(error.message)]
        return _refused(target, error, delete_form=form)
    flash(_("The page is deleted. The public now gets “gone”; you can restore it."), "success")
    return redirect(url_for("moderation.page", slug=target.slug))


@bp.post("/wiki/<slug>/restore")
def restore(slug):
    target = load_page(slug)
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.restore_page(current_user, target, form.reason.data or "")
    except PageError as error:
        return _refused(target, error)
    flash(_("The page is restored."), "success")
    return redirect(url_for("pages.view", slug=target.slug))


@bp.post("/wiki/<slug>/protect")
def protect(slug):
    target = load_page(slug)
    form = ProtectForm()
    if not form.validate_on_submit():
        return _refused(target, PageError(_l("Give a valid date.")), protect_form=form)
    until = None if request.form.get("lift") else form.until.data
    if until is None and not request.form.get("lift"):
        form.until.errors = [_("Give the date the protection ends.")]
        return _refused(target, PageError(_l("Give a valid date.")), protect_form=form)
    try:
        service.protect_page(current_user, target, until, form.reason.data or "")
    except PageError as error:
        form.until.errors = [str(error.message)]
        return _refused(target, error, protect_form=form)
    flash(_("Protection saved."), "success")
    return redirect(url_for("moderation.page", slug=target.slug))


@bp.route("/wiki/<slug>/revisions/<int:rev>/moderate", methods=["GET", "POST"])
def revision(slug, rev):
    target = load_page(slug, "moderation.revision", rev=rev)
    revision = load_revision(target, rev)
    if request.method == "GET":
        form = VisibilityForm(
            formdata=None,
            text=revision.hidden,
            comment=revision.comment_hidden,
            author=revision.author_hidden,
        )
        return render_template(
            "moderation/revision.html", page=target, revision=revision, form=form
        )
    form = VisibilityForm()
    if not form.validate_on_submit():
        return render_template(
            "moderation/revision.html", page=target, revision=revision, form=form
        ), 400
    changes = {"text": form.text.data, "comment": form.comment.data, "author": form.author.data}
    try:
        service.set_visibility(current_user, revision, changes, form.reason.data or "")
    except PageError as error:
        db.session.rollback()
        return render_template(
            "moderation/revision.html",
            page=target,
            revision=revision,
            form=form,
            error=error.message,
        ), error.status
    flash(_("Saved. What you hid is kept, and can be shown again."), "success")
    return redirect(url_for("pages.history", slug=target.slug))


@bp.post("/revisions/<int:rev>/patrol")
def patrol(rev):
    if not ActionForm().validate_on_submit():
        abort(400)
    revision = db.session.get(Revision, rev)
    if revision is None:
        abort(404)
    service.patrol(current_user, revision)
    return redirect(url_for("pages.recent"))
