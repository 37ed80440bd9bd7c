"""pinpoint-kpi compare, end to end on the emulator."""

from __future__ import annotations

import pandas as pd

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
        "--campaign", ",".join(email), "--metric", "EmailOpenRate",
        "--baseline", "Weekly Newsletter Email",
        "--png", str(png), "--csv", str(table_csv), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Email open rate vs Weekly Newsletter Email (95% Wilson")
    assert len(lines) == 2 + len(email)
    assert any("baseline" in line and "Weekly Newsletter Email" in line for line in lines[2:])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the CSV keeps the ids (to join on) with the names beside them
    table = pd.read_csv(table_csv, index_col="CampaignId")
    newsletter = app.campaign("Weekly Newsletter Email").id
    assert table.columns[0] == "CampaignName"
    assert table.loc[newsletter, "CampaignName"] == "Weekly Newsletter Email"
    assert table.loc[newsletter, "baseline"]
    # 90 days were read as three windows and combined: the counts are the 90-day sums
    direct = ppk.read_pinpoint_kpi(
        app.id, RUN_COUNTS, "2026-08-01", "2026-10-29", campaign_id=email, keep_windows=True,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    welcome = app.campaign("Welcome Series Email").id
    assert table.loc[welcome, "DirectEmailOpens"] == direct.loc[welcome, "DirectEmailOpens"].sum()


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
        capsys, "compare", app.id, *RUN_COUNTS, "--campaign", ",".join(email),
        "--metric", "EmailOpenRate",
        "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    status, out, err = _run(
        capsys, "compare", app.id, "unique-deliveries", "--start", "2026-09-15",
        "--end", "2026-10-10", "--campaign", ",".join(email),
        "--endpoint-url", emulator.endpoint_url,
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
        status, online, err = _run(capsys, *args, "--campaign", ",".join(email),
                                   "--endpoint-url", emu.endpoint_url)  # fmt: skip
        assert status == 0, err
        url = emu.endpoint_url
    # the server is gone: everything, names included, comes from the store (October ends on
    # the emulator's clock day, so those answers are provisional, and said so once)
    status, offline, err = _run(capsys, *args, "--campaign", ",".join(email), "--offline",
                                "--endpoint-url", url)  # fmt: skip
    assert status == 0, err
    # the library's warning, once, as one line on stderr
    warned = [line for line in err.splitlines() if ": warning: " in line]
    assert len(warned) == 1 and "12 answers of this table hold" in warned[0]
    assert warned[0].startswith("pinpoint-kpi compare: warning: ")
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
        "--campaign", ",".join(email), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    assert "Endpoint deliveries" in out


def _kpi_calls(emulator):
    return [r for r in emulator.request_log if r.kpi_name is not None]


def test_a_baseline_that_names_no_campaign_costs_no_kpi_request(capsys, emulator, app):
    # Names need the project's listing, so that one call is made; the KPIs are never read.
    email = [c.id for c in app.campaigns if c.channel == "EMAIL"]
    emulator.clear_log()
    status, out, err = _run(
        capsys, "compare", app.id, *RUN_COUNTS, "--start", "2026-08-01", "--end", "2026-10-29",
        "--campaign", ",".join(email), "--baseline", "Weekly Newsleter Email",
        "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 2 and out == ""
    assert "--baseline 'Weekly Newsleter Email'" in err and "'Weekly Newsletter Email'" in err
    assert _kpi_calls(emulator) == []
    assert {r.operation for r in emulator.request_log} == {"GetCampaigns"}


def test_a_baseline_among_all_campaigns_is_checked_against_the_listing(capsys, emulator, app):
    emulator.clear_log()
    status, _, err = _run(
        capsys, "compare", app.id, *RUN_COUNTS, "--no-names", "--baseline", "c" * 32,
        "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 2 and "--baseline" in err and app.campaigns[0].id in err  # ids, not names
    assert app.campaigns[0].name not in err
    assert _kpi_calls(emulator) == []


def test_a_rate_without_its_counts_is_refused_before_reading_or_averaged_if_asked(
    capsys, emulator, app
):
    argv = [
        "compare",
        app.id,
        "email-open-rate-grouped-by-campaign-activity",
        "--start",
        "2026-10-01",
        "--end",
        "2026-10-28",
        "--endpoint-url",
        emulator.endpoint_url,
    ]
    emulator.clear_log()
    status, out, err = _run(capsys, *argv)  # several runs per campaign: rates do not add up
    assert status == 2 and out == "" and "--unweighted-mean" in err
    assert "direct-email-opens-grouped-by-campaign-activity" in err
    assert _kpi_calls(emulator) == []
    status, out, err = _run(capsys, *argv, "--unweighted-mean")
    assert status == 0, err
    rows = out.splitlines()[2:]
    assert any("unweighted mean" in r for r in rows)
    notes = ("baseline", "unweighted mean", "no data in range")
    assert all(any(note in r for note in notes) for r in rows)


def test_a_table_that_cannot_be_written_is_kept_and_said_where(
    capsys, emulator, app, tmp_path, monkeypatch
):
    import os
    import re

    # The folder is writable when checked, and the disk fills up at the last step.
    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    target = tmp_path / "table.csv"
    email = [c.id for c in app.campaigns if c.channel == "EMAIL"]
    status, out, err = _run(
        capsys, "compare", app.id, *RUN_COUNTS, "--start", "2026-10-01", "--end", "2026-10-28",
        "--campaign", ",".join(email), "--csv", str(target), "--endpoint-url",
        emulator.endpoint_url,
    )  # fmt: skip
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and "No space left on device" in err
    rescued = re.search(r"the table is saved in (\S+)", err)
    assert rescued is not None, err
    saved = pd.read_csv(rescued.group(1), index_col=0)
    os.unlink(rescued.group(1))
    assert len(out.splitlines()) == 2 + len(saved)  # the table printed is the table saved
    assert not target.exists() and list(tmp_path.iterdir()) == []  # nothing half-written


def test_compare_without_names_shows_and_writes_ids(capsys, emulator, app, tmp_path):
    table_csv = tmp_path / "ids.csv"
    status, out, err = _run(
        capsys, "compare", app.id, *RUN_COUNTS, "--start", "2026-10-01", "--end", "2026-10-28",
        "--metric", "EmailOpenRate", "--no-names", "--csv", str(table_csv),
        "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    assert not any(c.name in out for c in app.campaigns)
    assert app.campaigns[3].id in out
    table = pd.read_csv(table_csv, index_col="CampaignId")
    assert "CampaignName" not in table.columns and len(table) == len(app.campaigns)


def test_compare_lists_a_campaign_without_rows_as_no_data(capsys, emulator, app, tmp_path):
    # Spring Sale Email sent nothing in October: a row says so, in the table and in the CSV
    csv = tmp_path / "runs.csv"
    status = cli.main([
        "compare", app.id, "successful-deliveries-grouped-by-campaign-activity",
        "attempted-deliveries-grouped-by-campaign-activity", "--start", "2026-10-01",
        "--end", "2026-10-28", "--csv", str(csv), "--endpoint-url", emulator.endpoint_url,
    ])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    (line,) = [line for line in out.splitlines() if line.startswith("Spring Sale Email")]
    assert line.endswith("no data in range")
    table = pd.read_csv(csv).set_index("CampaignName")
    assert table.loc["Spring Sale Email", "note"] == "no data in range"
    assert len(table) == 12


def test_compare_prints_money_in_dollars_and_the_csv_keeps_the_exact_amount_with_its_unit(
    capsys, emulator, app, tmp_path
):
    # Pinpoint reports SMS spend in millicents: the terminal shows dollars, as the chart does
    csv = tmp_path / "spend.csv"
    status = cli.main([
        "compare", app.id, "sms-spend", "--start", "2026-10-01", "--end", "2026-10-28",
        "--csv", str(csv), "--endpoint-url", emulator.endpoint_url,
    ])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    header = out.splitlines()[1]
    assert "Total SMS spend (USD)" in header
    table = pd.read_csv(csv)
    assert table.columns.tolist()[:5] == [
        "CampaignId", "CampaignName", "SmsSpend", "difference", "unit",
    ]  # fmt: skip
    assert set(table["unit"]) == {"millicents"}
    spent = table.dropna(subset=["SmsSpend"])
    assert len(spent) == 3  # the SMS campaigns
    for name, millicents in zip(spent["CampaignName"], spent["SmsSpend"], strict=True):
        assert millicents == int(millicents)  # the service's exact value
        (line,) = [line for line in out.splitlines() if line.startswith(name)]
        assert f"${millicents / 100_000:,.2f}" in line
        assert f"{millicents:,.0f}" not in line
