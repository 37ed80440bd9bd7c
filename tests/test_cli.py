"""The pinpoint-kpi subcommands fetch, campaigns, compare and demo, end to end on the emulator."""

from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import cli

RUN_COUNTS = [
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
]
DAILY = "successful-delivery-rate-grouped-by-date"


@pytest.fixture(autouse=True)
def _agg_backend(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture
def app(emulator):
    return emulator.world.applications[0]


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


def test_fetch_writes_csv_to_stdout(capsys, emulator, app):
    ids = [c.id for c in app.campaigns[:2]]
    status, out, err = _run(
        capsys, "fetch", app.id, DAILY, "--start", "2026-08-01", "--end", "2026-10-28",
        "--campaign", *ids, "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    got = pd.read_csv(io.StringIO(out), parse_dates=["Date"]).set_index(["CampaignId", "Date"])
    expected = ppk.read_pinpoint_kpi(
        app.id, DAILY, "2026-08-01", "2026-10-28", campaign_id=ids,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert got.index.get_level_values(0).unique().tolist() == ids
    pd.testing.assert_series_equal(
        got["SuccessfulDeliveryRate"], expected["SuccessfulDeliveryRate"], check_index_type=False
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_fetch_writes_files(capsys, emulator, app, tmp_path, suffix):
    path = tmp_path / f"runs{suffix}"
    campaign = app.campaign("Welcome Series Email").id
    status, out, err = _run(
        capsys, "fetch", app.id, *RUN_COUNTS, "--start", "2026-10-01", "--end", "2026-10-28",
        "--campaign", campaign, "--names", "-o", str(path), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    assert out == "" and f"to {path}" in err
    if suffix == ".csv":
        frame = pd.read_csv(path)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path).reset_index()
    else:
        frame = pd.DataFrame(json.loads(path.read_text()))
    assert set(frame["CampaignId"]) == {"Welcome Series Email"}
    assert {"SuccessfulDeliveries", "DirectEmailOpens", "CampaignActivityId"} <= set(frame.columns)
    assert (frame["DirectEmailOpens"] <= frame["SuccessfulDeliveries"]).all()


def test_fetch_offline_from_the_cache(capsys, emulator, app, tmp_path):
    args = ["fetch", app.id, DAILY, "--start", "2026-09-01", "--end", "2026-09-30",
            "--campaign", app.campaigns[1].id, "--cache", str(tmp_path)]  # fmt: skip
    status, online, err = _run(capsys, *args, "--endpoint-url", emulator.endpoint_url)
    assert status == 0, err
    status, offline, err = _run(capsys, *args, "--offline")
    assert status == 0, err
    assert offline == online
    status, _, err = _run(capsys, *args[:-2], "--cache", str(tmp_path / "empty"), "--offline")
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and "offline" in err


def test_campaigns_lists_names(capsys, emulator, app):
    status, out, err = _run(capsys, "campaigns", app.id, "--endpoint-url", emulator.endpoint_url)
    assert status == 0, err
    for campaign in app.campaigns:
        assert campaign.id in out and campaign.name in out
    status, out, _ = _run(
        capsys, "campaigns", app.id, "--journeys", "--csv", "--endpoint-url", emulator.endpoint_url
    )
    assert status == 0
    listed = pd.read_csv(io.StringIO(out))
    assert sorted(listed["Name"]) == sorted(j.name for j in app.journeys)


def test_compare_prints_a_table_and_writes_a_png(capsys, emulator, app, tmp_path):
    png, table_csv = tmp_path / "open.png", tmp_path / "open.csv"
    email = [c.id for c in app.campaigns if c.channel == "EMAIL"]
    status, out, err = _run(
        capsys, "compare", app.id, *RUN_COUNTS, "--start", "2026-08-01", "--end", "2026-10-29",
        "--campaign", *email, "--metric", "EmailOpenRate", "--baseline", "Weekly Newsletter Email",
        "--png", str(png), "--csv", str(table_csv), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Email open rate vs Weekly Newsletter Email (95% Wilson")
    assert len(lines) == 2 + len(email)
    assert any("baseline" in line and "Weekly Newsletter Email" in line for line in lines[2:])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(table_csv, index_col=0)
    assert table.loc["Weekly Newsletter Email", "baseline"]
    # 90 days were read as three windows and combined: the counts are the 90-day sums
    direct = ppk.read_pinpoint_kpi(
        app.id, RUN_COUNTS, "2026-08-01", "2026-10-29", campaign_id=email, keep_windows=True,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    welcome = app.campaign("Welcome Series Email").id
    assert table.loc["Welcome Series Email", "DirectEmailOpens"] == (
        direct.loc[welcome, "DirectEmailOpens"].sum()
    )


def test_compare_refuses_what_cannot_be_combined(capsys, emulator, app):
    status, _, err = _run(
        capsys, "compare", app.id, "email-open-rate-grouped-by-campaign-activity",
        "--start", "2026-08-01", "--end", "2026-10-29", "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert "direct-email-opens-grouped-by-campaign-activity" in err


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


def test_demo_in_process(capsys, tmp_path):
    status, out, err = _run(capsys, "demo", "--output", str(tmp_path / "demo"))
    assert status == 0, err
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


def test_fetch_keep_windows_and_its_refusal_without(capsys, emulator, app):
    campaign = app.campaign("Weekly Newsletter Email").id
    # a unique count: its windows cannot be added (counts are summed instead, issue 9)
    args = ("fetch", app.id, "unique-deliveries-grouped-by-campaign-activity",
            "--start", "2026-08-01", "--end", "2026-10-28", "--campaign", campaign,
            "--endpoint-url", emulator.endpoint_url)  # fmt: skip
    status, out, err = _run(capsys, *args)
    assert status == 2 and "keep_windows=True" in err and len(err.strip().splitlines()) == 1
    status, out, err = _run(capsys, *args, "--keep-windows")
    assert status == 0, err
    got = pd.read_csv(io.StringIO(out))
    assert got.columns.tolist() == [
        "CampaignId",
        "Window",
        "CampaignActivityId",
        "UniqueDeliveries",
    ]
    assert got["Window"].nunique() == 3


def test_compare_without_dates_and_within_31_days_needs_no_windows(capsys, emulator, app):
    email = [c.id for c in app.campaigns if c.channel == "EMAIL"]
    status, out, err = _run(
        capsys, "compare", app.id, *RUN_COUNTS, "--campaign", *email, "--metric", "EmailOpenRate",
        "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    status, out, err = _run(
        capsys, "compare", app.id, "unique-deliveries", "--start", "2026-09-15",
        "--end", "2026-10-10", "--campaign", *email, "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err  # 26 days: one exact answer per campaign, nothing to add up
    assert "Endpoint deliveries" in out


def test_compare_offline_takes_names_from_the_store(capsys, app, tmp_path):
    from pinpoint_kpi_pandas import emulator as emulator_module

    email = [c.id for c in app.campaigns if c.channel == "EMAIL"]
    args = ("compare", app.id, *RUN_COUNTS, "--start", "2026-08-01", "--end", "2026-10-29",
            "--metric", "EmailOpenRate", "--cache", str(tmp_path))  # fmt: skip
    with emulator_module.running(seed=0) as emu:
        ppk.list_campaigns(app.id, cache=tmp_path, endpoint_url=emu.endpoint_url)
        status, online, err = _run(capsys, *args, "--campaign", *email,
                                   "--endpoint-url", emu.endpoint_url)  # fmt: skip
        assert status == 0, err
        url = emu.endpoint_url
    # the server is gone: everything, names included, comes from the store (October ends on
    # the emulator's clock day, so those answers are provisional, and said so once)
    with pytest.warns(ppk.errors.ProvisionalDataWarning, match="12 answers of this frame hold"):
        status, offline, err = _run(capsys, *args, "--campaign", *email, "--offline",
                                    "--endpoint-url", url)  # fmt: skip
    assert status == 0, err
    assert offline == online and "Welcome Series Email" in offline


def test_compare_with_only_a_start_within_31_days_needs_no_windows(
    capsys, emulator, app, monkeypatch
):
    from datetime import UTC, datetime

    from pinpoint_kpi_pandas import plan

    class EmulatorClock(datetime):  # "now" is the emulator's frozen clock, for the CLI and reader
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 10, 29, 12, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(plan, "datetime", EmulatorClock)
    email = [c.id for c in app.campaigns if c.channel == "EMAIL"]
    # 2026-09-30 to now: 30 days across a month boundary; one exact answer per campaign
    status, out, err = _run(
        capsys, "compare", app.id, "unique-deliveries", "--start", "2026-09-30",
        "--campaign", *email, "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    assert "Endpoint deliveries" in out
