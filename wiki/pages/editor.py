"""The page editor's metadata form: page text ⇄ form fields, with YAML written only by frontmatter.

The page text (front matter + body) stays the source of truth. The form shows the front matter
as fields; a save applies only the fields the user changed to the text the form was built from
(`frontmatter.update`), so unknown keys, comments, quoting and order survive the edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wiki.content import frontmatter
from wiki.content.frontmatter import FrontMatterError
from wiki.content.metadata import FieldError, parse_metadata

__all__ = [
    "FIELD_NAMES",
    "FormState",
    "compose",
    "fields_from_text",
    "form_errors",
    "validate",
]

# Form fields, in the order the form shows them.
FIELD_NAMES = (
    "type",
    "territory",
    "insee",
    "scale",
    "setting",
    "themes",
    "tags",
    "status",
    "started",
    "actors",
    "lat",
    "lon",
    "inspire_par",
)
_LIST_FIELDS = ("themes",)
_WORD_FIELDS = ("tags", "actors")  # comma separated in the form, YAML lists in the text
_ENUMERATIONS = ("type", "scale", "setting", "status")
# One title per line in the form (titles may hold commas), a YAML list in the text.
_LINE_FIELDS = ("inspire_par",)
# Front matter key -> the form fields that show it.
_KEYS = {name: (name,) for name in FIELD_NAMES if name not in ("lat", "lon")} | {
    "geo": ("lat", "lon")
}
# Where an error about a key is shown; "front_matter" (bad YAML) goes next to the raw text.
ERROR_FIELDS = {"geo": "lat", "front_matter": "text", "sections": "body"}


@dataclass
class FormState:
    """What the editor shows: field values as typed, the body, and the problems found."""

    fields: dict | None  # None when the front matter cannot be read (raw mode only)
    body: str
    errors: list[FieldError] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def _words(value) -> list[str]:
    if value is None or value == "":
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    return [w for w in (_text(i) for i in items) if w]


def _lines(value) -> list[str]:
    if value is None or value == "":
        return []
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    return [line for line in (_text(i) for i in items) if line]


def _theme_values(raw, theme_slugs) -> list[str]:
    """Each theme as its slug when it is one of the vocabulary, else as written (kept, flagged)."""
    values = []
    for word in _words(raw):
        metadata, errors = parse_metadata({"themes": [word]}, theme_slugs)
        value = metadata.themes[0] if metadata.themes and not errors else word
        if value not in values:
            values.append(value)
    return values


def _form_values(meta: Mapping, theme_slugs) -> dict:
    """The form's view of front matter: normalised when valid, as written when not."""
    metadata, errors = parse_metadata(meta, theme_slugs)
    wrong = {e.field for e in errors}

    def shown(key, normalised):
        if key in wrong or normalised is None:
            return _text(meta.get(key))
        return str(normalised)

    values = {name: shown(name, getattr(metadata, name)) for name in _ENUMERATIONS}
    values["type"] = _text(meta.get("type")) if "type" in wrong else metadata.type
    values["territory"] = _text(meta.get("territory"))
    values["insee"] = shown("insee", metadata.code)
    values["themes"] = _theme_values(meta.get("themes"), theme_slugs)
    values["tags"] = ", ".join(_words(meta.get("tags")))
    values["actors"] = ", ".join(_words(meta.get("actors")))
    values["started"] = shown("started", metadata.started)
    for name in _LINE_FIELDS:
        values[name] = "\n".join(_lines(meta.get(name)))
    geo = meta.get("geo")
    if "geo" in wrong:
        parts = list(geo) if isinstance(geo, list | tuple) and len(geo) == 2 else [geo, ""]
        values["lat"], values["lon"] = _text(parts[0]), _text(parts[1])
    else:
        values["lat"] = "" if metadata.lat is None else _number(metadata.lat)
        values["lon"] = "" if metadata.lon is None else _number(metadata.lon)
    return values


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _float(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").replace("\u00a0", "").strip())
    except ValueError:
        return None


def _yaml_values(fields: Mapping) -> dict:
    """Front matter values for what the form holds; values that are wrong are kept as typed."""

    def get(name) -> str:
        value = fields.get(name)
        return _text(value) if not isinstance(value, list) else ""

    values: dict = {}
    for name in ("type", "territory", "insee", "scale", "setting", "status"):
        values[name] = get(name) or None
    themes = fields.get("themes") or []
    values["themes"] = _words(themes if isinstance(themes, list) else [themes])
    for name in _WORD_FIELDS:
        values[name] = _words(fields.get(name))
    for name in _LINE_FIELDS:
        raw = fields.get(name)
        values[name] = _lines(raw if isinstance(raw, list | str) else "")
    started = get("started")
    values["started"] = int(started) if started.isdigit() else (started or None)
    lat, lon = get("lat"), get("lon")
    if not lat and not lon:
        values["geo"] = None
    elif _float(lat) is not None and _float(lon) is not None:
        values["geo"] = [_float(lat), _float(lon)]
    else:
        values["geo"] = [lat, lon]
    return values


def fields_from_text(text: str, theme_slugs) -> FormState:
    """The form for a page text: its fields, its body and the problems of its front matter.

    Only read (compose() writes the text back through split()): read() gives the same values
    and errors, a third of the editor's CPU faster on the usual front matter."""
    try:
        meta, body = frontmatter.read(text)
    except FrontMatterError as error:
        return FormState(None, text, [FieldError("front_matter", str(error))])
    _metadata, errors = parse_metadata(meta, theme_slugs)
    return FormState(_form_values(meta, theme_slugs), body, errors)


def compose(source: str, fields: Mapping, body: str, theme_slugs) -> str:
    """The page text: `source` with the fields the user changed and the new body.

    A key is rewritten only when its form value differs from what `source` shows, so a field
    left alone keeps its exact spelling, quotes and comments. Raises FrontMatterError when
    `source` itself cannot be read.
    """
    meta, _old_body = frontmatter.split(source)
    before = _form_values(meta, theme_slugs)
    wanted = _yaml_values(fields)
    after = _form_values(wanted, theme_slugs)
    changes = {}
    for key, names in _KEYS.items():
        if any(_differs(before[n], after[n]) for n in names):
            value = wanted[key]
            changes[key] = None if value in (None, []) and key not in meta else value
    return frontmatter.update(frontmatter.join(meta, body), changes)


def _differs(before, after) -> bool:
    # The form ticks themes in the vocabulary's order: the same themes in another order are
    # no change, so re-saving an untouched page keeps its own order.
    if isinstance(before, list) and isinstance(after, list):
        return sorted(before) != sorted(after)
    return before != after


def validate(text: str, theme_slugs) -> list[FieldError]:
    """Problems to fix before the text can be saved (the same rule save_page applies)."""
    return fields_from_text(text, theme_slugs).errors


def form_errors(errors: list[FieldError]) -> dict[str, list[str]]:
    """Error messages by the form field they belong next to."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        name = ERROR_FIELDS.get(error.field, error.field)
        by_field.setdefault(name, []).append(error.message)
    return by_field
