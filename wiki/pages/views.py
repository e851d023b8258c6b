"""Page URLs: view, edit, history, diff, revert, rename, permalinks, print and QR code."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
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

from wiki import antispam
from wiki.auth.access import (
    ActionForm,
    is_moderator,
    refuse_flagged,
    refuse_if_removed,
    require_confirmed_email,
)
from wiki.content import addresses, templates
from wiki.content.frontmatter import FrontMatterError
from wiki.extensions import configured_account_limit, configured_limit, db
from wiki.limits import whole_number
from wiki.models import Page, Revision
from wiki.moderation import review
from wiki.pages import display, editor, page_cache, service
from wiki.pages.derived import theme_slugs
from wiki.pages.diff import MAX_ROWS, cached_diff
from wiki.pages.forms import EditForm, NewPageForm, RenameForm

bp = Blueprint("pages", __name__)


def load_page(slug: str, endpoint: str = "pages.view", **values) -> Page:
    resolved = service.find_page(slug)
    if resolved is None:
        abort(404)
    if resolved.redirected:
        args = {**request.args.to_dict(), **values}
        abort(redirect(url_for(endpoint, slug=resolved.page.slug, **args), 301))
    refuse_if_removed(resolved.page)
    return resolved.page


def load_revision(page: Page, revision_id: int) -> Revision:
    revision = service.get_revision(revision_id)
    if revision is None:
        abort(404, _("Revision %(id)s does not exist.", id=revision_id))
    if revision.page_id != page.id:
        abort(400, _("Revision %(id)s belongs to another page.", id=revision_id))
    return revision


def readable(revision: Revision) -> bool:
    return not revision.hidden or is_moderator()


@bp.get("/")
def home():
    recent = service.recent_experiences(12)
    return render_template("home.html", recent=recent, themes=service.themes_in_order())


@bp.get("/pages")
def index():
    return render_template("pages/index.html", pages=service.all_pages())


@bp.get("/recent")
def recent():
    revisions = service.recent_revisions(100, with_removed=is_moderator())
    return render_template("pages/recent.html", revisions=revisions, form=ActionForm())


@bp.get("/wiki/<slug>")
def view(slug):
    kept = page_cache.kept(slug)  # an anonymous reader's page rendered a moment ago
    if kept is not None:
        return kept
    resolved = service.find_page(slug)
    if resolved is None:
        pending = review.mine(current_user, slug=slug)
        return render_template("pages/missing.html", slug=slug, pending_mine=pending), 404
    if resolved.redirected:
        return redirect(url_for("pages.view", slug=resolved.page.slug), 301)
    page = resolved.page
    refuse_if_removed(page)

    def render() -> str:
        return render_template(
            "pages/view.html",
            page=page,
            revision=page.current,
            shown=display.show(page.current.text),
            pending_mine=review.mine(current_user, page),
        )

    return page_cache.view(page, render)


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
    page = service.get_page(page_id)
    if page is None:
        abort(404)
    return redirect(url_for("pages.view", slug=page.slug))


@bp.get("/s/<code>")
def short_link(code):
    page = service.find_by_short_code(code)
    if page is None:
        from wiki.festival.aliases import find

        page = find(code)
    if page is None:
        abort(404)
    return redirect(url_for("pages.view", slug=page.slug))


@dataclass
class _Editing:
    """What the editor's two halves share: the page (None: a new one) and how to show it."""

    slug: str
    page: Page | None
    form: EditForm
    themes: list[str]
    kind: str

    def render(self, status: int = 200, **context):
        self.form.set_choices()
        page, slug = self.page, self.slug
        return render_template(
            "pages/edit.html",
            form=self.form,
            page=page,
            slug=slug,
            kind=self.kind,
            template_of=templates.template_kind(page.slug if page else slug),
            template_slug=None if page else templates.TEMPLATE_SLUGS.get(self.kind),
            **context,
        ), status


def _start_editing(slug: str) -> _Editing:
    require_confirmed_email()
    resolved = service.find_page(slug)
    if resolved is not None and resolved.redirected:
        abort(redirect(url_for("pages.edit", slug=resolved.page.slug), 301))
    page = resolved.page if resolved else None
    if page is not None:
        refuse_if_removed(page)
    try:  # templates, protected and deleted pages: the same rule as the service's
        service.check_write(current_user, page, None if page else slug)
    except service.PageError as error:
        abort(error.status, str(error.message))
    kind = request.args.get("type", "page")
    return _Editing(slug, page, EditForm(), theme_slugs(), kind)


@bp.get("/wiki/<slug>/edit")
@login_required
def edit(slug):
    editing = _start_editing(slug)
    form, page = editing.form, editing.page
    if page is not None:
        text = page.current.text
        form.base_revision.data = str(page.current_id)
        form.title.data = page.title
    else:
        form.title.data = request.args.get("title") or templates.default_title(slug)
        custom = service.template_text(editing.kind)
        text = templates.new_page_text(slug, editing.kind, form.title.data, custom)
    form.flag(form.show(text, editing.themes))
    return editing.render()


@bp.post("/wiki/<slug>/edit")
@login_required
@configured_limit("EDIT_RATE_LIMIT")
@configured_account_limit("EDIT_ACCOUNT_RATE_LIMIT")
def save(slug):
    editing = _start_editing(slug)
    form, page, themes, render = editing.form, editing.page, editing.themes, editing.render
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
        antispam.check_form(request.form)
        antispam.check_terms(form.title.data or "", text, form.comment.data or "")
        why = review.why_review(current_user, page.current.text if page else "", text)
    except antispam.Refused as refused:
        form.text.data = text
        return render(refused.status, error=refused)
    if why:
        return _submit_for_review(form, page, text, base, why, render)
    try:
        revision = service.save_page(
            slug=page.slug if page else None,
            title=form.title.data,
            text=text,
            author=current_user,
            comment=form.comment.data or "",
            base_id=whole_number(base),
            max_bytes=current_app.config["MAX_PAGE_BYTES"],
            seconds=current_app.config["SAVE_TIME_BUDGET"],
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


def _submit_for_review(form, page, text, base, why, render):
    """The edit waits in the review queue; its author is told so, kindly."""
    title = form.title.data if page is None else page.title
    try:
        edit = review.submit(
            current_user,
            page,
            title,
            text,
            form.comment.data or "",
            int(base) if base and base.isdigit() else None,
            why,
        )
    except service.InvalidContent as error:
        form.text.data = text
        form.flag(error.errors)
        return render(error.status, error=error, errors=error.errors)
    except service.PageError as error:
        form.text.data = text
        return render(error.status, error=error)
    message = _("Thank you! Your edit is awaiting review: a moderator will publish it soon.")
    flash(message, "info")
    flash(request.path, "draft")
    return redirect(url_for("pages.view", slug=edit.slug))


def _posted_text(form: EditForm, theme_slugs) -> str:
    """The full text the user means: the raw text, or the form's fields applied to the source."""
    if form.mode.data == "raw":
        return form.text.data or ""
    return editor.compose(form.source.data or "", form.fields(), form.body.data or "", theme_slugs)


@bp.post("/editor/sync")
@login_required
@configured_limit("EDITOR_SYNC_RATE_LIMIT")
def editor_sync():
    """JSON for the editor's script: raw text → fields and body, or fields and body → text."""
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
@configured_limit("PREVIEW_RATE_LIMIT")
def preview():
    text = request.form.get("text", "")
    size, limit = len(text.encode("utf-8", "surrogatepass")), current_app.config["MAX_PAGE_BYTES"]
    if size > limit:
        message = _(
            "The page is too long: %(size)s kB for %(max)s kB allowed. "
            "Split it into several pages.",
            size=size // 1024,
            max=limit // 1024,
        )
        return render_template("pages/_preview.html", shown=None, too_long=message), 413
    shown = display.show(text)
    return render_template("pages/_preview.html", shown=shown)


HISTORY_PER_PAGE = 50


@bp.get("/wiki/<slug>/history")
def history(slug):
    page = load_page(slug, "pages.history")
    number = request.args.get("page", 1, type=int) or 1
    listing = service.history_listing(page, max(number, 1), HISTORY_PER_PAGE)
    return render_template(
        "pages/history.html",
        page=page,
        listing=listing,
        revisions=listing.revisions,
        form=ActionForm(),
    )


@bp.get("/wiki/<slug>/diff")
@configured_limit("DIFF_RATE_LIMIT")
def diff(slug):
    page = load_page(slug, "pages.diff")
    to_id = whole_number(request.args.get("to")) or page.current_id
    newer = load_revision(page, to_id)
    from_id = whole_number(request.args.get("from"))
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
    older_text, newer_text = older.text, newer.text
    if not is_moderator():  # e-mail addresses of the front matter are for the contact form
        older_text, newer_text = addresses.masked(older_text), addresses.masked(newer_text)
    result = cached_diff(older_text, newer_text)
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
    require_confirmed_email()
    refuse_flagged()
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


@bp.route("/wiki/<slug>/rename", methods=["GET", "POST"])
@login_required
def rename(slug):
    require_confirmed_email()
    refuse_flagged()
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
        page = service.get_page(page.id)
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
