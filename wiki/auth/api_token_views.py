"""/account/tokens: a person's personal API tokens (made, listed, revoked)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from wiki.auth import api_tokens as tokens
from wiki.auth.access import ActionForm

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


class TokenForm(FlaskForm):
    name = StringField(_l("What is it for?"), validators=[DataRequired(), Length(max=100)])
    scope = RadioField(
        _l("It may"),
        choices=[
            SelectChoice("read", _l("read only")),
            SelectChoice("write", _l("read and write (create and edit pages, send files)")),
        ],
        default="read",
    )


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return (
        render_template(
            "auth/api_tokens.html",
            form=form,
            action=ActionForm(formdata=None),
            tokens=tokens.tokens_of(current_user),
            secret=secret,
        ),
        status,
    )


@bp.get("")
@login_required
def page():
    return _page(TokenForm(formdata=None))


@bp.post("")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        _token, secret = tokens.create(current_user, form.name.data, form.scope.data)
    except tokens.TokenError as error:
        flash(str(error.message), "error")
        return _page(form, status=400)
    response = _page(TokenForm(formdata=None), secret)
    return response[0], 201, {"Cache-Control": "no-store"}  # the secret is shown this once


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        token = tokens.revoke(current_user, token_id)
    except tokens.TokenError as error:
        abort(404, str(error.message))
    flash(_("Token “%(name)s” revoked: it no longer opens the API.", name=token.name), "success")
    return redirect(url_for("api_tokens.page"))
