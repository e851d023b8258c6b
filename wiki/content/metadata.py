"""Meaning of a page's front matter: vocabularies, lenient normalisation and French errors."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .cog import Place, place_for_code
from .text import fold

__all__ = [
    "DEFAULT_THEMES",
    "PAGE_TYPES",
    "SCALES",
    "SETTINGS",
    "STATUSES",
    "FieldError",
    "Metadata",
    "parse_metadata",
]

SCALES = ("quartier", "commune", "intercommunalité", "pays", "département", "région")
SETTINGS = ("urbain", "périurbain", "rural")
STATUSES = ("idée", "en cours", "terminé", "abandonné")
PAGE_TYPES = ("experience", "territory", "theme", "guide", "page", "template")

DEFAULT_THEMES: list[tuple[str, str, str]] = [
    ("alimentation", "alimentation", "food"),
    ("energie", "énergie", "energy"),
    ("gouvernance", "gouvernance", "governance"),
    ("mobilite", "mobilité", "mobility"),
    ("habitat", "habitat", "housing"),
    ("economie-locale", "économie locale", "local economy"),
    ("biodiversite", "biodiversité", "biodiversity"),
    ("eau", "eau", "water"),
    ("dechets", "déchets", "waste"),
    ("solidarites", "solidarités", "solidarity"),
    ("culture-education", "culture & éducation", "culture & education"),
    ("sante", "santé", "health"),
]

KNOWN_KEYS = frozenset(
    "type territory insee scale setting themes tags status started actors geo".split()
)

# Other spellings people use, folded; the canonical values match themselves already.
_ALIASES = {
    "type": {
        "experience": "experience",
        "territoire": "territory",
        "theme": "theme",
        "modele": "template",
        "gabarit": "template",
    },
    "status": {
        "idea": "idée",
        "projet": "idée",
        "ongoing": "en cours",
        "in progress": "en cours",
        "done": "terminé",
        "finished": "terminé",
        "termine": "terminé",
        "fini": "terminé",
        "abandoned": "abandonné",
        "abandonne": "abandonné",
    },
    "setting": {"urban": "urbain", "periurban": "périurbain", "peri urbain": "périurbain"},
    "scale": {
        "neighbourhood": "quartier",
        "neighborhood": "quartier",
        "municipality": "commune",
        "epci": "intercommunalité",
        "department": "département",
        "region": "région",
    },
}
_VOCABULARIES = {"type": PAGE_TYPES, "status": STATUSES, "setting": SETTINGS, "scale": SCALES}
_LABELS = {"type": "type de page", "status": "statut", "setting": "milieu", "scale": "échelle"}
_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
# "&", "et" and "and" are noise when matching "Culture et éducation" to "culture & éducation".
_CONNECTORS = re.compile(r"\b(?:et|and)\b")


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class Metadata:
    type: str = "page"
    territory: str | None = None
    insee: str | None = None  # the commune's code, when the territory is a commune
    scale: str | None = None
    setting: str | None = None
    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    status: str | None = None
    started: int | None = None
    actors: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    extra: dict = field(default_factory=dict)
    # What the `insee` key designates at any scale: commune, EPCI, department or region.
    place: Place | None = field(default=None, compare=False, repr=False)

    @property
    def code(self) -> str | None:
        """The official code as written canonically (INSEE, SIREN, department or region)."""
        return self.place.code if self.place else None


def _key(text: str) -> str:
    return " ".join(_CONNECTORS.sub(" ", fold(text)).split())


def _words(value) -> list[str]:
    """A YAML list or a comma-separated string as a list of stripped, non-empty strings."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, Iterable) or isinstance(items, Mapping):
        items = [items]
    seen, words = set(), []
    for item in items:
        word = " ".join(str(item).split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    return words


def _theme_index(themes: Iterable) -> dict[str, str]:
    """Folded slug or label -> slug; an item may be a slug or a (slug, label_fr, label_en)."""
    labels = {slug: (fr, en) for slug, fr, en in DEFAULT_THEMES}
    index = {}
    for theme in themes:
        slug, *names = (theme,) if isinstance(theme, str) else tuple(theme)
        for name in (slug, *names, *labels.get(slug, ())):
            index[_key(name)] = slug
    return index


def _enumeration(name: str, value, errors: list[FieldError]) -> str | None:
    if value is None or value == "":
        return None
    folded = fold(value)
    canonical = {fold(v): v for v in _VOCABULARIES[name]} | _ALIASES[name]
    if folded in canonical:
        return canonical[folded]
    choices = ", ".join(_VOCABULARIES[name])
    errors.append(
        FieldError(
            name, f"Valeur « {value} » inconnue pour « {_LABELS[name]} » : choisir parmi {choices}."
        )
    )
    return None


def _themes(value, vocabulary: dict[str, str], errors: list[FieldError]) -> list[str]:
    slugs = []
    for word in _words(value):
        slug = vocabulary.get(_key(word))
        if slug is None:
            errors.append(
                FieldError(
                    "themes",
                    f"« {word} » n’est pas un thème de la liste. Pour un mot-clé libre, "
                    f"mettez-le dans le champ « tags ».",
                )
            )
        elif slug not in slugs:
            slugs.append(slug)
    return slugs


def _started(value, errors: list[FieldError]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        value = value.year  # a full date is more than we ask, not wrong
    year = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    if year is None or not 1900 <= year <= 2100:
        errors.append(
            FieldError(
                "started", f"Année de début « {value} » invalide : une année entre 1900 et 2100."
            )
        )
        return None
    return year


def _geo(value, errors: list[FieldError]) -> tuple[float | None, float | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, str):
        value = value.strip("[]() ").split(",")
    elif isinstance(value, Mapping):
        value = [value.get("lat"), value.get("lon", value.get("lng"))]
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        lat = lon = None
    if lat is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors.append(
            FieldError(
                "geo",
                f"Coordonnées « {value} » invalides : écrire [latitude, longitude], "
                f"par exemple [50.398, 3.486].",
            )
        )
        return None, None
    return lat, lon


_WIDER = ("intercommunalité", "pays", "département", "région")


def _unknown_code(value) -> str:
    code = str(value).strip()
    if code.isdigit() and len(code) == 9:
        return (
            f"Le code « {code} » ne correspond à aucune intercommunalité (EPCI) de la liste "
            f"officielle : vérifiez ses 9 chiffres (243500741 pour Redon Agglomération, par "
            f"exemple) ou laissez ce champ vide."
        )
    return (
        f"Le code « {value} » ne correspond à aucun territoire du Code officiel géographique : "
        f"une commune (code INSEE, 59491), une intercommunalité (SIREN, 243500741), un "
        f"département (59) ou une région (32, avec l’échelle « région »)."
    )


def _insee(
    value, territory: str | None, scale: str | None, errors: list[FieldError]
) -> tuple[Place | None, str | None]:
    """(place, territory): the code at any scale, and the name checked against a commune's."""
    if value is None or value == "":
        return None, territory
    # An unquoted 01001 reaches us as the integer 1001, an unquoted 59 as 59.
    if isinstance(value, int) and not isinstance(value, bool):
        code = f"{value:05d}" if 1000 <= value <= 99999 else f"{value:02d}"
    else:
        code = str(value).strip().upper()
    place = place_for_code(code, scale) if len(code) <= 12 else None
    if place is None:
        errors.append(FieldError("insee", _unknown_code(value)))
        return None, territory
    if territory is None:
        return place, place.name
    # A territory wider than a commune (Cantal, a pays…) is named otherwise than its seat,
    # and an EPCI's official name ("CA Redon Agglomération") otherwise than its usual one.
    if place.level != "commune" or scale in _WIDER:
        return place, territory
    name, written = fold(place.name), fold(territory)
    if name not in written and written not in name:
        errors.append(
            FieldError(
                "territory",
                f"Le territoire « {territory} » ne correspond pas à la commune du code INSEE "
                f"{code} ({place.name}).",
            )
        )
    return place, territory


def parse_metadata(
    meta: Mapping, themes: Iterable = tuple(slug for slug, _, _ in DEFAULT_THEMES)
) -> tuple[Metadata, list[FieldError]]:
    """Normalise front matter into Metadata; what cannot be understood is an error, not a crash."""
    errors: list[FieldError] = []
    meta = meta or {}
    territory = meta.get("territory")
    territory = " ".join(str(territory).split()) or None if territory is not None else None
    scale = _enumeration("scale", meta.get("scale"), errors)
    place, territory = _insee(meta.get("insee"), territory, scale, errors)
    lat, lon = _geo(meta.get("geo"), errors)
    result = Metadata(
        type=_enumeration("type", meta.get("type"), errors) or "page",
        territory=territory,
        insee=place.commune if place else None,
        scale=scale,
        setting=_enumeration("setting", meta.get("setting"), errors),
        themes=_themes(meta.get("themes"), _theme_index(themes), errors),
        tags=_words(meta.get("tags")),
        status=_enumeration("status", meta.get("status"), errors),
        started=_started(meta.get("started"), errors),
        actors=_words(meta.get("actors")),
        lat=lat,
        lon=lon,
        extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
        place=place,
    )
    return result, errors
