"""The layers of docs/architecture.md, checked on the source: every import in ``dangjian/`` (at
module level and inside functions) read with ``ast``.

- No import circle between modules, however long.
- ``core`` is the floor: its modules import nothing of ``dangjian`` outside ``core``.
- ``home`` is the roof: no other module imports it.

Tests are modules too for the circle check; they are exempt from the floor and roof rules (a test
of the audit log needs an organisation to audit)."""

from __future__ import annotations

import ast
from pathlib import Path

import dangjian

PACKAGE = Path(dangjian.__file__).parent
ROOT = PACKAGE.parent


def modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _known(name: str | None, known) -> str | None:
    """The module ``name`` names, or its nearest enclosing package we know; None outside dangjian."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, path: Path, is_package: bool, known) -> set[str]:
    here = name.split(".") if is_package else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name, known) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for alias in node.names:
                submodule = _known(f"{source}.{alias.name}", known)  # ``from package import module``
                found.add(submodule if submodule and submodule != _known(source, known) else _known(source, known))
    found.discard(None)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, is_package, known) for name, (path, is_package) in known.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(edges.get(succ, ())))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def is_test(name: str) -> bool:
    return ".tests" in name or name.rsplit(".", 1)[-1].startswith("test")


def test_the_graph_sees_function_level_and_relative_imports():
    edges = graph()
    assert "dangjian.accounts.queries" in edges["dangjian.accounts.apps"]  # inside ready(), relative
    assert "dangjian.core.scoping" in edges["dangjian.accounts.choices"]


def test_a_circle_is_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle():
    assert circles(graph()) == []


def test_core_imports_no_feature_app():
    wrong = sorted(f"{name} → {target}" for name, targets in graph().items()
                   if name.startswith("dangjian.core") and not is_test(name)
                   for target in targets if not target.startswith("dangjian.core"))
    assert wrong == []


def test_nothing_imports_the_home_app():
    wrong = sorted(f"{name} → {target}" for name, targets in graph().items()
                   if not name.startswith("dangjian.home") and not is_test(name)
                   for target in targets if target.startswith("dangjian.home"))
    assert wrong == []


def environment_reads(tree: ast.AST) -> int:
    """``os.environ.get(…)``, ``os.getenv(…)`` and ``os.environ[…]`` read as a value."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = ast.unparse(node.func)
            count += target in ("os.environ.get", "os.getenv")
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            count += ast.unparse(node.value) == "os.environ"
    return count


def test_settings_are_read_from_the_environment_in_settings_py_only():
    readers = sorted(name for name, (path, _) in modules().items()
                     if name != "dangjian.settings" and not is_test(name)
                     and environment_reads(ast.parse(path.read_text(encoding="utf-8"))))
    assert readers == []
    assert environment_reads(ast.parse("import os\nos.environ.get('X')\nos.environ['Y']"))== 2
