"""Administrators' page of the theme vocabulary: add, relabel, reorder, remove."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wiki.auth.access import ActionForm, require_admin
from wiki.extensions import db
from wiki.knowledge import vocabulary
from wiki.knowledge.forms import MoveForm, ThemeForm, ThemeLabelsForm
from wiki.models import Theme

bp = Blueprint("themes_admin", __name__, url_prefix="/admin/themes")


@bp.before_request
def _administrators_only() -> None:
    require_admin(_("Only administrators can manage the themes."))


def _load_theme(slug: str) -> Theme:
    theme = db.session.get(Theme, slug)
    if theme is None:
        abort(404, _("There is no theme “%(name)s”.", name=slug))
    return theme


def _admin_page(form: ThemeForm | None = None, status: int = 200, refused=None):
    return (
        render_template(
            "knowledge/admin_themes.html",
            themes=vocabulary.themes_with_counts(),
            form=form or ThemeForm(formdata=None),
            refused=refused,
        ),
        status,
    )


@bp.route("", methods=["GET", "POST"])
def themes():
    if request.method == "GET":
        return _admin_page()
    form = ThemeForm()
    if not form.validate_on_submit():
        return _admin_page(form, 400)
    try:
        theme = vocabulary.add_theme(form.label_fr.data, form.label_en.data, form.slug.data)
    except vocabulary.ThemeError as error:
        form.label_fr.errors = [*form.label_fr.errors, error.message]
        return _admin_page(form, 400)
    flash(_("Theme “%(label)s” added.", label=theme.label_fr), "success")
    return redirect(url_for("themes_admin.themes"))


@bp.post("/<slug>")
def update(slug):
    theme = _load_theme(slug)
    form = ThemeLabelsForm()
    if not form.validate_on_submit():
        flash(_("Both labels are needed (128 characters at most)."), "error")
        return _admin_page(status=400)
    try:
        vocabulary.update_theme(theme, form.label_fr.data, form.label_en.data)
    except vocabulary.ThemeError as error:
        flash(error.message, "error")
        return _admin_page(status=400)
    flash(_("Theme “%(label)s” saved.", label=theme.label_fr), "success")
    return redirect(url_for("themes_admin.themes"))


@bp.post("/<slug>/move")
def move(slug):
    theme = _load_theme(slug)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    vocabulary.move_theme(theme, -1 if form.direction.data == "up" else 1)
    return redirect(url_for("themes_admin.themes", _anchor=f"theme-{theme.slug}"))


@bp.post("/<slug>/delete")
def delete(slug):
    theme = _load_theme(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        vocabulary.remove_theme(theme)
    except vocabulary.ThemeError as error:
        return _admin_page(status=409, refused=error)
    flash(_("Theme “%(label)s” removed.", label=theme.label_fr), "success")
    return redirect(url_for("themes_admin.themes"))
