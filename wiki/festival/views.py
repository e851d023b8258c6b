"""Festival material of a page: sheets (A4 fiche, A5 card, A3 poster) and QR codes."""

from __future__ import annotations

import base64

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length

from wiki.extensions import db, limiter
from wiki.festival import aliases, booklet, contents, jobs, qr, sheets
from wiki.festival.pdf import ResourceRefused, fit_on_one_page, local_fetcher
from wiki.knowledge.selection import MAX_SEARCHED
from wiki.lru import LRU
from wiki.models import Page
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


# Budget that made a sheet fit, by (revision, format, language, short link): the preview and
# the PDF of one fiche are laid out once, not once each.
_BUDGETS = LRU(512)  # the budgets that made sheets fit


def one_page(page, format: str):
    from flask_babel import get_locale

    photo = embedded_photo(page)
    key = (page.current_id, format, str(get_locale()), short_link(page), bool(photo))
    known = _BUDGETS.get(key)
    if known is not None:
        from wiki.festival.pdf import document

        html = sheet_html(page, format, known, photo=photo)
        laid_out = document(html, page_css=PAGE_CSS[format])
        if len(laid_out.pages) == 1:
            return laid_out, known
    laid_out, budget = fit_on_one_page(
        lambda budget: sheet_html(page, format, budget, photo=photo), page_css=PAGE_CSS[format]
    )
    _BUDGETS.put(key, budget)
    return laid_out, budget


def known_budget(page, format: str) -> float:
    """For the HTML preview: the budget the PDF used, laying it out only if not known yet."""
    from flask_babel import get_locale

    photo = embedded_photo(page)
    key = (page.current_id, format, str(get_locale()), short_link(page), bool(photo))
    known = _BUDGETS.get(key)
    return known if known is not None else one_page(page, format)[1]


@bp.get("/wiki/<slug>/fiche", defaults={"format": "fiche"}, endpoint="sheet")
@bp.get("/wiki/<slug>/card", defaults={"format": "card"}, endpoint="card")
@bp.get("/wiki/<slug>/poster", defaults={"format": "poster"}, endpoint="poster")
def sheet(slug, format):
    endpoint = {"fiche": "festival.sheet"}.get(format, f"festival.{format}")
    page = load_page(slug, endpoint)
    budget = known_budget(page, format)
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

    from wiki.festival import arrival

    return {
        "public_url_warning": public_url_warning,
        "page_card": arrival.card_of,
        "page_place": arrival.place_of,
        "map_settings": arrival.map_settings,
    }


# --- Basket and booklet ------------------------------------------------------------------------


def basket_ids() -> list[int]:
    raw = session.get("basket") or []
    return [i for i in raw if isinstance(i, int)][: booklet.BASKET_LIMIT]


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@bp.post("/basket")
@limiter.limit("120 per minute")
def basket():
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    ids = basket_ids()
    action = request.form.get("action")
    page_id = request.form.get("page_id", type=int)
    page = db.session.get(Page, page_id) if page_id else None
    if action == "add" and page is not None:
        if page.id not in ids:
            if len(ids) >= booklet.BASKET_LIMIT:
                flash(_("The basket is full (%(n)s pages).", n=booklet.BASKET_LIMIT), "error")
            else:
                ids.append(page.id)
                flash(_("“%(title)s” is in your booklet basket.", title=page.title), "success")
    elif action == "remove" and page_id:
        ids = [i for i in ids if i != page_id]
        if page is not None:
            flash(_("“%(title)s” left your booklet basket.", title=page.title), "info")
    elif action == "clear":
        ids = []
        flash(_("Your booklet basket is empty."), "info")
    else:
        abort(400)
    session["basket"] = ids
    return redirect(_safe_next(url_for("festival.booklet_page", basket=1)))


class BookletForm(FlaskForm):
    festival = StringField(validators=[Length(max=120)])
    date = StringField(validators=[Length(max=60)])


def _criteria(args):
    """The booklet's criteria, or a 400 page saying why the selection cannot be read."""
    try:
        return contents.Criteria.from_args(args)
    except contents.SelectionError as error:
        abort(400, str(error))


def _choice(criteria) -> contents.Choice:
    if not criteria.given:
        return contents.Choice()
    maximum, _background = _limits()
    return contents.choose(criteria, basket_ids(), limit=maximum)


def _limits() -> tuple[int, int]:
    config = current_app.config
    return int(config["BOOKLET_MAX_PAGES"]), int(config["BOOKLET_BACKGROUND_ABOVE"])


@bp.get("/booklet")
def booklet_page():
    criteria = _criteria(request.args)
    if not criteria.given and basket_ids():
        criteria.basket = True
    return _booklet_page(criteria, _choice(criteria), BookletForm(formdata=None))


def _booklet_page(criteria, selection, form, error=None, status=200):
    from wiki.knowledge.selection_views import describe
    from wiki.models import Theme

    maximum, background = _limits()
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    return render_template(
        "festival/booklet.html",
        criteria=criteria,
        described=describe(criteria.selection),
        without_picked={k: v for k, v in criteria.as_args().items() if k != "slug"},
        max_searched=MAX_SEARCHED,
        selection=selection,
        form=form,
        error=error,
        maximum=maximum,
        background=background,
        themes=themes,
        basket=basket_ids(),
    ), status


def _too_many(selection, maximum: int) -> str:
    if selection.truncated:
        return _(
            "These words match more than %(n)s pages, too many for one booklet (at most "
            "%(max)s): add a theme, a territory or other words.",
            n=MAX_SEARCHED,
            max=maximum,
        )
    return _(
        "%(n)s pages is too many for one booklet (at most %(max)s): narrow the selection, "
        "for example with a theme or a territory.",
        n=selection.total,
        max=maximum,
    )


@bp.post("/booklet")
@limiter.limit(lambda: current_app.config["BOOKLET_RATE_LIMIT"])
def booklet_build():
    criteria = _criteria(request.form)
    form = BookletForm()
    selection = _choice(criteria)
    if not form.validate_on_submit():
        return _booklet_page(criteria, selection, form, _("The form expired: send it again."), 400)
    maximum, background = _limits()
    if selection.empty:
        error = _("No page to print: choose a theme, a territory, a search or fill your basket.")
        return _booklet_page(criteria, selection, form, error, 422)
    if selection.total > maximum or selection.truncated:
        return _booklet_page(criteria, selection, form, _too_many(selection, maximum), 422)
    festival = (form.festival.data or "").strip() or _("Festival of the transitions")
    date = (form.date.data or "").strip()
    name = _file_name(festival)
    if selection.total > background:
        job = jobs.start([p.id for p in selection.pages], festival, date, name)
        return redirect(url_for("festival.booklet_job", job_id=job), 303)
    pdf = booklet.build(selection.pages, booklet.BookletInfo(festival, date))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(festival: str) -> str:
    from slugify import slugify

    return f"livret-{slugify(festival)[:60] or 'essaim'}.pdf"


@bp.get("/booklet/jobs/<job_id>")
def booklet_job(job_id):
    state = jobs.state(job_id)
    if state is None:
        abort(404)
    return render_template("festival/booklet_job.html", job_id=job_id, state=state)


@bp.get("/booklet/jobs/<job_id>.json")
def booklet_job_json(job_id):
    state = jobs.state(job_id)
    if state is None:
        abort(404)
    return jsonify(
        status=state["status"],
        done=state["done"],
        total=state["total"],
        download=url_for("festival.booklet_download", job_id=job_id)
        if state["status"] == "done"
        else None,
    )


@bp.get("/booklet/jobs/<job_id>/booklet.pdf")
def booklet_download(job_id):
    path = jobs.pdf_path(job_id)
    if path is None:
        abort(404)
    name = (jobs.state(job_id) or {}).get("name") or "livret.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.post("/booklet/offline")
@limiter.limit(lambda: current_app.config["BOOKLET_RATE_LIMIT"])
def offline_copy():
    """The selection as a static copy that works without network (ZIP)."""
    import io

    from wiki.festival import offline

    criteria = _criteria(request.form)
    form = BookletForm()
    selection = _choice(criteria)
    if not form.validate_on_submit():
        return _booklet_page(criteria, selection, form, _("The form expired: send it again."), 400)
    maximum, _background = _limits()
    if selection.empty:
        error = _("No page to copy: choose a theme, a territory, a search or fill your basket.")
        return _booklet_page(criteria, selection, form, error, 422)
    if selection.total > maximum or selection.truncated:
        error = _("At most %(max)s pages fit in one booklet: narrow the selection.", max=maximum)
        return _booklet_page(criteria, selection, form, error, 422)
    buffer = io.BytesIO()
    offline.export(selection.pages, buffer, zipped=True)
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="essaim-hors-ligne.zip"'
    return response
