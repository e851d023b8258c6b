"""Mapping files (YAML) that say what a source's categories, fields or columns become."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from wiki.content.slugs import slug_for
from wiki.pages.derived import theme_slugs


class MappingError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def load(path: Path | None) -> dict:
    """The mapping file as a dict ({} without a file); MappingError says what is wrong."""
    if path is None:
        return {}
    try:
        data = YAML(typ="safe").load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise MappingError(
            _l("The mapping file %(name)s cannot be read: %(error)s", name=path.name, error=error)
        ) from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MappingError(
            _l("The mapping file %(name)s must be a YAML mapping (key: value).", name=path.name)
        )
    return data


@dataclass
class Classified:
    """Front matter a source's categories (or keywords) give a page."""

    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    type: str | None = None


def classify(names: list[str], rules: dict, themes: set[str] | None = None) -> Classified:
    """Each category: the rule the mapping gives it (`theme:x`, `tag:x`, `type:x`, `ignore`);
    unmapped, a theme when its name is one of the wiki's themes, else a tag."""
    result = Classified()
    themes = set(theme_slugs()) if themes is None else themes
    lowered = {str(k).strip().lower(): v for k, v in (rules or {}).items()}
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        rule = lowered.get(name.lower())
        if rule is None:
            rule = f"theme:{slug_for(name)}" if slug_for(name) in themes else f"tag:{name}"
        for part in rule if isinstance(rule, list) else [rule]:
            kind, _colon, value = str(part).partition(":")
            kind, value = kind.strip().lower(), value.strip()
            if kind == "theme" and slug_for(value) in themes:
                result.themes.append(slug_for(value))
            elif kind in ("theme", "tag") and value:
                result.tags.append(value)  # a theme the wiki does not have: kept as a tag
            elif kind == "type" and value:
                result.type = value
    result.themes = list(dict.fromkeys(result.themes))
    result.tags = list(dict.fromkeys(result.tags))
    return result


def front_matter(values: dict) -> str:
    """A front matter block from plain values (JSON scalars and lists are valid YAML)."""
    lines = []
    for key, value in values.items():
        if value in (None, "", []):
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "---\n" + "\n".join(lines) + "\n---\n" if lines else ""
