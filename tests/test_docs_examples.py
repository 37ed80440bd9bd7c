"""The documented examples as a reader runs them: each visible block needs only what the page
shows before it.

Sybil runs README.md and docs/*.md with hidden setup blocks (an emulator standing in for an AWS
account, saved files standing in for exports). A name only a hidden block defines passes there
and fails for the reader who copies the visible code, so every name a visible block uses must
be defined by a visible block before it (or be a builtin). Folders the examples read must be
made by a command the page gives.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _source(block: str) -> str:
    """A block's code; a doctest block (``>>>``) without its prompts and outputs."""
    if not block.lstrip().startswith(">>>"):
        return block
    lines = [line[4:] for line in block.splitlines() if line.startswith((">>> ", "... "))]
    return "\n".join(lines)


def _undefined(page: Path) -> list[tuple[int, str]]:
    """``(block number, name)`` for each name a visible block uses before any defines it."""
    defined = set(dir(builtins))
    found = []
    for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
        tree = ast.parse(_source(block))
        for node in ast.walk(tree):  # names bound anywhere in the block: assignments, imports,
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                defined.add(node.id)  # ... loops, with, function and class names, arguments
            elif isinstance(node, ast.alias):
                defined.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                defined.add(node.name)
        loads = [
            n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        ]
        found += sorted({(number, n.id) for n in loads if n.id not in defined})
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_name_a_visible_example_uses_is_shown_before(page):
    assert _undefined(page) == []


def test_the_folders_the_readme_reads_are_made_by_the_commands_it_gives(tmp_path, monkeypatch):
    """``exports/`` and ``firehose-archive/``, made as the README says, read as it shows."""
    import pinpoint_kpi_pandas as ppk
    from pinpoint_kpi_pandas import cli, emulator

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    flat = " ".join(line.lstrip("# ").strip() for line in text.splitlines())
    shown = "pinpoint-kpi fetch APP_ID KPI --campaign all --start 2026-10-01 --end 2026-10-28"
    assert f"{shown} --cache exports" in flat  # the range too: a store keeps fixed ranges only
    events = "pinpoint-kpi emulator --events firehose-archive --scale 0.01 --events-from 2026-09-25"
    assert events in text
    monkeypatch.chdir(tmp_path)
    assert cli.main(events.split()[1:]) == 0
    with emulator.running(seed=0) as emu:
        app = emu.world.applications[0].id
        fetch = ["fetch", app, "unique-deliveries-grouped-by-date", "--campaign", "all",
                 "--start", "2026-10-01", "--end", "2026-10-28", "--cache", "exports",
                 "--endpoint-url", emu.endpoint_url]  # fmt: skip
        assert cli.main(fetch) == 0
    assert len(ppk.read_pinpoint_kpi_json("exports/**/*.json"))
    kpi = "successful-deliveries-grouped-by-date"
    read = ppk.read_pinpoint_events("firehose-archive/", app, kpi, "2026-10-01", "2026-10-28")
    assert len(read)
