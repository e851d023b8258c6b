"""Festival material of a page: sheets (A4 fiche, A5 card, A3 poster) and QR codes."""

from __future__ import annotations

import base64

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from wiki.extensions import limiter
from wiki.festival import aliases, qr, sheets
from wiki.festival.pdf import ResourceRefused, fit_on_one_page, local_fetcher
from wiki.pages.views import load_page
from wiki.public import short_link

bp = Blueprint("festival", __name__)

SHEET_FORMATS = ("fiche", "card", "poster")


def sheet_html(page, format: str, budget: float, toolbar: bool = False, photo=None) -> str:
    sheet = sheets.build(page, format, budget)
    sheet.photo = photo
    return render_template("festival/sheet.html", sheet=sheet, toolbar=toolbar)


def embedded_photo(page) -> str | None:
    """The page's first image as a data: URL, or None when it cannot be had (a remote image,
    a file that vanished): the sheet then gives its room to the text."""
    from wiki.pages import display

    src, _alt = sheets.first_image(display.show(page.current.text).rendered.html)
    if not src:
        return None
    try:
        response = local_fetcher().fetch(src)
    except (ResourceRefused, ValueError, OSError):
        return None
    mime = response.content_type
    if not mime.startswith("image/"):
        return None
    return f"data:{mime};base64,{base64.b64encode(response.read()).decode('ascii')}"


PAGE_CSS = {
    "fiche": "@page { size: A4; margin: 12mm 13mm }",
    "card": "@page { size: A5; margin: 9mm }",
    "poster": "@page { size: A3; margin: 16mm }",
}


def one_page(page, format: str):
    photo = embedded_photo(page)
    return fit_on_one_page(
        lambda budget: sheet_html(page, format, budget, photo=photo), page_css=PAGE_CSS[format]
    )


@bp.get("/wiki/<slug>/fiche", defaults={"format": "fiche"}, endpoint="sheet")
@bp.get("/wiki/<slug>/card", defaults={"format": "card"}, endpoint="card")
@bp.get("/wiki/<slug>/poster", defaults={"format": "poster"}, endpoint="poster")
def sheet(slug, format):
    endpoint = {"fiche": "festival.sheet"}.get(format, f"festival.{format}")
    page = load_page(slug, endpoint)
    _laid_out, budget = one_page(page, format)
    return sheet_html(page, format, budget, toolbar=True, photo=embedded_photo(page))


@bp.get("/wiki/<slug>/<any(fiche, card, poster):format>.pdf")
def sheet_pdf(slug, format):
    page = load_page(slug, "festival.sheet_pdf", format=format)
    laid_out, _budget = one_page(page, format)
    response = Response(laid_out.write_pdf(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{page.slug}-{format}.pdf"'
    return response


class AliasForm(FlaskForm):
    alias = StringField(validators=[Length(max=80)])


def _kit(page, form=None, error=None, status=200):
    return render_template(
        "festival/kit.html",
        page=page,
        link=short_link(page),
        aliases=aliases.aliases_of(page),
        alias_form=form or AliasForm(),
        alias_error=error,
        levels=qr.ERROR_LEVELS,
        sizes=(qr.MIN_MM, qr.DEFAULT_MM, qr.MAX_MM),
    ), status


@bp.get("/wiki/<slug>/festival")
def kit(slug):
    return _kit(load_page(slug, "festival.kit"))


@bp.post("/wiki/<slug>/aliases")
@login_required
@limiter.limit("20 per minute")
def add_alias(slug):
    page = load_page(slug)
    form = AliasForm()
    if not form.validate_on_submit():
        return _kit(page, form, _("The form expired: send it again."), 400)
    try:
        given = aliases.give(page, form.alias.data or "", current_user)
    except aliases.AliasError as error:
        return _kit(page, form, str(error.message), 409)
    flash(
        _(
            "Short link given: %(link)s now leads to this page, for ever.",
            link=url_for("pages.short_link", code=given.alias, _external=True),
        ),
        "success",
    )
    return redirect(url_for("festival.kit", slug=page.slug) + "#short-link")


@bp.get("/wiki/<slug>/qr.<any(svg, png, pdf):kind>")
def qr_code(slug, kind):
    page = load_page(slug, "festival.qr_code", kind=kind)
    try:
        spec = qr.QRSpec.parse(short_link(page), request.args)
    except qr.QRRequestError as error:
        abort(400, str(error))
    body = {"svg": qr.svg, "png": qr.png, "pdf": qr.pdf}[kind](spec)
    response = Response(body, mimetype=qr.FORMATS[kind])
    name = f"{page.slug}-qr-{spec.size_mm}mm-{spec.error}.{kind}"
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.app_context_processor
def festival_helpers():
    from wiki import public

    def public_url_warning() -> bool:
        from flask_login import current_user

        return (
            public.missing_in_production()
            and current_user.is_authenticated
            and current_user.is_admin
        )

    return {"public_url_warning": public_url_warning}
