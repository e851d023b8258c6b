"""The package's structure (docs/architecture.md): no import cycles, no module over 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import wiki

PACKAGE = Path(wiki.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """{module: modules of the package it imports}, from {module: (source, is a package)}.

    Every import counts, at the top of a file or inside a function: an import moved into a
    function to dodge a cycle is still a cycle in the design.
    """
    graph: dict[str, set[str]] = {name: set() for name in sources}

    def known(name: str) -> str | None:
        while name and name not in sources:
            name = name.rpartition(".")[0]
        return name or None

    for name, (source, is_package) in sources.items():
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                # `from wiki.search import index` imports the module wiki.search.index;
                # `from wiki.search.index import notify` the module wiki.search.index.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in sources else base
                    for alias in node.names
                ]
            else:
                continue
            for target in targets:
                found = known(target)
                if found and found != name:
                    graph[name].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or in a ring (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def _package_sources() -> dict[str, tuple[str, bool]]:
    return {
        _module_name(path): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in PACKAGE.rglob("*.py")
    }


def test_no_import_cycles_inside_wiki():
    sources = _package_sources()
    assert len(sources) > 40
    assert cycles(import_graph(sources)) == []


def test_a_cycle_through_a_function_level_import_is_found():
    sources = {
        "wiki": ("", True),
        "wiki.web": ("def init():\n    from wiki.pages.views import bp\n", False),
        "wiki.pages": ("", True),
        "wiki.pages.views": ("from wiki import web\n", False),
        "wiki.pages.service": ("from . import views\n", False),
        "wiki.labels": ("import wiki.pages.service\n", False),
    }
    assert cycles(import_graph(sources)) == [["wiki.pages.views", "wiki.web"]]


def test_no_module_of_wiki_is_over_500_lines():
    """A module past 500 lines holds several things: split it along its seams."""
    lengths = {
        str(path.relative_to(PACKAGE.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {path: n for path, n in lengths.items() if n > 500} == {}
