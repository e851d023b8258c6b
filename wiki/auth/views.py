"""Login, logout and registration pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from wiki.auth import service
from wiki.extensions import limiter

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Name"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    username = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=64)])
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Length(max=255)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=service.MIN_PASSWORD)]
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    next = HiddenField()


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never redirect a user to another host after login."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = service.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            session.permanent = True
            flash(_("Welcome, %(name)s.", name=user.username), "success")
            return redirect(safe_next(form.next.data, url_for("pages.home")))
        form.password.errors.append(_("Unknown name or wrong password."))
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def register():
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = service.create_user(form.username.data, form.password.data, form.email.data)
        except service.AccountError as error:
            getattr(form, error.field or "username").errors.append(str(error.message))
            return render_template("auth/register.html", form=form), 400
        login_user(user)
        flash(_("Your account is ready. You can now write and edit pages."), "success")
        return redirect(safe_next(form.next.data, url_for("pages.home")))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("pages.home"))


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang in ("fr", "en"):
        session["lang"] = lang
        if current_user.is_authenticated:
            from wiki.extensions import db

            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("pages.home")))
