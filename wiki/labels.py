"""How the interface names what is stored in French: themes and front matter values."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from wiki.extensions import db
from wiki.models import Theme


def theme_label(slug: str) -> str:
    theme = db.session.get(Theme, slug)
    if theme is None:
        return slug
    return theme.label_en if str(get_locale()) == "en" else theme.label_fr


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


def value_label(value: str | None) -> str:
    if not value:
        return ""
    return str(VALUE_LABELS.get(value, value))
