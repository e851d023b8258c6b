"""Browsing and research URLs: themes, territories, map, comparison, invariants, link reports."""

from __future__ import annotations

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
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from wiki import spreadsheet
from wiki.auth.access import ActionForm, require_admin
from wiki.extensions import configured_limit, db
from wiki.knowledge import service
from wiki.limits import MAX_PAGE_NUMBER, whole_number
from wiki.models import Page, Theme

bp = Blueprint("knowledge", __name__)


def page_url(page: Page) -> str:
    return url_for("pages.view", slug=page.slug, _external=True)


@bp.app_template_global()
def backlinks_of(page: Page) -> list[Page]:
    """For templates/knowledge/_backlinks.html, included by the page view."""
    return service.backlinks(page)


# --- Themes and territories ---------------------------------------------------------------


@bp.get("/themes")
def themes():
    return render_template("knowledge/themes.html", themes=service.themes_with_counts())


@bp.get("/themes/<name>")
def theme(name):
    found = service.find_theme(name)
    if found is None:
        abort(404, _("There is no theme “%(name)s”.", name=name))
    if found.slug != name:
        return redirect(url_for("knowledge.theme", name=found.slug), 301)
    return render_template(
        "knowledge/theme.html",
        theme=found,
        experiences=service.experiences(service.Filters(theme=found.slug), statements=False),
        levers=service.recurrences(service.LEVER, theme=found.slug, limit=10),
        obstacles=service.recurrences(service.OBSTACLE, theme=found.slug, limit=10),
    )


@bp.get("/territories")
def territories():
    return render_template("knowledge/territories.html", territories=service.territories())


@bp.get("/territories/<key>")
def territory(key):
    found = service.find_territory(key)
    if found is None:
        abort(404, _("There is no territory “%(key)s” in the wiki.", key=key))
    return render_template("knowledge/territory.html", territory=found)


@bp.get("/api/v1/communes")
def communes():
    query = request.args.get("q", "")[:100]
    return jsonify(service.communes_for_autocomplete(query, limit=10))


# --- Map ----------------------------------------------------------------------------------


def _map_filters() -> service.Filters:
    filters = service.Filters.from_mapping(request.args)
    return service.Filters(theme=filters.theme, status=filters.status)


@bp.get("/map")
def map_view():
    filters = _map_filters()
    return render_template(
        "knowledge/map.html",
        filters=filters,
        entries=service.map_entries(filters),
        themes=service.all_themes(),
        statuses=service.comparison_vocabularies()["status"],
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@bp.get("/map.json")
@configured_limit("SEARCH_RATE_LIMIT")
def map_json():
    entries = service.map_entries(_map_filters())
    response = jsonify(service.geojson(entries, page_url))
    response.mimetype = "application/geo+json"
    return response


# --- Researcher views ---------------------------------------------------------------------


@bp.get("/compare")
@configured_limit("SEARCH_RATE_LIMIT")
def compare():
    filters = service.Filters.from_mapping(request.args)
    per_page = 50
    number = whole_number(request.args.get("page"), MAX_PAGE_NUMBER) or 1
    pages, total = service.experiences_page(filters, number, per_page)
    return render_template(
        "knowledge/compare.html",
        filters=filters,
        pages=pages,
        total=total,
        number=number,
        last=max(1, -(-total // per_page)),
        themes=service.all_themes(),
        vocabularies=service.comparison_vocabularies(),
        statements_of=service.statements_of,
    )


@bp.get("/compare.csv")
@configured_limit("EXPORT_RATE_LIMIT")
def compare_csv():
    filters = service.Filters.from_mapping(request.args)
    body = service.comparison_csv(
        service.experiences(filters), page_url, spreadsheet.delimiter(request.args)
    )
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="essaim-experiences.csv"',
        },
    )


@bp.get("/invariants")
@configured_limit("SEARCH_RATE_LIMIT")
def invariants():
    name = request.args.get("theme") or None
    chosen = service.find_theme(name) if name else None
    if name and chosen is None:
        abort(404, _("There is no theme “%(name)s”.", name=name))
    return render_template(
        "knowledge/invariants.html",
        groups=service.invariants(chosen),
        chosen=chosen,
        themes=service.all_themes(),
    )


# --- Link reports -------------------------------------------------------------------------


@bp.get("/special/orphans")
def orphans():
    return render_template("knowledge/orphans.html", pages=service.orphans())


@bp.get("/special/wanted")
def wanted():
    return render_template("knowledge/wanted.html", wanted=service.wanted_pages())


# --- Theme vocabulary (admins) --------------------------------------------------------------


class ThemeForm(FlaskForm):
    label_fr = StringField(_l("Label in French"), validators=[DataRequired(), Length(max=128)])
    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=128)])
    slug = StringField(
        _l("Address (optional, made from the French label)"),
        validators=[Optional(), Length(max=64)],
    )


class ThemeLabelsForm(FlaskForm):
    label_fr = StringField(_l("Label in French"), validators=[DataRequired(), Length(max=128)])
    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=128)])


class MoveForm(FlaskForm):
    direction = HiddenField()


def _require_admin() -> None:
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
            themes=service.themes_with_counts(),
            form=form or ThemeForm(formdata=None),
            refused=refused,
        ),
        status,
    )


@bp.route("/admin/themes", methods=["GET", "POST"])
def admin_themes():
    _require_admin()
    if request.method == "GET":
        return _admin_page()
    form = ThemeForm()
    if not form.validate_on_submit():
        return _admin_page(form, 400)
    try:
        theme = service.add_theme(form.label_fr.data, form.label_en.data, form.slug.data)
    except service.ThemeError as error:
        form.label_fr.errors = [*form.label_fr.errors, error.message]
        return _admin_page(form, 400)
    flash(_("Theme “%(label)s” added.", label=theme.label_fr), "success")
    return redirect(url_for("knowledge.admin_themes"))


@bp.post("/admin/themes/<slug>")
def admin_theme_update(slug):
    _require_admin()
    theme = _load_theme(slug)
    form = ThemeLabelsForm()
    if not form.validate_on_submit():
        flash(_("Both labels are needed (128 characters at most)."), "error")
        return _admin_page(status=400)
    try:
        service.update_theme(theme, form.label_fr.data, form.label_en.data)
    except service.ThemeError as error:
        flash(error.message, "error")
        return _admin_page(status=400)
    flash(_("Theme “%(label)s” saved.", label=theme.label_fr), "success")
    return redirect(url_for("knowledge.admin_themes"))


@bp.post("/admin/themes/<slug>/move")
def admin_theme_move(slug):
    _require_admin()
    theme = _load_theme(slug)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    service.move_theme(theme, -1 if form.direction.data == "up" else 1)
    return redirect(url_for("knowledge.admin_themes", _anchor=f"theme-{theme.slug}"))


@bp.post("/admin/themes/<slug>/delete")
def admin_theme_delete(slug):
    _require_admin()
    theme = _load_theme(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.remove_theme(theme)
    except service.ThemeError as error:
        return _admin_page(status=409, refused=error)
    flash(_("Theme “%(label)s” removed.", label=theme.label_fr), "success")
    return redirect(url_for("knowledge.admin_themes"))
