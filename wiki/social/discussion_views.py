"""The discussion tab of a page: read, post, answer, edit one's message, hide (moderators)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from wiki import antispam
from wiki.auth.access import is_moderator, require_confirmed_email, require_moderator
from wiki.extensions import configured_account_limit
from wiki.pages.views import load_page
from wiki.social import discussion

bp = Blueprint("discussion", __name__)


def _render(page, status=200, text="", parent_id=None, error=None):
    return render_template(
        "social/discussion.html",
        page=page,
        messages=discussion.thread(page, current_user),
        count=discussion.count(page),
        text=text,
        parent_id=parent_id,
        error=error,
        moderator=is_moderator(),
    ), status


@bp.get("/wiki/<slug>/discussion")
def page(slug):
    found = load_page(slug, "discussion.page")
    return _render(found, parent_id=request.args.get("reply", type=int))


@bp.post("/wiki/<slug>/discussion")
@login_required
@configured_account_limit("DISCUSSION_RATE_LIMIT", methods=["POST"])
def post(slug):
    found = load_page(slug, "discussion.page")
    require_confirmed_email()
    text = request.form.get("text", "")
    parent_id = request.form.get("parent_id", type=int)
    try:
        antispam.check_form(request.form)
        posted = discussion.post(found, current_user, text, parent_id)
    except (discussion.MessageError, antispam.Refused) as error:
        return _render(found, error.status, text, parent_id, str(error.message))
    _say_unknown(posted)
    flash(_("Your message is published."), "success")
    return redirect(
        url_for("discussion.page", slug=found.slug, _anchor=f"message-{posted.message.id}")
    )


def _say_unknown(posted) -> None:
    if posted.unknown:
        flash(
            _(
                "Nobody is called %(names)s on Essaim: your message is published, but no one "
                "was told of that mention. Check the login name (shown on each person’s page).",
                names=", ".join("@" + n for n in posted.unknown),
            ),
            "warning",
        )


@bp.route("/wiki/<slug>/discussion/<int:message_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, message_id):
    found = load_page(slug, "discussion.page")
    message = discussion.find(found, message_id)
    if message is None:
        abort(404, _("This message is not in this discussion."))
    if not discussion.editable(message, current_user):
        abort(
            403, _("Only the author may change a message, and only for a while after posting it.")
        )
    error, status, text = None, 200, message.text
    if request.method == "POST":
        text = request.form.get("text", "")
        try:
            posted = discussion.edit(message, current_user, text)
        except discussion.MessageError as refused:
            error, status = str(refused.message), refused.status
        else:
            _say_unknown(posted)
            flash(_("Your message is changed."), "success")
            return redirect(
                url_for("discussion.page", slug=found.slug, _anchor=f"message-{message.id}")
            )
    return render_template(
        "social/message_edit.html", page=found, message=message, text=text, error=error
    ), status


@bp.post("/wiki/<slug>/discussion/<int:message_id>/hide")
def hide(slug, message_id):
    require_moderator(_("Only moderators may hide a message."))
    found = load_page(slug, "discussion.page")
    message = discussion.find(found, message_id)
    if message is None:
        abort(404, _("This message is not in this discussion."))
    hidden = request.form.get("action", "hide") != "show"
    discussion.set_hidden(message, current_user, hidden, request.form.get("reason", ""))
    flash(_("The message is hidden.") if hidden else _("The message is shown again."), "success")
    return redirect(url_for("discussion.page", slug=found.slug, _anchor=f"message-{message.id}"))
