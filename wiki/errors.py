"""The site's error pages: one template, a kind message per status, never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from wiki.extensions import db

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


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def render_error(status: int, detail: str | None = None):
    message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    return render_template("error.html", status=status, message=message, detail=detail), status


def _http_error(error: HTTPException):
    if error.response is not None:  # abort(redirect(...)) and friends
        return error.response
    default = type(error).description
    detail = error.description if error.description != default else None
    return render_error(error.code or 500, detail)


def _csrf_error(error: CSRFError):
    return render_error(
        400,
        _l(
            "The form expired or was sent from elsewhere. Go back, reload the page and send it "
            "again (copy your text first if it is long)."
        ),
    )


def _server_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s", request.path)
    return render_error(500)
