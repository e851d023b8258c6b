"""Atom feeds: the wiki's recent changes and each page's history."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _

from wiki.content.text import one_line
from wiki.pages import service
from wiki.pages.views import load_page

bp = Blueprint("feeds", __name__)


@bp.get("/feeds/recent.atom")
def recent_feed():
    revisions = service.recent_revisions(50, visible_only=True)
    return _atom(_("Recent changes"), url_for("pages.recent", _external=True), revisions)


@bp.get("/wiki/<slug>/history.atom")
def history_feed(slug):
    page = load_page(slug, "feeds.history_feed")
    revisions = [r for r in service.history(page)[:50] if not r.hidden]
    title = _("History of “%(title)s”", title=page.title)
    return _atom(title, url_for("pages.history", slug=page.slug, _external=True), revisions)


@bp.app_template_filter("one_line")
def _one_line(text) -> str:
    """Titles and comments saved before they were cleaned may hold characters XML refuses."""
    return one_line(str(text or ""))


def _atom(title: str, link: str, revisions) -> Response:
    body = render_template("feeds/atom.xml", title=title, link=link, revisions=revisions)
    return Response(body, mimetype="application/atom+xml")
