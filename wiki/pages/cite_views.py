"""The "Citer" box of a page and its downloads: BibTeX, CSL-JSON and RIS of one revision."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from wiki.models import Page, Revision
from wiki.pages import citation
from wiki.pages.views import load_page, load_revision, readable

bp = Blueprint("cite", __name__)

# format -> (file extension, media type, writer)
FORMATS = {
    "bib": ("bib", "application/x-bibtex", citation.bibtex),
    "json": ("json", "application/vnd.citationstyles.csl+json", citation.csl_json),
    "ris": ("ris", "application/x-research-info-systems", citation.ris),
}


def _citation(revision: Revision) -> citation.Citation:
    config = current_app.config
    return citation.cite(
        revision,
        url_for("pages.revision_permalink", rev=revision.id, _external=True),
        config["SITE_NAME"],
        config["TEXT_LICENCE"],
        config["TEXT_LICENCE_URL"],
    )


def _revision_label(c: citation.Citation) -> str:
    return _("Revision %(n)s of %(date)s", n=c.number, date=c.created_at.strftime("%Y-%m-%d"))


def apa(c: citation.Citation) -> str:
    """APA 7 style for a wiki entry, with the revision: "a & b. (2024, 5 mars). Title…"."""
    names = c.authors or [c.site]
    authors = ", ".join(names[:-1]) + " & " + names[-1] if len(names) > 1 else names[0]
    if c.more_authors:
        authors += " et al."
    day_month = _("MMMM d")  # the date pattern of the language: "5 mars", "March 5"
    return _(
        "%(authors)s. (%(date)s). %(title)s (revision %(n)s). %(site)s. %(url)s",
        authors=authors,
        date=f"{c.created_at.year}, {format_date(c.created_at, day_month)}",
        title=c.title,
        n=c.number,
        site=c.site,
        url=c.url,
    )


@bp.app_template_global()
def citation_of(page: Page, revision: Revision) -> dict:
    """For templates/pages/_cite.html: the citation texts and meta tags of the revision shown."""
    c = _citation(revision)
    return {"citation": c, "apa": apa(c), "meta": citation.meta_tags(c), "formats": FORMATS}


@bp.get("/wiki/<slug>/revisions/<int:rev>/cite.<fmt>")
def download(slug, rev, fmt):
    if fmt not in FORMATS:
        abort(404, _("Citations are offered as .bib, .json (CSL-JSON) and .ris."))
    page = load_page(slug, "cite.download", rev=rev, fmt=fmt)
    revision = load_revision(page, rev)
    if not readable(revision):
        abort(403, _("This revision has been hidden by a moderator."))
    extension, media_type, write = FORMATS[fmt]
    c = _citation(revision)
    return Response(
        write(c, _revision_label(c)),
        content_type=f"{media_type}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{c.file_stem}.{extension}"',
        },
    )
