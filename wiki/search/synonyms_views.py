"""Administrators' page of the search synonyms: the list in use, edited as text."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from wiki.auth.access import require_admin
from wiki.search import synonyms

bp = Blueprint("search_synonyms", __name__, url_prefix="/admin/search/synonyms")


@bp.before_request
def _administrators_only() -> None:
    require_admin(_("Only administrators can edit the search synonyms."))


class SynonymsForm(FlaskForm):
    text = TextAreaField()


def _page(form: SynonymsForm, refused: synonyms.VocabularyError | None = None, status=200):
    return (
        render_template(
            "search/synonyms.html",
            form=form,
            refused=refused,
            shipped=synonyms.shipped_text(),
        ),
        status,
    )


@bp.route("", methods=["GET", "POST"])
def edit():
    form = SynonymsForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return _page(form, status=400)  # no CSRF token: nothing changes
        form.text.data = synonyms.current_text()[1]
        return _page(form)
    try:
        synonyms.save(form.text.data or "", current_user)
    except synonyms.VocabularyError as error:
        return _page(form, refused=error, status=400)
    flash(_("The synonyms were saved: searches use them from now on."), "success")
    return redirect(url_for("search_synonyms.edit"))
