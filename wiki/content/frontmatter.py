"""YAML front matter of a page: split it from the body, write it back unchanged, update fields."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Mapping

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

try:  # libyaml, through PyYAML: the fast reader of read(); without it, read() is split()
    import yaml as pyyaml
    from yaml import CSafeLoader as _FastLoader
except ImportError:  # pragma: no cover (PyYAML's wheels bundle libyaml)
    _FastLoader = None

__all__ = ["FrontMatterError", "join", "read", "split", "update"]

# The block opens on the very first line and closes on the next line made of `---` (or `...`,
# YAML's own end-of-document marker). Later `---` lines are Markdown thematic breaks.
_OPEN = re.compile(r"---[ \t]*(\r?\n)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)

# The exact source of the block and the data it held, kept on the map that split() returns,
# so that join() can give back the original bytes when nothing was changed (ruamel keeps
# comments and order, but re-spaces some constructs such as `[ a,b ]`).
_SOURCE = "_essaim_source"
_SNAPSHOT = "_essaim_snapshot"
# Strings YAML would read as something else; quoted "like this", as in the documented format.
_AMBIGUOUS = re.compile(
    r"[-+]?(?:\d[\d_.:]*(?:e[-+]?\d+)?|\.inf|\.nan)|true|false|yes|no|on|off|null|~|",
    re.IGNORECASE,
)


# Budgets: front matter is a few fields typed through a form, so anything past these is a
# mistake or an attack. Aliases (`*name`) are refused outright: expanding them is what turns
# 400 bytes into gigabytes ("billion laughs"), and no field of a page needs one.
MAX_SOURCE_BYTES = 64 * 1024
MAX_DEPTH = 16
MAX_NODES = 5_000
_TOO_DEEP = f"listes ou champs imbriqués trop profondément ({MAX_DEPTH} niveaux au plus)"
_BRACKETS = re.compile(r"[\[\]{}]")


class FrontMatterError(ValueError):
    """Front matter that cannot be read; `message` is French and meant for the editor."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.message = message
        super().__init__(f"Ligne {line} : {message}" if line else message)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long title or list over two lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


# ruamel's English problems, most common first, in words a volunteer can act on.
_PROBLEMS = [
    ("mapping values are not allowed", "deux-points inattendu : mettez la valeur entre guillemets"),
    ("cannot start any token", "caractère interdit (tabulation ou symbole) : utilisez des espaces"),
    ("could not find expected ':'", "il manque « : » après le nom du champ"),
    ("duplicate key", "ce champ apparaît deux fois"),
    ("found unexpected end of stream", "guillemet ou crochet ouvert mais jamais fermé"),
    ("did not find expected ',' or ']'", "liste entre crochets mal fermée"),
    ("did not find expected ',' or '}'", "accolade mal fermée"),
    ("expected <block end>", "indentation incohérente"),
    ("did not find expected key", "indentation incohérente"),
    ("did not find expected '-' indicator", "indentation incohérente dans la liste"),
    ("found undefined alias", "alias (*) inconnu"),
    ("could not determine a constructor", "étiquette YAML (!) non reconnue"),
]


def _french(problem: str) -> str:
    for english, french in _PROBLEMS:
        if english in problem:
            return french
    return f"syntaxe YAML invalide ({problem})"


def _locate(text: str) -> tuple[str, str, str] | None:
    """(block with its fences, YAML source, body), or None when the text has no front matter."""
    text_start = 1 if text.startswith("\ufeff") else 0
    opening = _OPEN.match(text, text_start)
    if not opening:
        return None
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        raise FrontMatterError(
            "le bloc de métadonnées ouvert par « --- » n’est jamais fermé : "
            "ajoutez une ligne « --- » après le dernier champ",
            line=1,
        )
    return text[: closing.end()], text[opening.end() : closing.start()], text[closing.end() :]


def body_of(text: str) -> str:
    """The text after its front matter block, without reading the YAML (the whole text if none).

    FrontMatterError if a block is opened and never closed.
    """
    located = _locate(text)
    return text if located is None else located[2]


def _check_shape(source: str) -> None:
    """Refuse aliases, deep nesting and huge node counts from the event stream, before any
    object is built: reading events is linear in the text, building objects from aliases is not."""
    # ruamel's scanner looks ahead over every open bracket (quadratic): a raw count first.
    raw_depth = 0
    for bracket in _BRACKETS.finditer(source):
        raw_depth += 1 if bracket.group() in "[{" else -1
        if raw_depth > 4 * MAX_DEPTH:
            line = source.count("\n", 0, bracket.start()) + 2
            raise FrontMatterError(_TOO_DEEP, line)
    depth = nodes = 0
    for event in _yaml().parse(source):
        if isinstance(event, AliasEvent):
            raise FrontMatterError(
                "les alias YAML (« *nom ») ne sont pas acceptés : écrivez la valeur en entier",
                _line(event),
            )
        if isinstance(event, NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise FrontMatterError(
                    f"trop de valeurs dans les métadonnées ({MAX_NODES} au plus)", _line(event)
                )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise FrontMatterError(_TOO_DEEP, _line(event))
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _check_numbers(value) -> None:
    """Refuse integers too long to print (hexadecimal and binary escape Python's digit limit)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_numbers(key)
            _check_numbers(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _check_numbers(item)
    elif isinstance(value, int) and value.bit_length() > 64:
        raise FrontMatterError("nombre trop long : mettez-le entre guillemets")


def _line(event) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening fence


def _plain(value):
    """Comparable copy of YAML data, without comments or styles."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def split(text: str) -> tuple[CommentedMap | dict, str]:
    """Return (metadata, body); ({}, text) when there is no front matter."""
    located = _locate(text)
    if located is None:
        return {}, text
    block, source, body = located
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise FrontMatterError(
            f"le bloc de métadonnées dépasse {MAX_SOURCE_BYTES // 1024} ko : "
            "gardez-y les champs de la page et mettez le reste dans le texte",
            line=1,
        )
    try:
        _check_shape(source)
        meta = _yaml().load(source)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening fence
        raise FrontMatterError(_french(str(error.problem or error.context)), line) from None
    except YAMLError as error:
        raise FrontMatterError(_french(str(error))) from None
    except FrontMatterError:
        raise
    except (ValueError, ArithmeticError):
        # A scalar YAML reads as a date or number it cannot build: "2020-02-30", "!!int x",
        # or an integer longer than Python converts (4,300 digits).
        raise FrontMatterError(
            "une valeur ressemble à une date ou un nombre impossible : mettez-la entre guillemets"
        ) from None
    if meta is None:
        meta = CommentedMap()
    if not isinstance(meta, CommentedMap):
        raise FrontMatterError(
            "les métadonnées doivent être une suite de lignes « champ: valeur »", line=2
        )
    _check_numbers(meta)
    setattr(meta, _SOURCE, block)
    setattr(meta, _SNAPSHOT, copy.deepcopy(_plain(meta)))
    return meta, body


# read()'s fast path takes only sources made of plain keys, strings and lists: anything that
# could be an anchor, alias, tag, flow mapping, complex key or directive goes to split().
_NOT_SIMPLE = re.compile(r"[&*!{}?%@`]")
_FAST_MAX_CHARS = 4096
_STR_TAG = "tag:yaml.org,2002:str"
# Plain scalars that YAML 1.2 may read as a number, boolean or null where 1.1 reads a string
# (`-.5`, `0o17`, `1e3`…): anything starting like a number, or one of these words.
_MAYBE_TYPED = re.compile(r"[-+.\d~]|(?:true|false|yes|no|on|off|null|)\Z", re.IGNORECASE)


def read(text: str) -> tuple[dict, str]:
    """(metadata as plain dicts, lists and strings, body), for code that never writes the text
    back: a page view, indexing, exports. The same result and the same errors as split(), about
    thirty times faster on the usual front matter (a few `field: value` and `[a, b]` lines).

    libyaml (PyYAML's C reader) reads YAML 1.1, where `yes`, `on`, `1:20` or `2020-01-01` are
    not strings; ruamel reads YAML 1.2. Its result is therefore taken only when every key and
    value is a string that both versions read alike (a quoted one, or a plain one that looks
    like no number, boolean, date or null) and no key is repeated (which split() refuses);
    any other source, and every error, goes through split(). tests/content/
    test_frontmatter_read.py compares both on front matter written to make them disagree.
    """
    located = _locate(text)
    if located is None:
        return {}, text
    _block, source, body = located
    simple = len(source) <= _FAST_MAX_CHARS and not _NOT_SIMPLE.search(source)
    if _FastLoader is not None and simple:
        try:
            node = pyyaml.compose(source, Loader=_FastLoader)
        except (pyyaml.YAMLError, RecursionError):
            node = False
        if node is None:
            return {}, body
        if node is not False and isinstance(node, pyyaml.MappingNode):
            data = _simple(node, 0)
            if data is not None:
                return data, body
    meta, body = split(text)
    return _plain(meta), body


def _simple(node, depth: int):
    """The value of a libyaml node when YAML 1.1 and 1.2 agree on it, else None."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(node, pyyaml.ScalarNode):
        if node.tag != _STR_TAG or (not node.style and _MAYBE_TYPED.match(node.value)):
            return None
        return node.value
    if isinstance(node, pyyaml.SequenceNode):
        items = [_simple(item, depth + 1) for item in node.value]
        return None if any(item is None for item in items) else items
    if isinstance(node, pyyaml.MappingNode):
        data = {}
        for key_node, value_node in node.value:
            key = _simple(key_node, depth + 1) if isinstance(key_node, pyyaml.ScalarNode) else None
            value = _simple(value_node, depth + 1)
            if key is None or value is None or key in data:
                return None
            data[key] = value
        return data
    return None


def _dump(meta: Mapping) -> str:
    if not isinstance(meta, CommentedMap):
        meta = _commented(meta)
    stream = io.StringIO()
    _yaml().dump(meta, stream)
    return stream.getvalue()


def _commented(value):
    """Turn plain data into ruamel's types, lists in flow style like the documented format."""
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, Mapping):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_commented(v) for v in value)
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and _AMBIGUOUS.fullmatch(value):
        return DoubleQuotedScalarString(value)
    return value


def join(meta: Mapping, body: str) -> str:
    """Inverse of split(): the front matter block (if meta is not empty) followed by the body."""
    source = getattr(meta, _SOURCE, None)
    if source is not None and _plain(meta) == getattr(meta, _SNAPSHOT):
        return source + body
    if not meta:
        # An empty block keeps a body that starts like front matter from being read as one.
        return "---\n---\n" + body if _OPEN.match(body) else body
    newline = "\r\n" if source and source.endswith("\r\n") else "\n"
    block = f"---\n{_dump(meta)}---\n"
    return block.replace("\n", newline) + body


def update(text: str, changes: Mapping) -> str:
    """Set fields of the front matter (None removes one), keeping comments, order and others."""
    meta, body = split(text)
    if not isinstance(meta, CommentedMap):
        meta = CommentedMap(meta)
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        elif _plain(meta.get(key)) != _plain(value):
            meta[key] = _restyled(meta.get(key), _commented(value))
    return join(meta, body)


def _restyled(old, new):
    """Keep the block or flow style the author chose for a list they already had."""
    if isinstance(old, CommentedSeq) and isinstance(new, CommentedSeq):
        # ruamel records no style for an empty `[]` (None): keep the new list's flow style then.
        if old.fa.flow_style() is False:
            new.fa.set_block_style()
        else:
            new.fa.set_flow_style()
    return new
