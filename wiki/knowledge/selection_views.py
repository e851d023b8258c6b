"""An account's saved selections: keep one from compare, list them, reopen them anywhere."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from wiki.auth.access import ActionForm
from wiki.content.cog import get_department, get_region
from wiki.knowledge import saved_selections
from wiki.knowledge.selection import SelectionError
from wiki.labels import theme_label, value_label

bp = Blueprint("selections", __name__, url_prefix="/selections")


def _checked() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, _("The form has expired: reload the page and try again."))


def describe(selection) -> list[str]:
    """The selection in words: "Thème : Alimentation", "Région : Hauts-de-France"…"""
    filters = selection.filters
    parts = [_("words “%(q)s”", q=selection.q)] if selection.q else []
    named = (
        (_("Theme"), filters.theme and theme_label(filters.theme)),
        (_("Scale"), filters.scale and value_label(filters.scale)),
        (_("Setting"), filters.setting and value_label(filters.setting)),
        (_("Status"), filters.status and value_label(filters.status)),
        (_("Region"), filters.region and getattr(get_region(filters.region), "name", None)),
        (
            _("Department"),
            filters.department and getattr(get_department(filters.department), "name", None),
        ),
        (_("Since"), filters.started),
    )
    parts += [_("%(what)s: %(count)s", what=name, count=value) for name, value in named if value]
    if selection.picked:
        parts.append(
            ngettext("%(num)s hand-picked page", "%(num)s hand-picked pages", len(selection.picked))
        )
    return parts


def search_args(selection) -> dict:
    """The part of a selection /search understands: its words and facets."""
    found = {("themes" if k == "theme" else k): v for k, v in selection.filters.as_dict().items()}
    found.pop("started", None)
    return {**({"q": selection.q} if selection.q else {}), **found}


@bp.get("")
@login_required
def mine():
    kept = [
        (saved, saved_selections.selection_of(saved))
        for saved in saved_selections.of_user(current_user)
    ]
    return render_template(
        "knowledge/selections.html",
        kept=kept,
        search_args=search_args,
        describe=describe,
        form=ActionForm(),
    )


@bp.post("")
@login_required
def keep():
    _checked()
    arguments = request.form.copy()
    for field in ("name", "csrf_token"):
        arguments.pop(field, None)
    try:
        saved = saved_selections.save(current_user, request.form.get("name", ""), arguments)
    except (saved_selections.SavedSelectionError, SelectionError) as error:
        flash(str(error), "error")
        return redirect(url_for("knowledge.compare", **arguments.to_dict(flat=False)))
    flash(_("Selection “%(name)s” saved.", name=saved.name), "success")
    return redirect(url_for("selections.mine"))


@bp.post("/<int:selection_id>/delete")
@login_required
def forget(selection_id):
    _checked()
    if not saved_selections.forget(current_user, selection_id):
        abort(404)
    flash(_("Selection deleted."), "success")
    return redirect(url_for("selections.mine"))
