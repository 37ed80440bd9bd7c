"""What every pinpoint-kpi command shares: help, argument errors, service errors."""

from __future__ import annotations

import pytest

from pinpoint_kpi_pandas import cli

DAILY = "successful-delivery-rate-grouped-by-date"


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", ["fetch", "campaigns", "compare", "demo", "emulator"])
def test_every_subcommand_has_help(capsys, command):
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--help"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: pinpoint-kpi {command}")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["fetch", "a" * 32, DAILY, "--bogus"], "unrecognized arguments"),
        (["fetch", "a" * 32], "required: KPI"),
        (["fetch", "a" * 32, "not-a-kpi"], "not a standard Pinpoint KPI"),
        (["fetch", "a" * 32, DAILY, "--start", "yesterday-ish"], "start"),
        (["fetch", "a" * 32, DAILY, "-o", "out.xlsx"], ".csv, .parquet, .json"),
        (["fetch", "a" * 32, DAILY, "--campaign", "x", "--journey", "y"], "not allowed with"),
        (["compare", "a" * 32, DAILY, "--alpha", "2"], "--alpha"),
        (["nope"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, expected):
    try:
        status = cli.main(argv)
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err


def test_service_errors_exit_1_with_one_line_and_debug_shows_the_traceback(capsys, emulator):
    argv = ["fetch", "f" * 32, DAILY, "--start", "2026-10-01", "--end", "2026-10-28",
            "--endpoint-url", emulator.endpoint_url]  # fmt: skip
    status, out, err = _run(capsys, *argv)
    assert status == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("pinpoint-kpi fetch: error:") and "NotFound" in err
    status, _, err = _run(capsys, *argv, "--debug")
    assert status == 1
    assert "Traceback (most recent call last)" in err


def test_version(capsys):
    from pinpoint_kpi_pandas import __version__

    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"pinpoint-kpi {__version__}"


@pytest.mark.parametrize("command", [["kpis"], ["kpis", "--csv"]])
def test_a_closed_pipe_ends_quietly(command):
    import subprocess
    import sys

    # `| head`: the reader has gone before the table is written; no "Broken pipe", no traceback
    writer = subprocess.Popen(
        [sys.executable, "-m", "pinpoint_kpi_pandas.cli", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert writer.stdout is not None
    writer.stdout.close()
    _, err = writer.communicate(timeout=60)
    assert err == b""
    assert writer.returncode == 0


def test_the_emulator_on_a_taken_port_exits_1_naming_the_flag(capsys, emulator):
    port = emulator.endpoint_url.rsplit(":", 1)[1]
    status = cli.main(["emulator", "--port", port, "--quiet"])
    _, err = capsys.readouterr()
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and f"port {port}" in err and "--port" in err


def test_the_one_line_summary_counts_every_failure_after_the_first(capsys, emulator, app):
    # two unknown campaigns over six months: 12 requests, all failing; the message lists 10 and
    # ends "... and 2 more", which stands for two failures, not one line
    unknown = ["a" * 32, "b" * 32]
    status, out, err = _run(
        capsys, "fetch", app.id, DAILY, "--campaign", ",".join(unknown),
        "--start", "2026-04-01", "--end", "2026-09-30", "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 1 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "12 of 12 Pinpoint requests failed" in err
    assert "(and 11 more; --debug shows all)" in err


RANGE = ["--start", "2026-10-01", "--end", "2026-10-28"]


@pytest.mark.parametrize(
    "argv",
    [
        # a KPI request for an unknown campaign, and listings of an unknown project
        ["fetch", "{app}", DAILY, "--campaign", "a" * 32, *RANGE],
        ["fetch", "f" * 32, DAILY, "--campaign", "all", *RANGE],
        ["campaigns", "f" * 32],
    ],
)
def test_a_service_message_and_the_advice_after_it_have_one_full_stop(capsys, emulator, app, argv):
    # the emulator's messages end with a full stop, as Pinpoint's do
    argv = [part.format(app=app.id) for part in argv]
    status, _, err = _run(capsys, *argv, "--endpoint-url", emulator.endpoint_url)
    assert status == 1
    assert "does not exist. Check the ids" in err, err
    assert ".." not in err


def test_a_warning_says_what_to_do_in_command_line_words(capsys, emulator, app):
    # the emulator's clock stands on 2026-10-29: that day is provisional
    status, _, err = _run(
        capsys, "fetch", app.id, DAILY, "--campaign", app.campaigns[1].id,
        "--start", "2026-10-20", "--end", "2026-10-29", "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    (line,) = err.splitlines()
    assert line.startswith("pinpoint-kpi fetch: warning: 1 answer of this table holds 1 day")
    assert "Run the command again later (a --cache store refetches" in line
    assert "attrs" not in line and "df." not in line


def _messages_naming_frame_attributes():
    """Every string of the library's code (not docstrings) that points into ``df.attrs``."""
    import ast
    from pathlib import Path

    import pinpoint_kpi_pandas

    root = Path(pinpoint_kpi_pandas.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "df.attrs[" in node.value
                and id(node) not in docstrings
            ):
                yield f"{path.relative_to(root)}:{node.lineno}", node.value


# Messages of Python-only calls no command makes: label() without names= on a frame without ids.
PYTHON_ONLY = {"analysis/_labels.py"}


def test_no_message_a_command_can_print_names_a_frame_attribute():
    from pinpoint_kpi_pandas.cli import to_flags

    found = dict(_messages_naming_frame_attributes())
    assert len(found) >= 5  # the scan sees the messages (provisional days, coverage, failures)
    for where, message in found.items():
        if where.split(":")[0] not in PYTHON_ONLY:
            assert "attrs[" not in to_flags(message), (where, to_flags(message))
