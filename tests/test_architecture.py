"""The rules of the house for course_utils, checked by reading its source (docs/architecture.md).

- every module is under 400 lines;
- no module uses another module's ``_private`` name (imported, or read as ``module._name``);
- the modules import each other one way only: no import cycle, counting imports inside functions;
- docs/architecture.md lists exactly the modules that exist.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course_utils"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of ``from <level dots><target> import ...`` written in ``module``."""
    if level == 0:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _owner(name: str) -> str | None:
    """The course_utils module that ``name`` (a dotted module path) is, or lies in."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


class Imports(ast.NodeVisitor):
    """What one module imports from the others, and which private names of theirs it uses."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.is_package = MODULES[module].name == "__init__.py"
        self.targets: set[str] = set()
        self.private: list[str] = []
        self.module_aliases: dict[str, str] = {}

    def _add(self, target: str | None, line: int) -> str | None:
        owner = _owner(target) if target else None
        if owner and owner != self.module:
            self.targets.add(owner)
        return owner

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            owner = self._add(alias.name, node.lineno)
            if owner and alias.asname:
                self.module_aliases[alias.asname] = owner

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = _resolve(self.module, self.is_package, node.level, node.module)
        if not source.startswith("course_utils"):
            return
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            if submodule in MODULES:  # `from . import data`
                self._add(submodule, node.lineno)
                self.module_aliases[alias.asname or alias.name] = submodule
                continue
            owner = self._add(source, node.lineno)
            if owner and owner != self.module and _is_private(alias.name):
                self.private.append(f"line {node.lineno}: from {source} import {alias.name}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self.module_aliases:
            owner = self.module_aliases[node.value.id]
            if owner != self.module and _is_private(node.attr):
                self.private.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        self.generic_visit(node)


def _imports(module: str) -> Imports:
    visitor = Imports(module)
    visitor.visit(ast.parse(MODULES[module].read_text(), filename=str(MODULES[module])))
    return visitor


GRAPH = {module: _imports(module) for module in MODULES}


def test_the_package_has_modules() -> None:
    assert {"course_utils", "course_utils.config", "course_utils.errors"} <= set(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_short_enough(module: str) -> None:
    n_lines = len(MODULES[module].read_text().splitlines())
    assert n_lines <= MAX_LINES, f"{module} has {n_lines} lines (at most {MAX_LINES}): split it"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_uses_no_private_name_of_another(module: str) -> None:
    assert GRAPH[module].private == [], f"{module} uses private names: {GRAPH[module].private}"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph`` (as a list of modules), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def _edges() -> dict[str, set[str]]:
    """Import edges, leaving out a package's own ``__init__`` re-exporting its submodules.

    ``course_utils.data/__init__.py`` importing ``course_utils.data.fetch`` is how a package
    shows its public names; the rule is about modules that need each other.
    """
    edges: dict[str, set[str]] = {}
    for module, found in GRAPH.items():
        edges[module] = {t for t in found.targets if not t.startswith(module + ".")}
        # Importing course_utils.x.y runs course_utils/__init__ and course_utils.x's __init__
        # first, but those are Python's mechanics, not a dependency the code chose.
    return edges


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_inside_course_utils() -> None:
    cycle = _cycle(_edges())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_private_name_detector_sees_both_forms(tmp_path: Path) -> None:
    source = "from .plots import _hidden\nfrom . import data\nx = data._read()\ny = data.read()\n"
    MODULES["course_utils._probe"] = tmp_path / "probe.py"
    try:
        (tmp_path / "probe.py").write_text(source)
        found = _imports("course_utils._probe").private
    finally:
        del MODULES["course_utils._probe"]
    assert found == ["line 1: from course_utils.plots import _hidden", "line 3: data._read"]


def test_architecture_document_lists_every_module() -> None:
    text = ARCHITECTURE.read_text()
    section = text.split("## Module map", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\|\s*`(course_utils[\w.]*)`", section, flags=re.MULTILINE))
    missing = sorted(set(MODULES) - listed)
    extra = sorted(listed - set(MODULES))
    assert not missing, f"docs/architecture.md's module map lacks {missing}"
    assert not extra, f"docs/architecture.md's module map names modules that do not exist: {extra}"
