"""An experience page written from named fields (a spreadsheet row, a YesWiki Bazar entry).

A mapping says what each field becomes: `title`, a front matter key (territory, insee, scale,
setting, themes, status, started, actors, tags, lat, lon, type), `section:<heading>` (its lines
become a list under Leviers, Verrous…; a paragraph elsewhere), `body`, or `ignore`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from wiki.content.metadata import parse_metadata
from wiki.pages import derived
from wiki.transfer.mapping import front_matter

FRONT_MATTER = (
    "type territory insee scale setting themes status started actors tags lat lon".split()
)
LIST_KEYS = {"themes", "actors", "tags"}
LIST_SECTIONS = {"leviers", "verrous", "freins", "obstacles", "pour essaimer", "levers"}
# Column or field names understood without a mapping file (folded: lower case, no accents).
KNOWN_NAMES = {
    "titre": "title",
    "title": "title",
    "nom": "title",
    "bf titre": "title",
    "commune": "territory",
    "territoire": "territory",
    "territory": "territory",
    "ville": "territory",
    "insee": "insee",
    "code insee": "insee",
    "echelle": "scale",
    "scale": "scale",
    "milieu": "setting",
    "setting": "setting",
    "themes": "themes",
    "theme": "themes",
    "thematiques": "themes",
    "statut": "status",
    "status": "status",
    "etat": "status",
    "debut": "started",
    "annee": "started",
    "annee de debut": "started",
    "started": "started",
    "acteurs": "actors",
    "actors": "actors",
    "mots cles": "tags",
    "tags": "tags",
    "latitude": "lat",
    "bf latitude": "lat",
    "bf longitude": "lon",
    "bf commune": "territory",
    "bf ville": "territory",
    "lat": "lat",
    "longitude": "lon",
    "lon": "lon",
    "contexte": "section:Contexte",
    "description": "section:Contexte",
    "bf description": "section:Contexte",
    "ce qui a ete fait": "section:Ce qui a été fait",
    "leviers": "section:Leviers",
    "verrous": "section:Verrous",
    "freins": "section:Verrous",
    "pour essaimer": "section:Pour essaimer",
    "essaimer": "section:Pour essaimer",
    "contacts": "section:Contacts et ressources",
    "contact": "section:Contacts et ressources",
}
SPLIT = re.compile(r"\s*[,;|\n]\s*")


def fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def default_target(name: str) -> str | None:
    return KNOWN_NAMES.get(fold(name))


@dataclass
class Built:
    title: str
    text: str
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:20]


def build(values: dict[str, str], columns: dict[str, str], default_type: str) -> Built:
    """The page for one row or entry; `columns` maps each field name to its target."""
    meta: dict = {"type": default_type}
    sections: dict[str, list[str]] = {}
    title, body, notes = "", [], []
    for name, raw in values.items():
        target = columns.get(name)
        value = _clean(raw)
        if not target or target == "ignore" or not value:
            continue
        if target == "title":
            title = " ".join(value.split())
        elif target == "body":
            body.append(value)
        elif target.startswith("section:"):
            sections.setdefault(target[8:].strip(), []).append(value)
        elif target in LIST_KEYS:
            meta.setdefault(target, []).extend(v for v in SPLIT.split(value) if v)
        elif target in FRONT_MATTER:
            meta[target] = value
    _themes_known_or_tags(meta, notes)
    if "lat" in meta or "lon" in meta:
        meta["geo"] = [_number(meta.pop("lat", None)), _number(meta.pop("lon", None))]
    if "started" in meta:
        meta["started"] = _year(meta["started"])
    text = front_matter(meta) + (f"# {title}\n" if title else "")
    for chunk in body:
        text += f"\n{chunk}\n"
    for heading, chunks in sections.items():
        text += f"\n## {heading}\n\n" + _section(heading, chunks) + "\n"
    built = Built(title=title, text=text, notes=notes)
    if not title:
        built.errors.append(str(_l("no title (map a column or field to “title”)")))
        return built
    parsed = derived.parse(text)
    built.errors += [f"{e.field}: {e.message}" for e in parsed.errors]
    return built


def _clean(raw) -> str:
    if raw is None:
        return ""
    text = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text


def _themes_known_or_tags(meta: dict, notes: list[str]) -> None:
    """A theme the wiki does not manage is kept, as a tag, rather than refusing the row."""
    if "themes" not in meta:
        return
    known, tags = [], meta.setdefault("tags", [])
    slugs = derived.theme_slugs()
    for theme in meta["themes"]:
        metadata, errors = parse_metadata({"themes": [theme]}, slugs)
        if errors or not metadata.themes:
            tags.append(theme)
            notes.append(
                str(_l("“%(theme)s” is not one of the wiki's themes: kept as a tag", theme=theme))
            )
        else:
            known.extend(metadata.themes)
    meta["themes"] = list(dict.fromkeys(known))
    meta["tags"] = list(dict.fromkeys(tags))


def _section(heading: str, chunks: list[str]) -> str:
    text = "\n\n".join(chunks)
    if fold(heading) in LIST_SECTIONS:
        items = [line.strip(" -•*\t") for line in re.split(r"\n|;\s+", text)]
        return "\n".join(f"- {item}" for item in items if item)
    return text


def _number(value):
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return value


def _year(value):
    match = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", str(value))
    return int(match.group(1)) if match else value
