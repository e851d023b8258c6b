"""Page URLs: view, edit, history, diff, revert, rename, permalinks, print and QR code."""

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
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from wiki.auth.access import ActionForm
from wiki.extensions import configured_limit, db, limiter
from wiki.models import Page, Revision
from wiki.pages import display, editor, service
from wiki.pages.diff import MAX_ROWS, cached_diff

bp = Blueprint("pages", __name__)


class EditForm(FlaskForm):
    """The editor: metadata fields beside the body, or the raw text ("advanced" mode).

    `source` is the full text the fields were read from; a save applies the changed fields to
    it (wiki.pages.editor.compose), so keys and comments the form does not show are kept.
    """

    title = StringField(_l("Title"), validators=[Length(max=200)])
    text = TextAreaField(_l("Full text (metadata block and Markdown)"))
    body = TextAreaField(_l("Text (Markdown)"))
    source = HiddenField()
    mode = HiddenField(default="form")
    comment = StringField(_l("Summary of your changes"), validators=[Length(max=500)])
    base_revision = HiddenField()
    type = SelectField(_l("Kind of page"), validate_choice=False)
    territory = StringField(_l("Territory"), validators=[Length(max=200)])
    insee = StringField(_l("INSEE commune code"), validators=[Length(max=20)])
    scale = SelectField(_l("Scale"), validate_choice=False)
    setting = SelectField(_l("Setting"), validate_choice=False)
    themes = SelectMultipleField(
        _l("Themes"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    tags = StringField(_l("Free tags"), validators=[Length(max=500)])
    status = SelectField(_l("Status"), validate_choice=False)
    started = StringField(_l("Started in"), validators=[Length(max=20)])
    actors = StringField(_l("Actors"), validators=[Length(max=1000)])
    lat = StringField(_l("Latitude"), validators=[Length(max=30)])
    lon = StringField(_l("Longitude"), validators=[Length(max=30)])

    def set_choices(self) -> None:
        """Vocabularies for the selects; a value outside them stays offered, to be fixed."""
        from wiki.content.metadata import PAGE_TYPES, SCALES, SETTINGS, STATUSES
        from wiki.models import Theme
        from wiki.web import theme_label

        kinds = {
            "experience": _("Experience"),
            "territory": _("Territory"),
            "theme": _("Theme"),
            "guide": _("Guide"),
            "page": _("Page"),
            "template": _("Template of new pages"),
        }
        self.type.choices = [(k, kinds.get(k, k)) for k in PAGE_TYPES]
        for name, values in (("scale", SCALES), ("setting", SETTINGS), ("status", STATUSES)):
            getattr(self, name).choices = [("", "—")] + [(v, v) for v in values]
        slugs = db.session.scalars(select(Theme.slug).order_by(Theme.position)).all()
        self.themes.choices = [(slug, theme_label(slug)) for slug in slugs]
        self.unknown_themes = [t for t in self.themes.data or [] if t not in slugs]
        for name in ("type", "scale", "setting", "status", "themes"):
            field = getattr(self, name)
            known = {value for value, _label in field.choices}
            data = field.data if isinstance(field.data, list) else [field.data]
            field.choices += [(v, v) for v in data if v and v not in known]

    def fields(self) -> dict:
        return {name: getattr(self, name).data or "" for name in editor.FIELD_NAMES}

    def show(self, text: str, theme_slugs, mode: str = "form") -> list:
        """Fill the form from a page text; returns the problems found in its front matter."""
        state = editor.fields_from_text(text, theme_slugs)
        self.source.data = self.text.data = text
        self.body.data = state.body
        self.mode.data = mode if state.fields is not None else "raw"
        for name, value in (state.fields or {}).items():
            getattr(self, name).data = value
        return state.errors

    def flag(self, errors) -> None:
        """Put each problem next to its field; in raw mode, next to the raw text."""
        for name, messages in editor.form_errors(errors).items():
            target = name if self.mode.data == "form" and name in self else "text"
            if target == "text" and name != "text" and name in self:
                messages = [f"{getattr(self, name).label.text} : {m}" for m in messages]
            field = getattr(self, target)
            field.errors = list(field.errors) + messages


class RenameForm(FlaskForm):
    title = StringField(_l("New title"), validators=[Length(max=200)])
    comment = StringField(_l("Why? (optional)"), validators=[Length(max=300)])


def load_page(slug: str, endpoint: str = "pages.view", **values) -> Page:
    resolved = service.find_page(slug)
    if resolved is None:
        abort(404)
    if resolved.redirected:
        args = {**request.args.to_dict(), **values}
        abort(redirect(url_for(endpoint, slug=resolved.page.slug, **args), 301))
    return resolved.page


def load_revision(page: Page, revision_id: int) -> Revision:
    revision = service.get_revision(revision_id)
    if revision is None:
        abort(404, _("Revision %(id)s does not exist.", id=revision_id))
    if revision.page_id != page.id:
        abort(400, _("Revision %(id)s belongs to another page.", id=revision_id))
    return revision


def readable(revision: Revision) -> bool:
    return not revision.hidden or (current_user.is_authenticated and current_user.is_admin)


@bp.get("/")
def home():
    recent = db.session.scalars(
        select(Page).where(Page.type == "experience").order_by(Page.updated_at.desc()).limit(12)
    ).all()
    from wiki.models import Theme

    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    return render_template("home.html", recent=recent, themes=themes)


@bp.get("/pages")
def index():
    pages = db.session.scalars(select(Page).order_by(Page.title)).all()
    return render_template("pages/index.html", pages=pages)


@bp.get("/recent")
def recent():
    revisions = db.session.scalars(
        select(Revision).order_by(Revision.created_at.desc(), Revision.id.desc()).limit(100)
    ).all()
    return render_template("pages/recent.html", revisions=revisions)


@bp.get("/wiki/<slug>")
def view(slug):
    resolved = service.find_page(slug)
    if resolved is None:
        return render_template("pages/missing.html", slug=slug), 404
    if resolved.redirected:
        return redirect(url_for("pages.view", slug=resolved.page.slug), 301)
    page = resolved.page
    shown = display.show(page.current.text)
    return render_template("pages/view.html", page=page, revision=page.current, shown=shown)


@bp.get("/wiki/<slug>/revisions/<int:rev>")
def revision(slug, rev):
    page = load_page(slug, "pages.revision", rev=rev)
    revision = load_revision(page, rev)
    if not readable(revision):
        abort(403, _("This revision has been hidden by a moderator."))
    shown = display.show(revision.text)
    return render_template("pages/view.html", page=page, revision=revision, shown=shown)


@bp.get("/r/<int:rev>")
def revision_permalink(rev):
    revision = service.get_revision(rev)
    if revision is None:
        abort(404, _("Revision %(id)s does not exist.", id=rev))
    return redirect(url_for("pages.revision", slug=revision.page.slug, rev=rev))


@bp.get("/p/<int:page_id>")
def page_permalink(page_id):
    page = db.session.get(Page, page_id)
    if page is None:
        abort(404)
    return redirect(url_for("pages.view", slug=page.slug))


@bp.get("/s/<code>")
def short_link(code):
    page = db.session.scalar(select(Page).where(Page.short_code == code.lower()))
    if page is None:
        from wiki.festival.aliases import find

        page = find(code)
    if page is None:
        abort(404)
    return redirect(url_for("pages.view", slug=page.slug))


@bp.route("/wiki/<slug>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"])
def edit(slug):
    from wiki.content import templates
    from wiki.content.frontmatter import FrontMatterError
    from wiki.pages.derived import theme_slugs

    resolved = service.find_page(slug)
    if resolved is not None and resolved.redirected:
        return redirect(url_for("pages.edit", slug=resolved.page.slug), 301)
    page = resolved.page if resolved else None
    if templates.is_template_slug(page.slug if page else slug) and not current_user.is_admin:
        abort(403, _("Only administrators can change the templates of new pages."))
    form = EditForm()
    themes = theme_slugs()
    kind = request.args.get("type", "page")

    def render(status=200, **context):
        form.set_choices()
        return render_template(
            "pages/edit.html",
            form=form,
            page=page,
            slug=slug,
            kind=kind,
            template_of=templates.template_kind(page.slug if page else slug),
            template_slug=None if page else templates.TEMPLATE_SLUGS.get(kind),
            **context,
        ), status

    if request.method == "GET":
        if page is not None:
            text = page.current.text
            form.base_revision.data = str(page.current_id)
            form.title.data = page.title
        else:
            form.title.data = request.args.get("title") or templates.default_title(slug)
            text = templates.new_page_text(slug, kind, form.title.data)
        form.flag(form.show(text, themes))
        return render()
    if not form.validate_on_submit():
        return render(400)
    if "body" not in request.form:  # a script posting the whole text, as before the form
        form.mode.data = "raw"
    try:
        text = _posted_text(form, themes)
    except FrontMatterError as error:
        form.mode.data, form.text.data = "raw", form.source.data
        form.flag([editor.FieldError("front_matter", str(error))])
        return render(422)
    switch = request.form.get("switch")
    if switch in ("form", "raw"):  # without JavaScript: the same text in the other mode
        form.flag(form.show(text, themes, mode=switch))
        return render(200 if form.mode.data == switch else 422)
    base = form.base_revision.data
    try:
        revision = service.save_page(
            slug=page.slug if page else None,
            title=form.title.data,
            text=text,
            author=current_user,
            comment=form.comment.data or "",
            base_id=int(base) if base and base.isdigit() else None,
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
        )
    except service.Conflict as conflict:
        form.text.data = text
        return render_template("pages/conflict.html", conflict=conflict, form=form, page=page), 409
    except service.InvalidContent as error:
        form.text.data = text
        if form.mode.data == "raw":
            form.show(text, themes, mode="raw")
        form.flag(error.errors)
        return render(error.status, error=error, errors=error.errors)
    except service.PageError as error:
        form.text.data = text
        return render(error.status, error=error)
    if getattr(revision, "merged", False):
        flash(
            _("Someone saved this page while you were editing; your changes were merged."), "info"
        )
    else:
        flash(_("Saved."), "success")
    flash(request.path, "draft")  # the editor's draft kept in the browser is now saved
    return redirect(url_for("pages.view", slug=revision.page.slug))


def _posted_text(form: EditForm, theme_slugs) -> str:
    """The full text the user means: the raw text, or the form's fields applied to the source."""
    if form.mode.data == "raw":
        return form.text.data or ""
    return editor.compose(form.source.data or "", form.fields(), form.body.data or "", theme_slugs)


@bp.post("/editor/sync")
@login_required
@limiter.limit("240 per minute")
def editor_sync():
    """JSON for the editor's script: raw text → fields and body, or fields and body → text."""
    from wiki.content.frontmatter import FrontMatterError
    from wiki.pages.derived import theme_slugs

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    themes = theme_slugs()
    if "text" in data:
        state = editor.fields_from_text(str(data["text"]), themes)
        return jsonify(fields=state.fields, body=state.body, errors=_json_errors(state.errors))
    fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
    try:
        text = editor.compose(
            str(data.get("source", "")), fields, str(data.get("body", "")), themes
        )
    except FrontMatterError as error:
        errors = [editor.FieldError("front_matter", str(error))]
        return jsonify(text=None, errors=_json_errors(errors)), 422
    return jsonify(text=text, errors=_json_errors(editor.validate(text, themes)))


def _json_errors(errors) -> list[dict]:
    return [
        {"field": editor.ERROR_FIELDS.get(e.field, e.field), "key": e.field, "message": e.message}
        for e in errors
    ]


@bp.post("/preview")
@login_required
@limiter.limit("120 per minute")
def preview():
    text = request.form.get("text", "")
    shown = display.show(text)
    return render_template("pages/_preview.html", shown=shown)


@bp.get("/wiki/<slug>/history")
def history(slug):
    page = load_page(slug, "pages.history")
    revisions = service.history(page)
    return render_template("pages/history.html", page=page, revisions=revisions, form=ActionForm())


@bp.get("/wiki/<slug>/diff")
@configured_limit("DIFF_RATE_LIMIT")
def diff(slug):
    page = load_page(slug, "pages.diff")
    to_id = request.args.get("to", type=int) or page.current_id
    newer = load_revision(page, to_id)
    from_id = request.args.get("from", type=int)
    if from_id is None:
        older = newer.parent if newer.parent and newer.parent.page_id == page.id else None
        if older is None:
            flash(_("This is the first revision: there is nothing to compare it with."), "info")
            return redirect(url_for("pages.revision", slug=page.slug, rev=newer.id))
    else:
        older = load_revision(page, from_id)
    if not (readable(older) and readable(newer)):
        abort(403, _("This revision has been hidden by a moderator."))
    if older.number > newer.number:
        older, newer = newer, older
    view_mode = "split" if request.args.get("view") == "split" else "inline"
    result = cached_diff(older.text, newer.text)
    return render_template(
        "pages/diff.html",
        page=page,
        older=older,
        newer=newer,
        diff=result,
        view_mode=view_mode,
        max_rows=MAX_ROWS,
    )


@bp.post("/wiki/<slug>/revert/<int:rev>")
@login_required
def revert(slug, rev):
    page = load_page(slug)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    target = load_revision(page, rev)
    try:
        service.revert_page(page, target, current_user)
    except service.PageError as error:
        flash(str(error.message), "error")
        return redirect(url_for("pages.history", slug=page.slug))
    flash(_("The page is back to revision %(n)s; the history is kept.", n=target.number), "success")
    return redirect(url_for("pages.view", slug=page.slug))


@bp.post("/wiki/<slug>/revisions/<int:rev>/hide")
@login_required
def hide(slug, rev):
    if not current_user.is_admin:
        abort(403)
    page = load_page(slug)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    revision = load_revision(page, rev)
    try:
        service.set_revision_hidden(revision, not revision.hidden)
    except service.PageError as error:
        flash(str(error.message), "error")
    return redirect(url_for("pages.history", slug=page.slug))


@bp.route("/wiki/<slug>/rename", methods=["GET", "POST"])
@login_required
def rename(slug):
    page = load_page(slug, "pages.rename")
    form = RenameForm()
    if request.method == "GET":
        form.title.data = page.title
        return render_template("pages/rename.html", page=page, form=form)
    if not form.validate_on_submit():
        return render_template("pages/rename.html", page=page, form=form), 400
    old_slug = page.slug
    try:
        service.rename_page(page, form.title.data, current_user, form.comment.data or "")
    except service.PageError as error:
        db.session.rollback()
        page = db.session.get(Page, page.id)
        return render_template("pages/rename.html", page=page, form=form, error=error), error.status
    flash(_("Page renamed. The old address /wiki/%(old)s now leads here.", old=old_slug), "success")
    return redirect(url_for("pages.view", slug=page.slug))


@bp.get("/wiki/<slug>/print")
def print_view(slug):
    from wiki.festival import qr
    from wiki.public import short_link

    page = load_page(slug, "pages.print_view")
    shown = display.show(page.current.text)
    permalink = short_link(page)
    return render_template(
        "pages/print.html",
        page=page,
        shown=shown,
        permalink=permalink,
        qr_svg=qr.inline_svg(permalink),
    )


class NewPageForm(FlaskForm):
    title = StringField(_l("Title of the experience"), validators=[Length(max=200)])
    type = HiddenField(default="experience")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """“New experience”: ask for a title, then open the editor on the guided template."""
    form = NewPageForm(type=request.args.get("type", "experience"))
    if form.validate_on_submit():
        try:
            title = service.clean_title(form.title.data)
        except service.PageError as error:
            return render_template("pages/new.html", form=form, error=error), 400
        existing = service.find_page(service.slug_for(title))
        if existing is not None:
            error = service.TitleTaken(
                _l(
                    "A page with this address already exists: “%(title)s”.",
                    title=existing.page.title,
                ),
                page=existing.page,
            )
            return render_template("pages/new.html", form=form, error=error), 409
        return redirect(
            url_for("pages.edit", slug=service.slug_for(title), title=title, type=form.type.data)
        )
    return render_template("pages/new.html", form=form), 400 if request.method == "POST" else 200


@bp.get("/feeds/recent.atom")
def recent_feed():
    revisions = db.session.scalars(
        select(Revision)
        .where(Revision.hidden.is_(False))
        .order_by(Revision.created_at.desc(), Revision.id.desc())
        .limit(50)
    ).all()
    return _atom(_("Recent changes"), url_for("pages.recent", _external=True), revisions)


@bp.get("/wiki/<slug>/history.atom")
def history_feed(slug):
    page = load_page(slug, "pages.history_feed")
    revisions = [r for r in service.history(page)[:50] if not r.hidden]
    title = _("History of “%(title)s”", title=page.title)
    return _atom(title, url_for("pages.history", slug=page.slug, _external=True), revisions)


def _atom(title: str, link: str, revisions) -> Response:
    body = render_template("feeds/atom.xml", title=title, link=link, revisions=revisions)
    return Response(body, mimetype="application/atom+xml")
