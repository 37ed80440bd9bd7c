"""The Examples sections of the emulator's and the CLI's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "pinpoint_kpi_pandas.cli",
    "pinpoint_kpi_pandas.emulator",
    "pinpoint_kpi_pandas.emulator.audiences",
    "pinpoint_kpi_pandas.emulator.clock",
    "pinpoint_kpi_pandas.emulator.counters",
    "pinpoint_kpi_pandas.emulator.faults",
    "pinpoint_kpi_pandas.emulator.httpcore",
    "pinpoint_kpi_pandas.emulator.kpis",
    "pinpoint_kpi_pandas.emulator.model",
    "pinpoint_kpi_pandas.emulator.operations",
    "pinpoint_kpi_pandas.emulator.options",
    "pinpoint_kpi_pandas.emulator.payloads",
    "pinpoint_kpi_pandas.emulator.requestlog",
    "pinpoint_kpi_pandas.emulator.rules",
    "pinpoint_kpi_pandas.emulator.sample",
    "pinpoint_kpi_pandas.emulator.server",
    "pinpoint_kpi_pandas.emulator.service",
    "pinpoint_kpi_pandas.emulator.tables",
    "pinpoint_kpi_pandas.emulator.traffic",
    "pinpoint_kpi_pandas.emulator.world",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0


def test_the_emulator_imports_nothing_heavy():
    """The emulator's own modules use the stdlib only (plus the stdlib-only catalog)."""
    import ast
    import pathlib
    import sys

    import pinpoint_kpi_pandas.emulator as package

    allowed = set(sys.stdlib_module_names) | {"pinpoint_kpi_pandas"}
    for path in pathlib.Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for module in names:
                assert module.split(".")[0] in allowed, f"{path.name} imports {module}"
