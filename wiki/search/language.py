"""The query language: what researchers type, made into a Whoosh query with notices.

Prefixes in French or English ("verrou:foncier", "theme:energie"), values by label or code
("region:occitanie"), `-word`/`+word`, AND/OR/NOT (ET/OU/SAUF), quotes. Whatever is typed,
the result is a query or nothing to search for, never an error: a string that cannot be read
as written is read as plain words, and the notices say so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from whoosh import query
from whoosh.qparser import MultifieldParser, plugins
from whoosh.qparser.syntax import AndGroup

from wiki.content.cog import department_list, region_list
from wiki.content.metadata import DEFAULT_THEMES
from wiki.search.analysis import facet_key, fold_accents
from wiki.search.schema import TEXT_FIELDS

MAX_QUERY_CHARS = 500  # a 10 KB paste is cut here: no one types more, and parsing stays cheap
MAX_WORDS = 40

# Prefixes people type -> field of the index. English and French, with or without accents.
FIELD_PREFIXES = {
    "levers": ("levier", "leviers", "lever", "levers"),
    "obstacles": ("verrou", "verrous", "obstacle", "obstacles", "frein", "freins"),
    "replicate": ("essaimer", "essaimage", "replicate"),
    "themes": ("theme", "themes"),
    "tags": ("tag", "tags", "motcle", "mot-cle", "mots-cles"),
    "actors": ("acteur", "acteurs", "actor", "actors"),
    "territory": ("territoire", "territory"),
    "region": ("region", "regions"),
    "department": ("departement", "departements", "department", "dept"),
    "status": ("statut", "status"),
    "scale": ("echelle", "scale"),
    "setting": ("milieu", "setting"),
    "author": ("auteur", "author"),
    "title": ("titre", "title"),
}
PREFIX_FIELDS = {alias: name for name, aliases in FIELD_PREFIXES.items() for alias in aliases}
KEY_FIELDS = ("themes", "tags", "status", "scale", "setting", "author", "region", "department")

# Other words for the values, as the front matter also accepts them ("done" for "terminé").
VALUE_ALIASES = {
    "status": {
        "idea": "idee",
        "ongoing": "en-cours",
        "done": "termine",
        "finished": "termine",
        "fini": "termine",
        "abandoned": "abandonne",
    },
    "setting": {"urban": "urbain", "periurban": "periurbain", "peri-urbain": "periurbain"},
    "scale": {
        "neighbourhood": "quartier",
        "neighborhood": "quartier",
        "municipality": "commune",
        "epci": "intercommunalite",
        "department": "departement",
        "region": "region",
    },
}

_PREFIXED = re.compile(
    r"(?<![\w:])(?P<name>[^\W\d_][\w-]*):(?P<value>\"[^\"]*\"?|\([^()]*\)?|[^\s()\"]*)"
)
_EXCLUDE = re.compile(r"(?:(?<=[\s(])|^)-(?=[\w\"(])")
_REQUIRE = re.compile(r"(?:(?<=[\s(])|^)\+(?=[\w\"(])")
_WORD = re.compile(r"\w+")
OPERATORS = {"AND", "OR", "NOT", "ET", "OU", "SAUF"}


@dataclass
class Understood:
    """What was made of a query string: the text for the parser and what to tell the user."""

    text: str
    notices: list[str]
    plain_words: list[str]  # words not under a prefix: candidates for "did you mean"
    fallback: bool = False


def clean(raw: str | None) -> tuple[str, list[str]]:
    """Printable text of reasonable length."""
    notices: list[str] = []
    text = "".join(
        " " if unicodedata.category(c)[0] in "CZ" and c not in "\u00a0\u202f" else c
        for c in (raw or "")
    )
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        notices.append(
            _l(
                "Your search was very long: only its first %(n)s characters were used.",
                n=MAX_QUERY_CHARS,
            )
        )
    words = text.split()
    if len(words) > MAX_WORDS:
        text = " ".join(words[:MAX_WORDS])
        notices.append(_l("Only the first %(n)s words of your search were used.", n=MAX_WORDS))
    return text, notices


def understand(raw: str | None) -> Understood:
    text, notices = clean(raw)
    unbalanced = text.count('"') % 2 == 1 or not _balanced(text)
    if unbalanced:
        words = plain_words(text)
        notices.append(
            _l("Your search has an unclosed quote or parenthesis: it was read as plain words.")
        )
        return Understood(" ".join(words), notices, words, fallback=True)
    plain_parts = []

    def rewrite(match: re.Match) -> str:
        name, value = match.group("name"), match.group("value")
        target = PREFIX_FIELDS.get(fold_accents(name))
        if target is None:  # "http:", "12:30", "note:" — not a field: keep the words
            plain_parts.append(f"{name} {value}")
            return f"{name} {value}"
        if not value.strip('"()').strip():
            notices.append(
                _l(
                    "“%(prefix)s:” needs a word after it (for example %(example)s); it was left "
                    "out.",
                    prefix=name,
                    example=_EXAMPLES.get(target, f"{name}:energie"),
                )
            )
            return " "
        if target in KEY_FIELDS:
            keys = [_value_key(target, v) for v in _values(value)]
            keys = [k for k in keys if k]
            if not keys:
                return " "
            return f"{target}:({' OR '.join(keys)})" if len(keys) > 1 else f"{target}:{keys[0]}"
        return f"{target}:{value}"

    rewritten = _PREFIXED.sub(rewrite, text)
    for part in _PREFIXED.split(text)[::3]:
        plain_parts.append(part)
    rewritten = _REQUIRE.sub("", _EXCLUDE.sub("NOT ", rewritten))
    words = [w for w in plain_words(" ".join(plain_parts)) if w not in OPERATORS]
    return Understood(rewritten, notices, words)


_EXAMPLES = {
    "themes": "theme:energie",
    "tags": "tag:compost",
    "actors": "acteur:mairie",
    "status": "statut:termine",
    "scale": "echelle:commune",
    "setting": "milieu:rural",
    "author": "auteur:camille",
    "levers": "levier:elus",
    "obstacles": "verrou:foncier",
    "replicate": "essaimer:convention",
    "territory": "territoire:raismes",
    "title": "titre:jardin",
    "region": "region:occitanie",
    "department": "departement:nord",
}


def _balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r'"[^"]*"', "", text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def plain_words(text: str) -> list[str]:
    return _WORD.findall(text.replace("_", " "))


def _values(value: str) -> list[str]:
    value = value.strip("()")
    if value.startswith('"'):
        return [value.strip('"')]
    return [v for v in value.split() if v not in OPERATORS]


def _value_key(field_name: str, value: str) -> str:
    key = facet_key(value)
    if field_name == "themes":
        return _theme_slug(key)
    if field_name == "author":
        return value.lower()
    if field_name in ("region", "department"):
        return _division_code(field_name, key)
    return VALUE_ALIASES.get(field_name, {}).get(key, key)


def _division_code(field_name: str, key: str) -> str:
    """A region's or department's code from its code or name: "occitanie" -> "76", "2a"."""
    names = _division_names(field_name)
    if key.upper() in names:
        return key.lower()
    by_name = {facet_key(name): code.lower() for code, name in names.items()}
    return by_name.get(key, key)


def _division_names(field_name: str) -> dict[str, str]:
    return {
        d.code: d.name for d in (region_list() if field_name == "region" else department_list())
    }


def _theme_slug(key: str) -> str:
    themes = _theme_vocabulary()
    for slug, labels in themes.items():
        if key == slug or key in labels:
            return slug
    starting = [
        slug
        for slug, labels in themes.items()
        if slug.startswith(key) or any(label.startswith(key) for label in labels)
    ]
    return starting[0] if len(starting) == 1 else key


def _theme_vocabulary() -> dict[str, tuple[str, ...]]:
    from wiki.extensions import db
    from wiki.models import Theme

    try:
        rows = [(t.slug, t.label_fr, t.label_en) for t in db.session.query(Theme).all()]
    except Exception:  # no application context (benchmarks): the default vocabulary
        rows = []
    rows = rows or DEFAULT_THEMES
    return {slug: (facet_key(fr), facet_key(en)) for slug, fr, en in rows}


def _parser(schema) -> MultifieldParser:
    parser = MultifieldParser(list(TEXT_FIELDS), schema, group=AndGroup)
    # No wildcards, ranges, boosts, `*:*` or single quotes: French apostrophes are not quotes.
    for plugin_type in (
        plugins.WildcardPlugin,
        plugins.RangePlugin,
        plugins.BoostPlugin,
        plugins.EveryPlugin,
        plugins.SingleQuotePlugin,
        plugins.OperatorsPlugin,
    ):
        parser.remove_plugin_class(plugin_type)
    parser.add_plugin(
        plugins.OperatorsPlugin(
            And=r"(?<=\s)(?:AND|ET)(?=\s)",
            Or=r"(?<=\s)(?:OR|OU)(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(?:NOT|SAUF)(?=\s)",
            AndNot=r"(?<=\s)ANDNOT(?=\s)",
            AndMaybe=r"(?<=\s)ANDMAYBE(?=\s)",
            Require=r"(?<=\s)REQUIRE(?=\s)",
        )
    )
    return parser


def parse(understood: Understood, schema) -> tuple[query.Query | None, list[str]]:
    """The Whoosh query (None: nothing to search for) and any further notice."""
    notices: list[str] = []
    parsed = None
    if not understood.fallback:
        try:
            parsed = _parser(schema).parse(understood.text)
        except Exception:
            notices.append(_l("Your search could not be understood: it was read as plain words."))
            understood.fallback = True
    if understood.fallback:
        words = " ".join(w for w in understood.plain_words if w not in OPERATORS)
        parsed = _parser(schema).parse(words)
    parsed = parsed.normalize() if parsed is not None else None
    if parsed is None or parsed is query.NullQuery:
        return None, notices
    if _only_negative(parsed):
        notices.append(_l("A search cannot only exclude words: the exclusion was ignored."))
        return None, notices
    return parsed, notices


def _only_negative(q: query.Query) -> bool:
    if isinstance(q, query.Not):
        return True
    if isinstance(q, query.And):
        return all(isinstance(sub, query.Not) for sub in q.subqueries)
    return False
