"""pinpoint-kpi compare, end to end on the emulator."""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import cli

RUN_COUNTS = [
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
]


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


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
    with pytest.warns(ppk.store.StoreWarning, match="12 stored answers are provisional"):
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
