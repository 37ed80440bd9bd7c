"""docs/cli.md: every example runs, on the emulator, and prints what the page shows.

Each ``console`` block holds commands (``$ ...``) and the output they print (stdout, then
stderr). The emulator the page starts in another terminal is the session's emulator (seed 0,
the same world); ``| head -N`` and ``| tail -N`` keep the lines a shell would.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from pinpoint_kpi_pandas import cli

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
PAGE_URL = "http://127.0.0.1:4566"


def _examples():
    for block in BLOCK.findall(PAGE.read_text()):
        lines = block.splitlines()
        command, shown = lines[0], lines[1:]
        assert command.startswith("$ "), command
        yield command[2:], shown


EXAMPLES = list(_examples())


def test_the_page_has_examples_of_every_command():
    commands = {shlex.split(c)[1] for c, _ in EXAMPLES if c.startswith("pinpoint-kpi")}
    assert {"emulator", "kpis", "campaigns", "fetch", "compare"} <= commands


def _run(command, capsys):
    words = shlex.split(command)
    keep = None
    if "|" in words:
        at = words.index("|")
        tool, count = words[at + 1], int(words[at + 2].lstrip("-"))
        keep, words = (tool, count), words[:at]
    assert words[0] == "pinpoint-kpi"
    status = cli.main(words[1:])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    if keep is not None:
        lines = lines[: keep[1]] if keep[0] == "head" else lines[-keep[1] :]
    return status, [line.rstrip() for line in lines + err.splitlines()]


@pytest.mark.parametrize(
    ("command", "shown"),
    [e for e in EXAMPLES if not e[0].startswith(("pinpoint-kpi emulator", "export"))],
    ids=[c[:70] for c, _ in EXAMPLES if not c.startswith(("pinpoint-kpi emulator", "export"))],
)
def test_every_example_prints_what_the_page_shows(
    command, shown, emulator, capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL_PINPOINT", emulator.endpoint_url)
    if "--offline" in command:  # the store the example before filled
        _run(command.replace(" --offline", ""), capsys)
    status, printed = _run(command, capsys)
    assert printed == [line.rstrip() for line in shown]
    assert status == _documented_status(shown)


def _documented_status(shown):
    """The page's exit statuses: 0 done, 1 the service failed, 2 a usage error."""
    error = next((line for line in shown if ": error: " in line), None)
    if error is None:
        return 0
    return 1 if "requests failed" in error or "cannot reach Pinpoint" in error else 2


def test_the_emulator_example_prints_its_url_first():
    command, shown = next(e for e in EXAMPLES if e[0].startswith("pinpoint-kpi emulator"))
    assert shown == [PAGE_URL] and f"--port {PAGE_URL.rsplit(':', 1)[1]}" in command
