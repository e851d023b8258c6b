"""/admin: accounts, the audit log, the review queue (moderators) and anti-spam (administrators)."""

from __future__ import annotations

import difflib
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from wiki import antispam
from wiki.auth import service
from wiki.auth.access import ActionForm, require_admin, require_moderator
from wiki.extensions import db
from wiki.models import Page, PendingEdit, Revision, User
from wiki.moderation import audit
from wiki.moderation import review as queue
from wiki.pages.service import PageError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _moderators_only():
    require_moderator(_("Only moderators and administrators can open this page."))


class BlockForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the person)"), validators=[Length(max=500)])
    until = DateTimeLocalField(
        _l("Until (UTC; empty: until unblocked)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r, r) for r in service.ROLES])
    reason = StringField(_l("Why? (optional)"), validators=[Length(max=500)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Why? (optional)"), validators=[Length(max=500)])


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, _("This account does not exist."))
    return user


@bp.get("/users")
def users():
    query = request.args.get("q", "")[:100]
    return render_template("admin/users.html", users=service.search_users(query), query=query)


@bp.get("/users/<int:user_id>")
def user(user_id):
    target = _load_user(user_id)
    return _render_user(target)


def _render_user(target: User, status=200, block_form=None, role_form=None, error=None):
    revisions = db.session.scalars(
        select(Revision)
        .where(Revision.author_id == target.id)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
        .limit(100)
    ).all()
    pending = db.session.scalars(
        select(PendingEdit)
        .where(PendingEdit.author_id == target.id)
        .order_by(PendingEdit.created_at.desc())
        .limit(100)
    ).all()
    role_form = role_form or RoleForm(role=target.role)
    role_form.role.choices = [SelectChoice(r, _role_label(r)) for r in service.ROLES]
    return render_template(
        "admin/user.html",
        target=target,
        revisions=revisions,
        pending=pending,
        block_form=block_form or BlockForm(formdata=None),
        role_form=role_form,
        reason_form=ReasonForm(formdata=None),
        may_manage=service.may_manage(current_user, target),
        log=[e for e in audit.entries(target_type="user", limit=500) if e.target_id == target.id],
        error=error,
    ), status


def _role_label(role: str) -> str:
    from wiki.labels import role_label

    return role_label(role)


def _act(target: User, action, form=None, **forms):
    """Run an account action; a refusal is shown on the account's page with its status."""
    try:
        action()
    except service.AccountError as error:
        db.session.rollback()
        if form is not None and error.field and error.field in form:
            getattr(form, error.field).errors.append(str(error.message))
        return _render_user(target, error.status, error=error.message, **forms)
    return None


@bp.post("/users/<int:user_id>/role")
def change_role(user_id):
    if not current_user.is_admin:
        abort(403, _("Only administrators can change roles."))
    target = _load_user(user_id)
    form = RoleForm()
    form.role.choices = [SelectChoice(r, r) for r in service.ROLES]
    if not form.validate_on_submit():
        return _render_user(target, 400, role_form=form)
    refused = _act(
        target,
        lambda: service.set_role(current_user, target, form.role.data, form.reason.data or ""),
        form,
        role_form=form,
    )
    if refused:
        return refused
    flash(
        _("%(name)s is now %(role)s.", name=target.name, role=_role_label(target.role)), "success"
    )
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/block")
def block(user_id):
    target = _load_user(user_id)
    form = BlockForm()
    if not form.validate_on_submit():
        return _render_user(target, 400, block_form=form)
    until: datetime | None = form.until.data
    refused = _act(
        target,
        lambda: service.block(current_user, target, form.reason.data or "", until),
        form,
        block_form=form,
    )
    if refused:
        return refused
    flash(_("%(name)s is blocked; their open sessions are closed.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/unblock")
def unblock(user_id):
    target = _load_user(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    refused = _act(target, lambda: service.unblock(current_user, target, form.reason.data or ""))
    if refused:
        return refused
    flash(_("%(name)s is unblocked.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.post("/users/<int:user_id>/flag")
def flag(user_id):
    target = _load_user(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    flagged = request.form.get("flagged") == "1"
    refused = _act(
        target,
        lambda: service.set_flagged(current_user, target, flagged, form.reason.data or ""),
    )
    if refused:
        return refused
    if flagged:
        flash(_("Every edit by %(name)s now waits for review.", name=target.name), "success")
    else:
        flash(_("Edits by %(name)s go live again.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.get("/log")
def log():
    action = request.args.get("action") or None
    entries = audit.entries(action=action, limit=500)
    return render_template("admin/log.html", entries=entries, action=action, form=ActionForm())


REVIEW_REASONS = {
    "flagged": _l("account under review"),
    "new-account-links": _l("new account adding links to other sites"),
}


def _review_rows(edits):
    """What a moderator needs to decide: the added links and the changed lines."""
    for edit in edits:
        page = db.session.get(Page, edit.page_id) if edit.page_id else None
        old = page.current.text if page and page.current else ""
        edit.links = sorted(antispam.added_links(old, edit.text))
        edit.diff = _changed_lines(old, edit.text) if page else None
    return edits


def _changed_lines(old: str, new: str) -> list[tuple[str, str]]:
    lines = []
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
    for line in list(diff)[2:]:
        if line.startswith("@@"):
            lines.append(("hunk", "…"))
        else:
            kind = {"+": "insert", "-": "delete"}.get(line[:1], "equal")
            lines.append((kind, line[1:]))
    return lines


@bp.get("/review")
def review():
    return review_queue()


def review_queue(status=200, error=None):
    edits = _review_rows(queue.waiting())
    return render_template(
        "admin/review.html",
        edits=edits,
        form=ActionForm(),
        error=error,
        reason_label=lambda r: str(REVIEW_REASONS.get(r, r)),
    ), status


@bp.post("/review/<int:edit_id>")
def decide(edit_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    edit = db.session.get(PendingEdit, edit_id)
    if edit is None:
        abort(404, _("This edit does not exist."))
    decision = request.form.get("decision")
    reason = (request.form.get("reason") or "")[:500]
    try:
        if decision == "approve":
            revision = queue.approve(current_user, edit, reason)
            flash(_("Published as revision %(n)s.", n=revision.number), "success")
        elif decision == "reject":
            queue.reject(current_user, edit, reason)
            flash(_("Rejected. Its author will see your note."), "success")
        else:
            abort(400)
    except PageError as error:
        db.session.rollback()
        return review_queue(error.status, error.message)
    return redirect(url_for("admin.review"))


class SpamForm(FlaskForm):
    question = StringField(_l("Question asked at registration"), validators=[Length(max=300)])
    answers = TextAreaField(_l("Accepted answers"), validators=[Length(max=2000)])
    blocked_terms = TextAreaField(_l("Blocked words and domains"), validators=[Length(max=20000)])


@bp.route("/spam", methods=["GET", "POST"])
def spam():
    require_admin(_("Only administrators can change the anti-spam settings."))
    if request.method == "GET":
        form = SpamForm(
            formdata=None,
            question=antispam.setting("challenge_question"),
            answers=antispam.setting("challenge_answers"),
            blocked_terms=antispam.setting("blocked_terms"),
        )
        return render_template("admin/spam.html", form=form)
    form = SpamForm()
    if not form.validate_on_submit():
        return render_template("admin/spam.html", form=form), 400
    antispam.set_setting("challenge_question", (form.question.data or "").strip())
    antispam.set_setting("challenge_answers", form.answers.data or "")
    antispam.set_setting("blocked_terms", form.blocked_terms.data or "")
    audit.record(current_user, "settings.spam", "settings", None, "anti-spam")
    db.session.commit()
    flash(_("Anti-spam settings saved."), "success")
    return redirect(url_for("admin.spam"))
