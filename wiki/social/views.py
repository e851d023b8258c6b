"""Follow buttons, "Mes suivis", notifications, mail settings, unsubscribe, people's pages."""

from __future__ import annotations

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
from flask_login import current_user, login_required
from sqlalchemy import select

from wiki.auth.service import find_user
from wiki.auth.views import safe_next
from wiki.extensions import configured_limit, csrf, db
from wiki.models import Page, Revision
from wiki.social import discussion, follows, inspirations, notices, unsubscribe
from wiki.social.models import FOLLOW_KINDS, MAIL_MODES

bp = Blueprint("social", __name__)


def init_app(app) -> None:
    @app.context_processor
    def social_helpers():
        def unread_notifications() -> int:
            if not getattr(current_user, "is_authenticated", False):
                return 0
            return notices.unread_count(current_user)

        def is_following(kind: str, target) -> bool:
            return follows.is_following(current_user, kind, target)

        return {
            "unread_notifications": unread_notifications,
            "is_following": is_following,
            "discussion_count": discussion.count,
            "inspirations_of": inspirations.of,
            "territory_label": follows.territory_label,
        }


def _follow_form():
    kind = request.form.get("kind", "")
    target = request.form.get("target", "")
    if kind not in FOLLOW_KINDS or not target.strip() or len(target) > 255:
        abort(400, _("There is nothing to follow here."))
    return kind, target


@bp.post("/follow")
@login_required
def follow():
    kind, target = _follow_form()
    follows.follow(current_user, kind, target)
    flash(_("Followed: you will be told of what changes."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("social.following")))


@bp.post("/unfollow")
@login_required
def unfollow():
    kind, target = _follow_form()
    follows.unfollow(current_user, kind, target)
    flash(_("You no longer follow this."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("social.following")))


@bp.get("/follows")
@login_required
def following():
    return render_template("social/following.html", followed=follows.following(current_user))


@bp.get("/notifications")
@login_required
def notifications():
    number = request.args.get("page", 1, type=int) or 1
    unread_only = request.args.get("unread") == "1"
    return render_template(
        "social/notifications.html",
        listing=notices.listing(current_user, max(1, min(number, 10_000)), unread_only),
        unread_only=unread_only,
        settings=follows.settings_for(current_user),
    )


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id):
    """Mark it read and go to what it is about."""
    found = notices.find_own(current_user, notification_id)
    if found is None:
        abort(404, _("This notification does not exist (or is someone else’s)."))
    notices.mark_read(current_user, found.id)
    if found.kind == "bounce":
        return redirect(url_for("auth.account"))
    if found.page is None or not found.page.public:
        return redirect(url_for("social.notifications"))
    if found.message_id:
        return redirect(
            url_for("discussion.page", slug=found.page.slug, _anchor=f"message-{found.message_id}")
        )
    if found.revision_id and found.kind == "edit":
        revision = db.session.get(Revision, found.revision_id)
        if revision is not None and revision.parent_id:
            return redirect(
                url_for(
                    "pages.diff",
                    slug=found.page.slug,
                    **{"from": revision.parent_id, "to": revision.id},
                )
            )
    return redirect(url_for("pages.view", slug=found.page.slug))


@bp.post("/notifications/read")
@login_required
def mark_read():
    notices.mark_read(current_user, request.form.get("id", type=int))
    return redirect(safe_next(request.form.get("next"), url_for("social.notifications")))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    settings = follows.settings_for(current_user)
    if request.method == "POST":
        mode = request.form.get("mail_mode", settings.mail_mode)
        if mode not in MAIL_MODES:
            mode = settings.mail_mode
        settings.mail_mode = mode
        settings.follow_edited = request.form.get("follow_edited") == "1"
        settings.accept_contact = request.form.get("accept_contact") == "1"
        db.session.merge(settings)
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("social.settings"))
    return render_template("social/settings.html", settings=settings, modes=MAIL_MODES)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token in the URL is the proof; mail programs POST it (RFC 8058)
def unsubscribe_link(token):
    try:
        user = unsubscribe.user_for(token)
    except unsubscribe.AlreadyDone:
        return render_template("social/unsubscribe.html", state="done", token=token)
    except unsubscribe.InvalidLink:
        return render_template("social/unsubscribe.html", state="invalid", token=token), 400
    if request.method == "POST":
        unsubscribe.unsubscribe(user)
        return render_template("social/unsubscribe.html", state="done", token=token)
    return render_template("social/unsubscribe.html", state="ask", token=token, user=user)


@bp.get("/people/<name>")
def person(name):
    user = find_user(name)
    if user is None:
        abort(404, _("Nobody is called “%(name)s” here.", name=name))
    revisions = db.session.scalars(
        select(Revision)
        .join(Page, Page.id == Revision.page_id)
        .where(Revision.author_id == user.id, Page.public, ~Revision.author_hidden)
        .order_by(Revision.created_at.desc())
        .limit(50)
    ).all()
    return render_template("social/person.html", person=user, revisions=revisions)


@bp.get("/map/inspirations")
def inspiration_map():
    return render_template(
        "social/inspiration_map.html",
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@bp.get("/map/inspirations.json")
@configured_limit("SEARCH_RATE_LIMIT")
def inspiration_json():
    return jsonify(inspirations.geojson())
