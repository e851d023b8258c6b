"""Login, logout, registration and the account page."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from wiki import antispam, mail
from wiki.auth import service, sessions, tokens
from wiki.auth.access import ActionForm
from wiki.extensions import configured_limit, db
from wiki.models import utcnow

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Login name"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    username = StringField(
        _l("Login name"), validators=[DataRequired(), Length(max=service.USERNAME_MAX)]
    )
    display_name = StringField(
        _l("Name shown to others (optional)"),
        validators=[Optional(), Length(max=service.DISPLAY_MAX)],
    )
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    challenge = StringField(_l("Answer"), validators=[Length(max=200)])
    next = HiddenField()


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail address of your account"), validators=[DataRequired()])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class DisplayNameForm(FlaskForm):
    display_name = StringField(
        _l("Name shown to others"), validators=[Length(max=service.DISPLAY_MAX)]
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never redirect a user to another host after login."""
    if not target:
        return default
    # Browsers read "\" as "/" and drop tabs and newlines: look at what they would follow,
    # decoded as many times as a server or a browser might.
    probe = target
    for _round in range(3):
        probe = unquote(probe)
    probe = "".join(c for c in probe if c not in "\t\r\n").replace("\\", "/")
    parts = urlsplit(probe)
    if parts.scheme or parts.netloc or not probe.startswith("/") or probe.startswith("//"):
        return default
    if any(ord(c) < 32 or ord(c) == 127 for c in target) or "\\" in target:
        return default
    return target


def _start_session(user, remember: bool) -> None:
    """A new session at every login: nothing from before the login is carried over."""
    lang = session.get("lang")
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the old session's token for this request
    if lang:
        session["lang"] = lang
    sessions.start(user, remember=remember, user_agent=request.headers.get("User-Agent", ""))
    login_user(user, remember=remember)
    session.permanent = True


def _blocked_message(user) -> str:
    if user.blocked_until is None:
        return _("This account is blocked. Reason given: %(reason)s", reason=user.blocked_reason)
    return _(
        "This account is blocked until %(until)s UTC. Reason given: %(reason)s",
        until=user.blocked_until.strftime("%d/%m/%Y %H:%M"),
        reason=user.blocked_reason,
    )


@bp.route("/login", methods=["GET", "POST"])
@configured_limit("LOGIN_RATE_LIMIT", methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = service.authenticate(form.username.data, form.password.data)
        if user is not None and user.is_blocked:
            form.username.errors.append(_blocked_message(user))
            return render_template("auth/login.html", form=form), 403
        if user is not None:
            _start_session(user, bool(form.remember.data))
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(form.next.data, url_for("pages.home")))
        form.password.errors.append(_("Unknown name or wrong password."))
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@configured_limit("REGISTER_RATE_LIMIT", methods=["POST"])
def register():
    form = RegisterForm(next=request.args.get("next", ""))
    asked = antispam.challenge()

    def render(status=200):
        return render_template("auth/register.html", form=form, challenge=asked), status

    if not form.validate_on_submit():
        return render(400 if request.method == "POST" else 200)
    needs_email = current_app.config["REQUIRE_EMAIL_CONFIRMATION"]
    if needs_email and not form.email.data:
        form.email.errors.append(_("This wiki confirms each account by e-mail: give an address."))
        return render(400)
    try:
        antispam.check_form(request.form)
        antispam.check_challenge(form.challenge.data)
        antispam.check_terms(form.username.data, form.display_name.data, form.email.data)
        user = service.create_user(
            form.username.data,
            form.password.data,
            form.email.data,
            display_name=form.display_name.data,
        )
    except antispam.Refused as refused:
        getattr(form, refused.field or "username").errors.append(str(refused.message))
        return render(refused.status)
    except service.AccountError as error:
        getattr(form, error.field or "username").errors.append(str(error.message))
        return render(error.status)
    _start_session(user, remember=False)
    if needs_email:
        _send_confirmation(user)
        flash(
            _(
                "Your account is ready. We sent you an e-mail: open its link to confirm your "
                "address, then you can write."
            ),
            "success",
        )
    else:
        flash(_("Your account is ready. You can now write and edit pages."), "success")
    return redirect(safe_next(form.next.data, url_for("pages.home")))


def _send_confirmation(user) -> bool:
    link = url_for("auth.confirm_email", token=tokens.confirm_token(user), _external=True)
    body = _(
        "Hello %(name)s,\n\nTo confirm the address of your Essaim account, open this link:\n"
        "%(link)s\n\nIf you did not create this account, ignore this message.",
        name=user.name,
        link=link,
    )
    try:
        mail.send(user.email, _("Confirm your e-mail address"), body)
    except mail.MailError:
        return False
    return True


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    try:
        user = tokens.user_for_confirmation(token)
    except tokens.InvalidToken as invalid:
        return _invalid_link(invalid)
    if request.method == "GET":  # a page with a button: mail scanners follow links
        return render_template("auth/confirm.html", form=ActionForm(), user=user)
    if not ActionForm().validate_on_submit():
        abort(400)
    user.email_confirmed_at = utcnow()
    db.session.commit()
    flash(_("Thank you: your address is confirmed."), "success")
    return redirect(url_for("pages.home"))


@bp.post("/account/confirm")
@login_required
@configured_limit("PASSWORD_RESET_RATE_LIMIT")
def resend_confirmation():
    if not ActionForm().validate_on_submit():
        abort(400)
    if current_user.email and current_user.email_confirmed_at is None:
        if _send_confirmation(current_user):
            flash(_("We sent the link again to %(email)s.", email=current_user.email), "info")
        else:
            flash(_("The e-mail could not be sent just now. Try again in a few minutes."), "error")
    return redirect(url_for("auth.account"))


def _invalid_link(invalid: tokens.InvalidToken):
    if invalid.expired:
        message = _("This link has expired. Ask for a new one.")
    else:
        message = _("This link is not valid, or it was used already. Ask for a new one.")
    return render_template("auth/invalid_link.html", message=message), 400


@bp.route("/password/forgot", methods=["GET", "POST"])
@configured_limit("PASSWORD_RESET_RATE_LIMIT", methods=["POST"])
def forgot_password():
    form = ForgotForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/forgot.html", form=form), status
    user = service.find_user_by_email(form.email.data)
    if user is not None and not user.is_blocked:
        link = url_for("auth.reset_password", token=tokens.reset_token(user), _external=True)
        hours = current_app.config["PASSWORD_RESET_HOURS"]
        body = _(
            "Hello %(name)s,\n\nSomeone (you, we hope) asked to choose a new password for the "
            "Essaim account %(login)s. Open this link within %(hours)s hours; it works once:\n"
            "%(link)s\n\nIf you did not ask for it, ignore this message: your password stays "
            "as it is.",
            name=user.name,
            login=user.username,
            hours=f"{hours:g}",
            link=link,
        )
        try:
            mail.send(user.email, _("Choose a new password"), body)
        except mail.MailError:
            pass  # logged; the answer stays the same so that it reveals no address
    # The same answer whether an account has this address or not.
    return render_template("auth/forgot.html", form=form, sent=True)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = tokens.user_for_reset(token)
    except tokens.InvalidToken as invalid:
        return _invalid_link(invalid)
    form = ResetForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/reset.html", form=form, user=user), status
    try:
        service.change_password(user, None, form.password.data, check_current=False)
    except service.AccountError as error:
        form.password.errors.append(str(error.message))
        return render_template("auth/reset.html", form=form, user=user), 400
    sessions.end_all(user)
    flash(_("Your new password is saved. You can log in with it."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/logout")
@login_required
def logout():
    sessions.end(current_user)
    logout_user()
    session.clear()
    g.pop("csrf_token", None)
    flash(_("You are logged out."), "info")
    return redirect(url_for("pages.home"))


@bp.get("/account")
@login_required
def account():
    return _render_account()


def _render_account(status=200, name_form=None, password_form=None):
    name_form = name_form or DisplayNameForm(display_name=current_user.display_name)
    return render_template(
        "auth/account.html",
        name_form=name_form,
        password_form=password_form or PasswordForm(),
        action_form=ActionForm(),
        open_sessions=sessions.open_sessions(current_user),
        is_current=lambda row: sessions.is_current(current_user, row),
    ), status


@bp.post("/account/name")
@login_required
def change_display_name():
    form = DisplayNameForm()
    if not form.validate_on_submit():
        return _render_account(400, name_form=form)
    try:
        current_user.display_name = service.clean_display_name(
            form.display_name.data, fallback=current_user.username
        )
    except service.AccountError as error:
        form.display_name.errors.append(str(error.message))
        return _render_account(400, name_form=form)
    db.session.commit()
    flash(_("Your display name is saved."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/password")
@login_required
@configured_limit("LOGIN_RATE_LIMIT")
def change_password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _render_account(400, password_form=form)
    try:
        service.change_password(current_user, form.current.data, form.password.data)
    except service.AccountError as error:
        getattr(form, error.field or "password").errors.append(str(error.message))
        return _render_account(400, password_form=form)
    flash(_("Your password is changed. Your other devices are logged out."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/<int:session_id>/revoke")
@login_required
def revoke_session(session_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    if not sessions.end_one(current_user, session_id):
        abort(404)
    flash(_("That device is logged out."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang in ("fr", "en"):
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("pages.home")))
