"""Wiring of the web side: blueprints, error pages, login loading, template helpers."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from wiki.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from wiki.api.views import bp as api_bp
    from wiki.auth.views import bp as auth_bp
    from wiki.festival.views import bp as festival_bp
    from wiki.knowledge.views import bp as knowledge_bp
    from wiki.pages.views import bp as pages_bp
    from wiki.search.views import bp as search_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(festival_bp)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to edit pages.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        from wiki.models import User

        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @app.context_processor
    def template_helpers():
        return {"current_locale": str(get_locale()), "theme_label": theme_label}

    # A global, not a context value: imported macros (knowledge/_macros.html) see it too.
    app.jinja_env.globals["value_label"] = value_label

    def refuse_invalid_utf8():
        """Werkzeug keeps undecodable bytes as %XX escapes; say so rather than save them."""
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            raw = request.get_data(cache=True)  # form parsing reuses the cached body
            try:
                unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return _render_error(
                    400,
                    _l(
                        "The form contained characters that are not valid UTF-8 text. "
                        "Copy your text into a new editor window and send it again."
                    ),
                )
        return None

    # First of all hooks: CSRF protection parses the form, after which the raw body is gone.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_invalid_utf8)

    @app.before_request
    def start_search_indexing():
        """Once per process: pages left queued by a stopped worker get indexed without waiting
        for the next save."""
        if not app.extensions.get("essaim_indexing_started"):
            app.extensions["essaim_indexing_started"] = True
            from wiki import search

            search.notify([])

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
            "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
        )
        return response

    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)

    from wiki import cli

    cli.init_app(app)


def theme_label(slug: str) -> str:
    from wiki.models import Theme

    theme = db.session.get(Theme, slug)
    if theme is None:
        return slug
    return theme.label_en if str(get_locale()) == "en" else theme.label_fr


# The front matter's French values, as the interface shows them in each language.
VALUE_LABELS = {
    "idée": _l("idea"),
    "en cours": _l("ongoing"),
    "terminé": _l("completed"),
    "abandonné": _l("abandoned"),
    "quartier": _l("neighbourhood"),
    "commune": _l("municipality"),
    "intercommunalité": _l("group of municipalities"),
    "pays": _l("pays (rural area)"),
    "département": _l("département"),
    "région": _l("region"),
    "urbain": _l("urban"),
    "périurbain": _l("peri-urban"),
    "rural": _l("rural"),
}


def value_label(value: str | None) -> str:
    if not value:
        return ""
    return str(VALUE_LABELS.get(value, value))


MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist (yet)."),
    405: _l("This action is not available here."),
    409: _l("This conflicts with the current state of the page."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Nothing you saved is lost."),
}


def _render_error(status: int, detail: str | None = None):
    message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    return render_template("error.html", status=status, message=message, detail=detail), status


def _http_error(error: HTTPException):
    if error.response is not None:  # abort(redirect(...)) and friends
        return error.response
    default = type(error).description
    detail = error.description if error.description != default else None
    return _render_error(error.code or 500, detail)


def _csrf_error(error: CSRFError):
    return _render_error(
        400,
        _l(
            "The form expired or was sent from elsewhere. Go back, reload the page and send it "
            "again (copy your text first if it is long)."
        ),
    )


def _server_error(error: Exception):
    from flask import current_app

    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s", request.path)
    return _render_error(500)
