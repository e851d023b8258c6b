"""Site-wide request hooks and template helpers (blueprints and errors: see create_app)."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup

from wiki.errors import render_error
from wiki.fragments import kept_fragment
from wiki.labels import forget_theme_labels, role_label, theme_label, value_label
from wiki.models import utcnow


def init_app(app: Flask) -> None:
    @app.context_processor
    def template_helpers():
        return {
            "current_locale": str(get_locale()),
            "theme_label": theme_label,
            "role_label": role_label,
            **_request_gettext(),
        }

    # Globals, not context values: imported macros (knowledge/_macros.html) see them too.
    app.jinja_env.globals["value_label"] = value_label
    app.jinja_env.globals["sees_hidden"] = sees_hidden
    app.jinja_env.globals["now_utc"] = utcnow
    app.jinja_env.globals["kept_fragment"] = kept_fragment
    from wiki.antispam import form_stamp

    app.jinja_env.globals["form_stamp"] = form_stamp
    from wiki.render.footnotes import linked

    app.jinja_env.filters["footnoted"] = linked

    # First of all hooks: CSRF protection parses the form, after which the raw body is gone.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_invalid_utf8)

    app.before_request(forget_theme_labels)

    @app.before_request
    def start_search_indexing():
        """Once per process: pages left queued by a stopped worker get indexed without waiting
        for the next save."""
        if not app.extensions.get("essaim_indexing_started"):
            app.extensions["essaim_indexing_started"] = True
            from wiki import search

            search.notify([])

    app.after_request(security_headers)


# Texts of the templates are a few hundred; the bound is for a template translating data.
_MARKED_TEXTS = 4096


def _request_gettext() -> dict:
    """`_()`, `gettext()` and `ngettext()` of the templates, bound to this request's catalogue.

    Flask-Babel's callables look the catalogue up again at every call (request context,
    domain, locale): a page view makes about fifty calls, 6 % of its time (py-spy, bench
    data). Bound once per render they do what Jinja's newstyle gettext does: mark the text
    safe when autoescaping, then fill the %(name)s placeholders, always. Macros imported
    without context keep Flask-Babel's global callables, with the same results.

    A text without variables gives the same safe string at every call: it is kept with the
    catalogue (Flask-Babel keeps one per language), the template's forty calls of a page view
    become forty dictionary reads.
    """
    translations = get_translations()
    translate, translate_plural = translations.ugettext, translations.ungettext
    marked = translations.__dict__.setdefault("essaim_marked_texts", {})

    @pass_context
    def gettext(context, string, **variables):
        if not variables and context.eval_ctx.autoescape:
            text = marked.get(string)
            if text is None:
                text = Markup(translate(string)) % {}  # noqa: S704 (as below)
                if len(marked) < _MARKED_TEXTS:
                    marked[string] = text
            return text
        text = translate(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (the catalogue is ours; variables are escaped by %)
        return text % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translate_plural(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (the catalogue is ours; variables are escaped by %)
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext}


def sees_hidden() -> bool:
    """Moderators see the parts of revisions they hid (marked as hidden); others do not."""
    from flask_login import current_user

    return bool(getattr(current_user, "is_authenticated", False) and current_user.is_moderator)


def refuse_invalid_utf8():
    """Werkzeug keeps undecodable bytes as %XX escapes; say so rather than save them."""
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        raw = request.get_data(cache=True)  # form parsing reuses the cached body
        try:
            unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return render_error(
                400,
                _l(
                    "The form contained characters that are not valid UTF-8 text. "
                    "Copy your text into a new editor window and send it again."
                ),
            )
    return None


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
