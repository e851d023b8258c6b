"""How the interface names what is stored in French: themes and front matter values."""

from __future__ import annotations

from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from wiki.extensions import read_rows
from wiki.models import Theme


def theme_label(slug: str) -> str:
    labels = _theme_labels().get(slug)
    if labels is None:
        return slug
    return labels[1] if str(get_locale()) == "en" else labels[0]


_THEMES = select(Theme.slug, Theme.label_fr, Theme.label_en).order_by(Theme.position)


def _theme_labels() -> dict[str, tuple[str, str]]:
    """Every theme's labels in the administrators' order, read once per request: a search page
    shows dozens of chips, and a page view needs the order too (theme_slugs_of_request)."""
    labels = g.get("essaim_theme_labels")
    if labels is None:
        rows = read_rows(_THEMES)
        labels = {slug: (fr, en) for slug, fr, en in rows}
        g.essaim_theme_labels = labels
    return labels


def theme_slugs_of_request() -> list[str]:
    """The themes' slugs in order, from the labels this request already read."""
    return list(_theme_labels())


def forget_theme_labels() -> None:
    """Before each request (an administrator may have renamed a theme meanwhile)."""
    g.pop("essaim_theme_labels", None)


# The front matter's French values, as the interface shows them in each language.
VALUE_LABELS = {
    "idée": _l("idea"),
    "en cours": _l("ongoing"),
    "terminé": _l("completed"),
    "abandonné": _l("abandoned"),
    "quartier": _l("neighbourhood"),
    "commune": _l("municipality"),
    "intercommunalité": _l("group of municipalities"),
    "pays": _l("pays (rural area)"),
    "département": _l("département"),
    "région": _l("region"),
    "urbain": _l("urban"),
    "périurbain": _l("peri-urban"),
    "rural": _l("rural"),
}


ROLE_LABELS = {
    "contributor": _l("contributor"),
    "moderator": _l("moderator"),
    "administrator": _l("administrator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def value_label(value: str | None) -> str:
    if not value:
        return ""
    return str(VALUE_LABELS.get(value, value))
