"""pinpoint-kpi fetch, end to end on the emulator."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import cli

RUN_COUNTS = [
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
]
DAILY = "successful-delivery-rate-grouped-by-date"


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_fetch_writes_csv_to_stdout(capsys, emulator, app):
    ids = [c.id for c in app.campaigns[:2]]
    status, out, err = _run(
        capsys, "fetch", app.id, DAILY, "--start", "2026-08-01", "--end", "2026-10-28",
        "--campaign", ",".join(ids), "--endpoint-url", emulator.endpoint_url,
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
    frame = _read_back(path)
    # --names adds the name beside the id (the id stays, to join on); key columns come first
    assert frame.columns.tolist() == [
        "CampaignId", "CampaignName", "CampaignActivityId", "DirectEmailOpens",
        "SuccessfulDeliveries",
    ]  # fmt: skip
    assert set(frame["CampaignId"]) == {campaign}
    assert set(frame["CampaignName"]) == {"Welcome Series Email"}
    assert (frame["DirectEmailOpens"] <= frame["SuccessfulDeliveries"]).all()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def _read_back(path):
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.DataFrame(json.loads(path.read_text()))


GAPPY = [*RUN_COUNTS, "direct-push-opens-grouped-by-campaign-activity"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_fetch_keeps_counts_integer_where_a_kpi_has_gaps(capsys, emulator, app, tmp_path, suffix):
    # email campaigns have no push opens and push campaigns no email opens: gaps in both
    path = tmp_path / f"gaps{suffix}"
    status, _, err = _run(
        capsys, "fetch", app.id, *GAPPY, "--start", "2026-10-01", "--end", "2026-10-28",
        "--campaign", "all", "-o", str(path), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    direct = ppk.read_pinpoint_kpi(
        app.id, GAPPY, "2026-10-01", "2026-10-28", campaign_id="all",
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert direct["DirectPushOpens"].isna().any() and direct["DirectEmailOpens"].isna().any()
    # the frame keeps the gappy counts integers too (nullable), and so does every file
    assert str(direct["DirectPushOpens"].dtype) == "Int64"
    if suffix == ".csv":
        text = path.read_text()
        assert ".0," not in text.replace("\n", ",")  # no count written as 10297.0
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
        assert schema.names[:2] == ["CampaignId", "CampaignActivityId"]  # keys first
        assert str(schema.field("DirectPushOpens").type) == "int64"
        assert str(schema.field("SuccessfulDeliveries").type) == "int64"
    else:
        rows = json.loads(path.read_text())
        pushes = [r["DirectPushOpens"] for r in rows]
        assert None in pushes and all(isinstance(v, int) for v in pushes if v is not None)
    back = _read_back(path).set_index(["CampaignId", "CampaignActivityId"])
    for column in direct.columns:
        assert back[column].astype("Float64").tolist() == direct[column].astype("Float64").tolist()


def test_fetch_json_keeps_every_digit_of_a_rate(capsys, emulator, app, tmp_path):
    path = tmp_path / "rates.json"
    ids = [c.id for c in app.campaigns[:2]]
    status, _, err = _run(
        capsys, "fetch", app.id, DAILY, "--start", "2026-10-01", "--end", "2026-10-28",
        "--campaign", ",".join(ids), "-o", str(path), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    rows = json.loads(path.read_text())
    direct = ppk.read_pinpoint_kpi(
        app.id, DAILY, "2026-10-01", "2026-10-28", campaign_id=ids,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert rows[0]["Date"] == "2026-10-01" and list(rows[0]) == [
        "CampaignId", "Date", "SuccessfulDeliveryRate"
    ]  # fmt: skip
    # bit for bit: the JSON's floats are the frame's floats (pandas' to_json kept 10 digits)
    assert [r["SuccessfulDeliveryRate"] for r in rows] == direct["SuccessfulDeliveryRate"].tolist()
    assert any(len(repr(r["SuccessfulDeliveryRate"])) > 12 for r in rows)


def test_fetch_names_refused_when_the_table_has_no_id_to_name(capsys, emulator, app):
    emulator.clear_log()
    status, out, err = _run(
        capsys, "fetch", app.id, "txn-emails-sent-grouped-by-date", "--names",
        "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 2 and out == "" and "--names" in err and "Date" in err
    assert len(emulator.request_log) == 0


@pytest.mark.parametrize(
    "order",
    [
        ["--campaign", "all", "APP", "KPI"],
        ["APP", "--campaign", "all", "KPI"],
        ["APP", "KPI", "--campaign", "all"],
        ["--start", "2026-10-01", "APP", "--campaign", "all", "KPI", "--end", "2026-10-28"],
    ],
    ids=["options-first", "between", "options-last", "mixed"],
)
def test_fetch_parses_positionals_whatever_the_option_order(capsys, emulator, app, order):
    dates = [] if "--start" in order else ["--start", "2026-10-01", "--end", "2026-10-28"]
    argv = [{"APP": app.id, "KPI": DAILY}.get(word, word) for word in order]
    status, out, err = _run(capsys, "fetch", *argv, *dates, "--endpoint-url", emulator.endpoint_url)
    assert status == 0, err
    got = pd.read_csv(io.StringIO(out))
    direct = ppk.read_pinpoint_kpi(
        app.id, DAILY, "2026-10-01", "2026-10-28", campaign_id="all",
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert len(got) == len(direct) > 0
    assert got["SuccessfulDeliveryRate"].tolist() == direct["SuccessfulDeliveryRate"].tolist()


def test_fetch_campaign_flag_repeats_or_takes_commas(capsys, emulator, app):
    a, b, c = [x.id for x in app.campaigns[:3]]
    common = [app.id, DAILY, "--start", "2026-10-01", "--end", "2026-10-07",
              "--endpoint-url", emulator.endpoint_url]  # fmt: skip
    _, commas, _ = _run(capsys, "fetch", *common, "--campaign", f"{a},{b},{c}")
    _, repeated, _ = _run(capsys, "fetch", *common, "--campaign", a, "--campaign", f"{b},{c}")
    assert commas == repeated
    direct = ppk.read_pinpoint_kpi(
        app.id, DAILY, "2026-10-01", "2026-10-07", campaign_id=[a, b, c],
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    got = pd.read_csv(io.StringIO(commas))["CampaignId"].unique().tolist()
    assert got == direct.index.get_level_values("CampaignId").unique().tolist()


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


def test_fetch_keep_windows_and_its_refusal_without(capsys, emulator, app):
    campaign = app.campaign("Weekly Newsletter Email").id
    # a unique count: its windows cannot be added (counts are summed instead, issue 9)
    args = ("fetch", app.id, "unique-deliveries-grouped-by-campaign-activity",
            "--start", "2026-08-01", "--end", "2026-10-28", "--campaign", campaign,
            "--endpoint-url", emulator.endpoint_url)  # fmt: skip
    status, out, err = _run(capsys, *args)
    # the library's message, with its argument names said as the flags
    assert status == 2 and "--keep-windows" in err and len(err.strip().splitlines()) == 1
    assert "keep_windows" not in err
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


def test_fetched_rows_survive_a_failed_write(capsys, emulator, app, tmp_path, monkeypatch):
    import os
    import re

    def disk_full(source, target):  # the folder was writable when checked; the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    target = tmp_path / "daily.parquet"
    status, out, err = _run(
        capsys, "fetch", app.id, DAILY, "--start", "2026-10-01", "--end", "2026-10-28",
        "--campaign", "all", "-o", str(target), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(target) in err
    rescued = re.search(r"the table is saved in (\S+\.parquet)", err)
    assert rescued is not None, err
    saved = pd.read_parquet(rescued.group(1))
    os.unlink(rescued.group(1))
    direct = ppk.read_pinpoint_kpi(
        app.id, DAILY, "2026-10-01", "2026-10-28", campaign_id="all",
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    assert saved["SuccessfulDeliveryRate"].tolist() == direct["SuccessfulDeliveryRate"].tolist()
    assert list(tmp_path.iterdir()) == []  # no half-written file under the name asked for


def test_fetch_names_of_all_campaigns_come_from_the_reads_own_listing(capsys, emulator, app):
    emulator.clear_log()
    status, out, err = _run(
        capsys, "fetch", app.id, *RUN_COUNTS, "--start", "2026-10-01", "--end", "2026-10-28",
        "--campaign", "all", "--names", "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    assert emulator.request_log.count("GetCampaigns") == 1  # listed once, by the read
    table = pd.read_csv(io.StringIO(out))
    by_id = {c.id: c.name for c in app.campaigns}
    assert table.columns[:2].tolist() == ["CampaignId", "CampaignName"]
    assert (table["CampaignId"].map(by_id) == table["CampaignName"]).all()


@pytest.mark.parametrize("suffix", [None, ".csv", ".parquet", ".json"])
def test_fetch_says_which_campaigns_asked_for_have_no_rows(capsys, emulator, app, tmp_path, suffix):
    # Spring Sale Email sent nothing in October: a flat table cannot show it, stderr says so
    spring = app.campaign("Spring Sale Email").id
    output = [] if suffix is None else ["-o", str(tmp_path / f"rates{suffix}")]
    status, out, err = _run(
        capsys, "fetch", app.id, DAILY, "--campaign", "all", "--start", "2026-10-01",
        "--end", "2026-10-28", *output, "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    notes = [line for line in err.splitlines() if "no data" in line]
    assert notes == [
        "pinpoint-kpi fetch: warning: 1 of the 12 campaigns read had no data from 2026-10-01 "
        "to 2026-10-28, so the table has no rows for it: Spring Sale Email "
        f"({spring})"
    ]
    # the table is as it was: the campaigns with rows, nothing added for the others
    table = (
        pd.read_csv(io.StringIO(out)) if suffix is None else _read_back(tmp_path / f"rates{suffix}")
    )
    assert table.columns.tolist() == ["CampaignId", "Date", "SuccessfulDeliveryRate"]
    assert spring not in set(table["CampaignId"]) and table["CampaignId"].nunique() == 11


def test_fetch_of_one_campaign_without_rows_says_so_in_the_singular(capsys, emulator, app):
    spring = app.campaign("Spring Sale Email").id
    status, _, err = _run(
        capsys, "fetch", app.id, DAILY, "--campaign", spring, "--start", "2026-10-01",
        "--end", "2026-10-28", "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    assert (
        "pinpoint-kpi fetch: warning: the one campaign read had no data from 2026-10-01 to "
        f"2026-10-28, so the table has no rows for it: {spring}"  # an id alone: no listing read
    ) in err.splitlines()


def test_fetch_caps_the_list_of_campaigns_without_rows(capsys, emulator, app):
    # six of the twelve campaigns sent nothing in the first days of August
    status, _, err = _run(
        capsys, "fetch", app.id, DAILY, "--campaign", "all", "--start", "2026-08-01",
        "--end", "2026-08-05", "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    notes = [line for line in err.splitlines() if "no data" in line]
    assert len(notes) == 1, err
    assert "6 of the 12 campaigns" in notes[0] and notes[0].endswith(" and 1 more")


def test_fetch_of_an_event_only_kpi_points_to_the_events_command(capsys, emulator, app):
    status, _, err = _run(
        capsys, "fetch", app.id, "clicks-grouped-by-date", "--campaign", "all",
        "--start", "2026-10-01", "--end", "2026-10-28", "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 2
    assert "Read it with `pinpoint-kpi events SOURCE APP KPI`, where SOURCE is" in err
    assert "read_pinpoint_events(" not in err


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_fetch_writes_money_as_the_whole_millicents_pinpoint_gives(
    capsys, emulator, app, tmp_path, suffix
):
    sms = app.campaign("Cart Reminder SMS").id
    target = tmp_path / f"spend{suffix}"
    status, _, err = _run(
        capsys, "fetch", app.id, "sms-spend", "--campaign", sms, "--start", "2026-08-01",
        "--end", "2026-10-28", "-o", str(target), "--endpoint-url", emulator.endpoint_url,
    )  # fmt: skip
    assert status == 0, err
    expected = ppk.read_pinpoint_kpi(
        app.id, "sms-spend", "2026-08-01", "2026-10-28", campaign_id=sms,
        endpoint_url=emulator.endpoint_url,
    )["SmsSpend"].iloc[0]  # fmt: skip
    written = _read_back(target)["SmsSpend"]
    assert written.dtype.kind == "i" and written.tolist() == [int(expected)]
    if suffix == ".csv":
        assert f",{int(expected)}\n" in target.read_text()  # no ".0"
