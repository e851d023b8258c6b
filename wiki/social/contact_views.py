""" "Contacter les porteurs": the form on an experience, and declining such messages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from wiki import antispam
from wiki.extensions import configured_account_limit, configured_limit
from wiki.pages.views import load_page
from wiki.social import contact

bp = Blueprint("contact", __name__)


@bp.get("/wiki/<slug>/contact")
def form(slug):
    page = load_page(slug, "contact.form")
    return render_template(
        "social/contact.html", page=page, reachable=contact.reachable(page), text=""
    )


@bp.post("/wiki/<slug>/contact")
@login_required
@configured_limit("CONTACT_RATE_LIMIT", methods=["POST"])
@configured_account_limit("CONTACT_RATE_LIMIT", methods=["POST"])
def send(slug):
    page = load_page(slug, "contact.form")
    text = request.form.get("text", "")
    try:
        antispam.check_form(request.form)
        contact.send(page, current_user, text)
    except (contact.ContactError, antispam.Refused) as error:
        flash(str(error.message), "error")
        return render_template(
            "social/contact.html", page=page, reachable=contact.reachable(page), text=text
        ), error.status
    flash(
        _(
            "Your message is on its way. The answer will come to %(email)s.",
            email=current_user.email,
        ),
        "success",
    )
    return redirect(url_for("pages.view", slug=page.slug))


@bp.route("/contact/decline/<token>", methods=["GET", "POST"])
def decline(token):
    address = contact.address_for(token)
    if address is None:
        abort(400, _("This link is not valid: copy the whole link from the mail."))
    if request.method == "POST":
        contact.decline(address)
    return render_template(
        "social/contact_decline.html", token=token, done=contact.declined(address)
    )
