"""The layers' imports, checked: no import circle, and nothing imports a layer above its own.

The layers, lowest first: `messages` < `storage` < `handlers` < `bot`. Every import counts,
including those inside functions and under `TYPE_CHECKING`: a circle hidden in a function is
still a circle a reader has to untangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("messages", "storage", "handlers", "bot")


def _modules() -> dict[str, Path]:
    found = {}
    for top in LAYERS:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The project modules a file imports (`from pkg import mod` counts as `pkg.mod`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in MODULES else node.module)
    return {name for name in names if name in MODULES}


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others():
    assert _circles(GRAPH) == []


def _room(module: str) -> str:
    """A capability room (`handlers.citizen`), or the module itself at a layer's top."""
    parts = module.split(".")
    room = ".".join(parts[:2])
    return room if len(parts) > 2 or (ROOT / room.replace(".", "/")).is_dir() else module


def test_no_room_imports_itself_back_through_others():
    """Rooms depend one way too: citizen uses cases, cases never uses citizen."""
    rooms: dict[str, set[str]] = {}
    for source, targets in GRAPH.items():
        edges = rooms.setdefault(_room(source), set())
        for target in targets:
            if _room(target) != _room(source):
                edges.add(_room(target))
                rooms.setdefault(_room(target), set())
    assert _circles(rooms) == []


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_layer_imports_a_layer_above_it():
    rank = {top: n for n, top in enumerate(LAYERS)}
    upward = [
        f"{source} imports {target}"
        for source, targets in GRAPH.items()
        for target in targets
        if rank[target.split(".")[0]] > rank[source.split(".")[0]]
    ]
    assert upward == []


def test_every_package_says_what_lives_there():
    for name, path in MODULES.items():
        if path.name == "__init__.py":
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), name
