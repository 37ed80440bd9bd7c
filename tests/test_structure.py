"""The package's shape, checked: what makes it safe to change (issue 11's targets).

Read from the source (``ast`` and radon), nothing imported:

- no import circle between the package's modules (lazy imports count; ``TYPE_CHECKING``
  imports, which never run, do not);
- no module imports another module's private (``_name``) names, or a private module of another
  package (``analysis._columns`` is reached through ``analysis``), and names imported from a
  package module are in its ``__all__``;
- no package module over 500 lines, no function of cyclomatic complexity over 20 (radon);
- in the analysis, plotting, widget and command-line code, ``df.attrs["pinpoint"]`` is read and
  attrs are written only in ``analysis/_meta.py``;
- no test reads a private attribute.

Modules that other engineers are reworking and that still break a limit are listed below with
their owner; an entry that no longer breaks its limit fails the test, so the lists only shrink.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

radon_complexity = pytest.importorskip("radon.complexity")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pinpoint_kpi_pandas"
TESTS = ROOT / "tests"

MAX_LINES = 500
MAX_COMPLEXITY = 20

# module (relative to the package): (owner, lines allowed until it is split)
LONG_MODULES: dict[str, tuple[str, int]] = {}
# "module.function" (methods as "module.Class.method"): (owner, complexity allowed)
COMPLEX_FUNCTIONS: dict[str, tuple[str, int]] = {}
# "module.name" imported by another module but missing from the module's __all__: its owner
IMPORTS_OUTSIDE_ALL: dict[str, str] = {}
# public modules without an __all__: their owner
MODULES_WITHOUT_ALL: dict[str, str] = {}
# test file: (owner, private attributes it still reads)
TESTS_READING_PRIVATE = {
    # pandas' accessor registry: pandas has no public way to list registered accessors.
    "test_public_api.py": ("structure", {"_accessors"}),
}
# IPython's display protocol: called by the notebook, and public despite the underscore.
DISPLAY_PROTOCOL = {"_repr_mimebundle_", "_repr_html_", "_ipython_display_"}

# Where the frame contract is read and attrs written through analysis/_meta.py only.
CONTRACT_CONSUMERS = ("analysis", "plotting", "widgets", "cli", "accessor", "demo")
CONTRACT_HOME = "analysis/_meta.py"


# --------------------------------------------------------------------------- reading the package


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(), filename=str(modules()[name]))


def is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def resolve(name: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` reads from."""
    if not node.level:
        return node.module or ""
    base = name.split(".")
    if not is_package(name):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def type_checking_blocks(module: ast.Module) -> set[int]:
    """Line numbers inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(name: str) -> Iterator[tuple[str, str | None, ast.stmt, str]]:
    """``(module, name or None, node, local name)`` for each import of a package module.

    ``from package import submodule`` gives the submodule, with no name.
    """
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules():
                    yield alias.name, None, node, alias.asname or alias.name
        elif isinstance(node, ast.ImportFrom):
            source = resolve(name, node)
            if source not in modules():
                continue
            for alias in node.names:
                local = alias.asname or alias.name
                if f"{source}.{alias.name}" in modules():
                    yield f"{source}.{alias.name}", None, node, local
                else:
                    yield source, alias.name, node, local


def is_private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def private_module_owner(name: str) -> str | None:
    """The package a private module belongs to (None: the module is public)."""
    parts = name.split(".")
    for i, part in enumerate(parts):
        if is_private(part):
            return ".".join(parts[:i])
    return None


# --------------------------------------------------------------------------- the checks


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for name in modules():
        skipped = type_checking_blocks(tree(name))
        for target, _, node, _ in imports(name):
            if node.lineno not in skipped and target != name:
                graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_structure_check_sees_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles():
    assert cycles(import_graph()) == []


def private_imports() -> list[str]:
    problems = []
    for name in modules():
        bound: dict[str, str] = {}  # local name -> package module it is bound to
        for target, imported, _, local in imports(name):
            owner = private_module_owner(target)
            if owner is not None and not (name == owner or name.startswith(owner + ".")):
                problems.append(f"{name} imports the private module {target}")
            if imported is not None and is_private(imported) and target != name:
                problems.append(f"{name} imports {target}.{imported}")
            if imported is None:
                bound[local] = target
        for node in ast.walk(tree(name)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in bound
                and is_private(node.attr)
            ):
                problems.append(f"{name} reads {bound[node.value.id]}.{node.attr}")
    return problems


def test_no_module_imports_another_modules_private_names():
    assert private_imports() == []


def exported(name: str) -> set[str] | None:
    for node in tree(name).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                return set(ast.literal_eval(node.value))  # type: ignore[arg-type]
    return None


def imports_outside_all() -> dict[str, list[str]]:
    """``{"module.name": [importing modules]}`` for names missing from their module's __all__."""
    found: dict[str, list[str]] = {}
    for name in modules():
        for target, imported, _, _ in imports(name):
            if imported is None or is_private(imported) or imported.startswith("__"):
                continue
            if private_module_owner(target) is not None:
                continue  # a private module's names are for its own package
            names = exported(target)
            if names is not None and imported not in names:
                key = f"{target.removeprefix('pinpoint_kpi_pandas.')}.{imported}"
                found.setdefault(key, []).append(name)
    return found


def test_names_imported_from_a_public_module_are_in_its_all():
    found = imports_outside_all()
    unexpected = {k: v for k, v in found.items() if k not in IMPORTS_OUTSIDE_ALL}
    stale = sorted(set(IMPORTS_OUTSIDE_ALL) - set(found))
    assert unexpected == {}, "add these names to their module's __all__"
    assert stale == [], "these imports are fine now: remove them from IMPORTS_OUTSIDE_ALL"


def test_every_public_module_lists_its_public_names():
    missing = {
        name.removeprefix("pinpoint_kpi_pandas.")
        for name in modules()
        if private_module_owner(name) is None
        and not name.endswith("__main__")
        and exported(name) is None
    }
    assert sorted(missing - set(MODULES_WITHOUT_ALL)) == []
    assert sorted(set(MODULES_WITHOUT_ALL) - missing) == [], "remove from MODULES_WITHOUT_ALL"


def test_no_module_is_over_500_lines():
    too_long = {}
    for path in modules().values():
        relative = path.relative_to(PACKAGE).as_posix()
        lines = len(path.read_text().splitlines())
        owner, allowed = LONG_MODULES.get(relative, (None, MAX_LINES))
        if lines > allowed:
            too_long[relative] = lines
        elif owner is not None and lines <= MAX_LINES:
            too_long[relative] = f"{lines}: within {MAX_LINES} now, remove it from LONG_MODULES"
    assert too_long == {}


def complexities() -> dict[str, int]:
    found: dict[str, int] = {}
    for name, path in modules().items():
        short = name.removeprefix("pinpoint_kpi_pandas.")
        for block in radon_complexity.cc_visit(path.read_text()):
            functions = list(getattr(block, "methods", [block]))
            while functions:
                function = functions.pop()
                key = f"{short}.{function.fullname}"
                found[key] = max(found.get(key, 0), function.complexity)
                functions.extend(getattr(function, "closures", []))
    return found


def test_no_function_is_more_complex_than_20():
    too_complex = {}
    found = complexities()
    for key, complexity in found.items():
        _, allowed = COMPLEX_FUNCTIONS.get(key, (None, MAX_COMPLEXITY))
        if complexity > allowed:
            too_complex[key] = complexity
    for key in COMPLEX_FUNCTIONS:
        if found.get(key, 0) <= MAX_COMPLEXITY:
            too_complex[key] = "within 20 now (or gone): remove it from COMPLEX_FUNCTIONS"
    assert too_complex == {}


def contract_accesses(name: str) -> list[str]:
    """Reads of attrs['pinpoint'] and writes of attrs in a module."""
    found = []
    for node in ast.walk(tree(name)):
        owner: ast.expr | None
        key: ast.expr | None
        if isinstance(node, ast.Subscript):
            owner, key = node.value, node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value if node.func.attr == "get" else None
            key = node.args[0] if node.args else None
        else:
            continue
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr == "attrs"
            and isinstance(key, ast.Constant)
            and key.value == "pinpoint"
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:60]}")
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if ".attrs" in ast.unparse(target) or (
                    isinstance(target, ast.Attribute) and target.attr == "attrs"
                ):
                    found.append(f"line {node.lineno}: {ast.unparse(node)[:60]}")
    return found


def test_the_frame_contract_is_read_and_attrs_written_in_one_place():
    found = {}
    for name, path in modules().items():
        relative = path.relative_to(PACKAGE).as_posix()
        consumer = any(
            relative.removesuffix(".py") == c or relative.startswith(c + "/")
            for c in CONTRACT_CONSUMERS
        )
        if consumer and relative != CONTRACT_HOME and contract_accesses(name):
            found[relative] = contract_accesses(name)
    assert found == {}
    assert contract_accesses(module_name(PACKAGE / CONTRACT_HOME))  # the home does both


def private_attributes_read(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and node.attr not in DISPLAY_PROTOCOL
        ):
            found.add(node.attr)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "pinpoint_kpi_pandas"
        ):
            found.update(a.name for a in node.names if is_private(a.name))
            if private_module_owner(node.module or "") is not None:
                found.add(node.module or "")
    return found


def test_no_test_reads_a_private_attribute():
    found = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        relative = path.relative_to(TESTS).as_posix()
        owner, allowed = TESTS_READING_PRIVATE.get(relative, (None, set()))
        read = private_attributes_read(path)
        if read - allowed:
            found[relative] = sorted(read - allowed)
        elif owner is not None and not (read & allowed):
            found[relative] = "reads none now: remove it from TESTS_READING_PRIVATE"
    assert found == {}
