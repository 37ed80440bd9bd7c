"""pinpoint-kpi demo, in process and as a real command."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pandas as pd

from pinpoint_kpi_pandas import cli


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_demo_in_process(capsys, tmp_path):
    status, out, err = _run(capsys, "demo", "--output", str(tmp_path / "demo"))
    assert status == 0, err
    # final days only (up to the day before the emulator's clock): nothing provisional to warn of
    assert err == ""
    assert "2026-08-01 to 2026-10-28" in out
    assert "Delivery rate vs" in out and "Email open rate vs" in out
    written = {p.name for p in (tmp_path / "demo").iterdir()}
    assert written == {
        "comparison.csv",
        "trend.png",
        "compare_delivery.png",
        "compare_open.png",
        "funnel.png",
        "calendar.png",
    }
    for name in written:
        assert str(tmp_path / "demo" / name) in out
    table = pd.read_csv(tmp_path / "demo" / "comparison.csv")
    assert set(table["metric"]) == {"SuccessfulDeliveryRate", "EmailOpenRate", "PushOpenRate"}
    assert table.groupby("metric")["baseline"].sum().eq(1).all()


def _console_script() -> list[str]:
    script = pathlib.Path(sys.executable).with_name("pinpoint-kpi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pinpoint_kpi_pandas.cli"]


def test_demo_as_a_real_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["MPLBACKEND"] = "Agg"
    result = subprocess.run(
        [*_console_script(), "demo", "--output", "out"],
        cwd=tmp_path,
        env=env,  # no AWS configuration at all: the demo needs none
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote 6 files to out/" in result.stdout
    for name in ("trend", "compare_delivery", "compare_open", "funnel", "calendar"):
        data = (tmp_path / "out" / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
