"""Whoosh's private parts are used in wiki/search/engine/ only: the rest of wiki/ keeps to its public API.

Private means a name starting with "_" (an attribute, an imported name, a getattr string) in a
module that imports Whoosh, or any import from Whoosh's internal modules below. Upgrading
Whoosh then means reading one folder, whose tests (tests/search/engine/) compare it with
Whoosh's own answers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import wiki

PACKAGE = Path(wiki.__file__).parent
FENCE = PACKAGE / "search" / "engine"
# Whoosh's machinery under its public API (codecs, matchers, readers, writers, file storage).
INTERNAL_MODULES = (
    "whoosh.automata",
    "whoosh.codec",
    "whoosh.collectors",
    "whoosh.columns",
    "whoosh.filedb",
    "whoosh.matching",
    "whoosh.reading",
    "whoosh.searching",
    "whoosh.system",
    "whoosh.util",
    "whoosh.writing",
)
# Flask's documented way to get the application behind `current_app`, not a Whoosh name.
NOT_WHOOSH = {"_get_current_object"}


def _internal(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in INTERNAL_MODULES)


def private_whoosh_uses(source: str) -> list[str]:
    """What `source` uses of Whoosh's private names, one line each ("line: what")."""
    tree = ast.parse(source)
    found = []
    imports_whoosh = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "whoosh" or alias.name.startswith("whoosh."):
                    imports_whoosh = True
                    if _internal(alias.name):
                        found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            imports_whoosh = True
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if alias.name.startswith("_") or _internal(node.module) or _internal(full):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
    if not imports_whoosh:
        return found
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                name = node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            name = node.args[1].value
        if name and name.startswith("_") and not name.startswith("__") and name not in NOT_WHOOSH:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_private_whoosh_name_outside_the_engine():
    outside = [path for path in sorted(PACKAGE.rglob("*.py")) if FENCE not in path.parents]
    assert len(outside) > 20
    found = {
        str(path.relative_to(PACKAGE.parent)): uses
        for path in outside
        if (uses := private_whoosh_uses(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "use or add a function of wiki.search.engine instead"


def test_the_engine_is_where_the_private_names_are():
    """The check finds what it looks for: the fenced modules do use private names."""
    inside = {
        path.name: private_whoosh_uses(path.read_text(encoding="utf-8"))
        for path in FENCE.glob("*.py")
    }
    assert inside["postings.py"] and inside["readers.py"] and inside["segments.py"]


def test_each_kind_of_private_use_is_found():
    source = "\n".join(
        [
            "from whoosh import index, writing",
            "from whoosh.codec import whoosh3",
            "import whoosh.matching.wrappers",
            "from whoosh.highlight import _private",
            "ix = index.open_dir('x')",
            "ix._segments()",
            "getattr(ix, '_read_toc')",
            "self._cache = None",
            "current_app._get_current_object()",
        ]
    )
    assert sorted(int(use.split(":")[0]) for use in private_whoosh_uses(source)) == [
        1,
        2,
        3,
        4,
        6,
        7,
    ]
