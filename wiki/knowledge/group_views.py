"""Moderators' merge and split of recurring levers and obstacles (/invariants/groups/…)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.auth.access import ActionForm, require_moderator
from wiki.knowledge import statement_groups

bp = Blueprint("statement_groups", __name__, url_prefix="/invariants/groups")


@bp.before_request
def _moderators_only() -> None:
    require_moderator(_("Only moderators and administrators can merge or split recurring groups."))
    if not ActionForm().validate_on_submit():
        abort(400, _("The form has expired: reload the page and try again."))


def _back():
    """To the /invariants page the moderator came from (its selection kept), nowhere else."""
    back = request.form.get("back", "")
    if not back.startswith("/invariants") or "//" in back or "\\" in back:
        back = url_for("knowledge.invariants")
    return redirect(back.split("#")[0] + "#" + request.form.get("kind", "")[:20])


@bp.post("/merge")
def merge():
    try:
        groups = [statement_groups.parse_ids(v) for v in request.form.getlist("group")]
        size = statement_groups.merge(groups, current_user)
    except statement_groups.GroupChoiceError as error:
        flash(str(error), "error")
    else:
        flash(_("Groups merged: %(num)s statements now share one group.", num=size), "success")
    return _back()


@bp.post("/split")
def split():
    try:
        group = statement_groups.parse_ids(request.form.get("group"))
        apart = [int(v) for v in request.form.getlist("apart") if v.isdigit() and len(v) < 12]
        statement_groups.split(group, apart, current_user)
    except statement_groups.GroupChoiceError as error:
        flash(str(error), "error")
    else:
        flash(_("Group split: the ticked statements now form their own group."), "success")
    return _back()
