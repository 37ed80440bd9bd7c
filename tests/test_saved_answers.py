"""Issue 9: saved answers you can trust (windows, coverage, provisional days, bad files, damage).

Files are written exactly as the AWS CLI writes them (4-space indent, wire key order: see
``test_the_helper_writes_what_the_aws_cli_writes``); live reads go through the emulator.
"""

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import emulator as emulator_module
from pinpoint_kpi_pandas.errors import (
    BadFileError,
    BadFileWarning,
    CoverageWarning,
    InvalidArgumentError,
    MissingFromStoreError,
    ProvisionalDataWarning,
    StoreWarning,
    StoreWriteError,
)
from pinpoint_kpi_pandas.meta import FrameContract
from pinpoint_kpi_pandas.store import to_cli_shape

DELIVERIES = "successful-deliveries-grouped-by-campaign-activity"
RUN_KPIS = [
    "attempted-deliveries-grouped-by-campaign-activity",
    DELIVERIES,
    "successful-delivery-rate-grouped-by-campaign-activity",
]
OPERATIONS = {
    "application": ("get_application_date_range_kpi", "ApplicationDateRangeKpiResponse"),
    "campaign": ("get_campaign_date_range_kpi", "CampaignDateRangeKpiResponse"),
    "journey": ("get_journey_date_range_kpi", "JourneyDateRangeKpiResponse"),
}


def save(client, path, app_id, kpi, start, end, *, campaign=None):
    """Write one answer as ``aws pinpoint get-...-date-range-kpi ... > path`` writes it."""
    scope = "campaign" if campaign else "application"
    operation, member = OPERATIONS[scope]
    params = dict(ApplicationId=app_id, KpiName=kpi, StartTime=start, EndTime=end)
    if campaign:
        params["CampaignId"] = campaign
    answer = getattr(client, operation)(**params)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_cli_shape(answer, member), indent=4, ensure_ascii=False) + "\n")
    return path


def aws_cli():
    exe = Path(sys.executable).with_name("aws")
    return str(exe) if exe.exists() else shutil.which("aws")


def aws_cli_save(emulator, path, app_id, campaign, kpi, start, end):
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    out = subprocess.run(
        [aws_cli(), "pinpoint", "get-campaign-date-range-kpi", "--application-id", app_id,
         "--campaign-id", campaign, "--kpi-name", kpi, "--start-time", start, "--end-time", end,
         "--endpoint-url", emulator.endpoint_url, "--output", "json"],
        check=True, capture_output=True, text=True, env=env,
    ).stdout  # fmt: skip
    Path(path).write_text(out)
    return Path(path)


@pytest.fixture
def read(emulator):
    def read(*args, **kwargs):
        kwargs.setdefault("endpoint_url", emulator.endpoint_url)
        return ppk.read_pinpoint_kpi(*args, **kwargs)

    return read


@pytest.fixture
def newsletter(sample_app):
    return sample_app.campaign("Weekly Newsletter Email")


def kpi_calls(emu):
    return [r for r in emu.request_log if r.operation.endswith("DateRangeKpi")]


# --- windows: never added twice ---------------------------------------------------------------


@pytest.mark.skipif(aws_cli() is None, reason="the AWS CLI is not installed")
def test_the_helper_writes_what_the_aws_cli_writes(emulator, pinpoint_client, sample_app, tmp_path,
                                                   newsletter):  # fmt: skip
    window = ("2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z")
    cli = aws_cli_save(emulator, tmp_path / "cli.json", sample_app.id, newsletter.id, DELIVERIES,
                       *window)  # fmt: skip
    ours = save(pinpoint_client, tmp_path / "ours.json", sample_app.id, DELIVERIES, *window,
                campaign=newsletter.id)  # fmt: skip
    assert cli.read_bytes() == ours.read_bytes()


@pytest.mark.skipif(aws_cli() is None, reason="the AWS CLI is not installed")
def test_overlapping_saved_windows_are_kept_apart_and_reported(emulator, sample_app, tmp_path,
                                                                newsletter):  # fmt: skip
    # the case: September, and its second half, of the Weekly Newsletter's deliveries
    month = aws_cli_save(emulator, tmp_path / "september.json", sample_app.id, newsletter.id,
                         DELIVERIES, "2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z")  # fmt: skip
    half = aws_cli_save(emulator, tmp_path / "late-september.json", sample_app.id, newsletter.id,
                        DELIVERIES, "2026-09-16T00:00:00Z", "2026-09-30T23:59:59Z")  # fmt: skip
    with pytest.warns(CoverageWarning, match="overlap") as caught:
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    assert str(month) in str(caught[0].message) and str(half) in str(caught[0].message)
    assert df.index.names == ["CampaignId", "Window", "CampaignActivityId"]
    assert df.index.get_level_values("Window").nunique() == 2  # never merged
    contract = FrameContract.from_frame(df)
    assert contract.combined == {DELIVERIES: "kept apart"}
    ((first, second),) = contract.overlaps()
    assert {first.source, second.source} == {str(month), str(half)}
    assert (first.first_day.day, second.first_day.day) == (1, 16)
    table = ppk.inventory(tmp_path)
    assert table["status"].tolist() == ["overlaps", "overlaps"]
    assert (
        "late-september.json" in table.loc[1, "reason"]
        or "september.json" in table.loc[1, "reason"]
    )


def test_a_cache_holding_a_monthly_and_a_daily_window_is_kept_apart(read, sample_app, tmp_path,
                                                                     newsletter):  # fmt: skip
    kpi = "clicks-grouped-by-campaign-activity"
    month = read(sample_app.id, kpi, "2026-09-01", "2026-09-30", campaign_id=[newsletter.id],
                 cache=tmp_path)  # fmt: skip
    read(sample_app.id, kpi, "2026-09-15", "2026-09-15", campaign_id=[newsletter.id],
         cache=tmp_path)  # fmt: skip
    with pytest.warns(CoverageWarning, match="overlap"):
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    assert df.index.get_level_values("Window").nunique() == 2
    whole = df.xs("2026-09-01T00:00:00Z/2026-09-30T23:59:59Z", level="Window")
    pd.testing.assert_frame_equal(whole, month, check_names=False)
    assert len(FrameContract.from_frame(df).overlaps()) == 1


# --- additive counts are summed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "scope"),
    [
        ("attempted-deliveries-grouped-by-campaign-activity", "campaign"),
        ("successful-deliveries-grouped-by-campaign-activity", "campaign"),
        ("direct-email-opens-grouped-by-campaign-activity", "campaign"),
        ("clicks-grouped-by-campaign-activity", "campaign"),
        ("txn-sms-sent-grouped-by-country", "application"),
        ("txn-sms-delivered-grouped-by-country", "application"),
        ("txn-sms-total-price-grouped-by-country", "application"),
    ],
)
def test_counts_over_more_than_31_days_are_summed_per_group_exactly(read, sample_app, newsletter,
                                                                    kpi, scope):  # fmt: skip
    ids = {"campaign_id": [newsletter.id]} if scope == "campaign" else {}
    span = ("2026-08-01", "2026-10-28")
    summed = read(sample_app.id, kpi, *span, **ids)
    windows = read(sample_app.id, kpi, *span, **ids, keep_windows=True)
    levels = [n for n in windows.index.names if n != "Window"]
    expected = windows.groupby(level=levels, sort=False).sum()
    pd.testing.assert_frame_equal(summed, expected)
    assert summed.attrs["pinpoint"]["combined"] == {kpi: "summed"}
    assert summed.attrs["pinpoint"]["requests"] == 3 * max(1, len(ids.get("campaign_id", [])))


def test_a_rate_read_with_its_counts_is_recomputed_from_the_summed_counts(read, sample_app,
                                                                          newsletter):  # fmt: skip
    df = read(sample_app.id, RUN_KPIS, "2026-08-01", "2026-10-28", campaign_id=newsletter.id)
    assert df.columns.tolist() == ["SuccessfulDeliveryRate", "SuccessfulDeliveries",
                                   "AttemptedDeliveries"]  # fmt: skip
    np.testing.assert_allclose(
        df["SuccessfulDeliveryRate"], df["SuccessfulDeliveries"] / df["AttemptedDeliveries"]
    )
    assert df["SuccessfulDeliveries"].dtype == np.int64


def test_files_whose_windows_tile_the_range_are_summed_like_a_live_read(read, pinpoint_client,
                                                                        sample_app, newsletter,
                                                                        tmp_path):  # fmt: skip
    windows = [("2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"),
               ("2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z"),
               ("2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z")]  # fmt: skip
    for kpi in RUN_KPIS:
        for start, end in windows:
            save(pinpoint_client, tmp_path / f"{kpi}-{start[:7]}.json", sample_app.id, kpi,
                 start, end, campaign=newsletter.id)  # fmt: skip
    saved = ppk.read_pinpoint_kpi_json(tmp_path)
    live = read(sample_app.id, RUN_KPIS, "2026-08-01", "2026-10-28", campaign_id=[newsletter.id])
    pd.testing.assert_frame_equal(saved, live)
    assert saved.attrs["pinpoint"]["combined"] == dict.fromkeys(RUN_KPIS, "summed")


@pytest.mark.parametrize(
    ("kpi", "reason"),
    [
        (
            "successful-delivery-rate-grouped-by-campaign-activity",
            "attempted-deliveries-grouped-by",
        ),
        ("unique-deliveries-grouped-by-campaign-activity", "distinct endpoints"),
        ("email-open-rate", "no standard count KPIs"),
    ],
)
def test_what_cannot_be_combined_is_refused_with_its_own_reason(
    read, emulator, sample_app, newsletter, kpi, reason
):
    emulator.clear_log()
    with pytest.raises(InvalidArgumentError, match=reason):
        read(sample_app.id, kpi, "2026-08-01", "2026-10-28", campaign_id=newsletter.id)
    assert not kpi_calls(emulator)


def test_an_average_is_refused_because_it_is_an_average(read, sample_app):
    with pytest.raises(InvalidArgumentError, match="it is an average"):
        read(sample_app.id, "txn-sms-average-price-grouped-by-country", "2026-08-01", "2026-10-28")


# --- fewest requests ------------------------------------------------------------------------


def test_62_days_take_two_requests_without_a_cache_and_calendar_months_with_one(
    read, emulator, sample_app, newsletter, tmp_path
):
    args = (sample_app.id, "unique-deliveries-grouped-by-date", "2026-08-01", "2026-10-01")
    emulator.clear_log()
    fewest = read(*args, campaign_id=newsletter.id)
    assert len(kpi_calls(emulator)) == 2  # ceil(62 / 31)
    starts = sorted(r.query["start-time"][:10] for r in kpi_calls(emulator))
    assert starts == ["2026-08-01", "2026-09-01"]  # (sent concurrently: any order)
    emulator.clear_log()
    months = read(*args, campaign_id=newsletter.id, cache=tmp_path)
    assert len(kpi_calls(emulator)) == 3  # August, September, October 1: reusable months
    pd.testing.assert_frame_equal(fewest, months)


# --- every asked id, one shape --------------------------------------------------------------


def test_a_campaign_without_rows_is_known_to_have_no_data(read, sample_app):
    quiet = sample_app.campaigns[0]  # a one-off campaign that sent in September
    assert quiet.activities[-1].start.month == 9
    ids = [c.id for c in sample_app.campaigns[:3]]
    df = read(sample_app.id, DELIVERIES, "2026-10-01", "2026-10-28", campaign_id=ids)
    assert quiet.id not in set(df.index.get_level_values("CampaignId"))
    contract = FrameContract.from_frame(df)
    assert contract.ids == tuple(ids)
    assert contract.ids_without_rows == (quiet.id,)
    assert df.attrs["pinpoint"]["ids_with_rows"] == [i for i in ids if i != quiet.id]


def test_one_campaigns_files_read_back_like_a_live_list_of_one(read, pinpoint_client, sample_app,
                                                               newsletter, tmp_path):  # fmt: skip
    save(pinpoint_client, tmp_path / "runs.json", sample_app.id, DELIVERIES,
         "2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z", campaign=newsletter.id)  # fmt: skip
    saved = ppk.read_pinpoint_kpi_json(tmp_path / "runs.json")
    live = read(sample_app.id, DELIVERIES, "2026-10-01", "2026-10-28", campaign_id=[newsletter.id])
    assert saved.index.names == ["CampaignId", "CampaignActivityId"]
    pd.testing.assert_frame_equal(saved, live)


# --- provisional days -----------------------------------------------------------------------


def test_a_read_ending_inside_the_services_day_is_provisional_until_refetched(tmp_path):
    kpi = "txn-emails-sent-grouped-by-date"
    args = ("2026-10-20", "2026-10-29T09:00:00Z")  # 09:00 on the service clock's own day
    with emulator_module.running(seed=0) as emu:  # clock 2026-10-29T12:00Z
        app = emu.world.applications[0]
        with pytest.warns(ProvisionalDataWarning, match="2026-10-29") as caught:
            first = ppk.read_pinpoint_kpi(app.id, kpi, *args, cache=tmp_path,
                                          endpoint_url=emu.endpoint_url)  # fmt: skip
        assert len([w for w in caught if w.category is ProvisionalDataWarning]) == 1
        assert first.attrs["pinpoint"]["provisional_days"] == ["2026-10-29"]
        (stored,) = tmp_path.rglob("*.json")
        assert stored.name.endswith(".asof-20261029T120000Z.provisional.json")
        emu.clear_log()
        with pytest.warns(ProvisionalDataWarning):
            ppk.read_pinpoint_kpi(app.id, kpi, *args, cache=tmp_path, endpoint_url=emu.endpoint_url)
        assert len(kpi_calls(emu)) == 1  # never served as final
    with pytest.warns(ProvisionalDataWarning):
        offline = ppk.read_pinpoint_kpi(app.id, kpi, *args, cache=tmp_path, offline=True)
    pd.testing.assert_frame_equal(offline, first)
    assert offline.attrs["pinpoint"]["provisional_days"] == ["2026-10-29"]
    later = emulator_module.running(seed=0, now="2026-10-31T12:00:00Z")
    with later as emu, warnings.catch_warnings():
        warnings.simplefilter("error")  # final now: no warning
        again = ppk.read_pinpoint_kpi(app.id, kpi, *args, cache=tmp_path,
                                      endpoint_url=emu.endpoint_url)  # fmt: skip
    day = pd.Timestamp("2026-10-29")
    assert again.loc[day, "TxnEmailsSent"] > first.loc[day, "TxnEmailsSent"]
    assert again.attrs["pinpoint"]["provisional_days"] == []
    assert [p.name for p in tmp_path.rglob("*.json")] == ["20261020T000000Z--20261029T090000Z.json"]


def test_saved_boto3_dumps_are_judged_by_their_date_header(pinpoint_client, sample_app, tmp_path):
    result = pinpoint_client.get_application_date_range_kpi(
        ApplicationId=sample_app.id, KpiName="txn-emails-sent-grouped-by-date",
        StartTime="2026-10-20T00:00:00Z", EndTime="2026-10-29T23:59:59Z",
    )  # fmt: skip
    (tmp_path / "dump.json").write_text(json.dumps(result, default=str))
    with pytest.warns(ProvisionalDataWarning, match="2026-10-29"):
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    assert df.attrs["pinpoint"]["provisional_days"] == ["2026-10-29"]
    assert ppk.inventory(tmp_path)["status"].tolist() == ["provisional"]


# --- files: any case, coverage, layout, bad files, groups -----------------------------------


def test_json_files_are_found_in_any_case(pinpoint_client, sample_app, tmp_path):
    ids = [c.id for c in sample_app.campaigns[1:3]]
    for name, cid in zip(["1-runs.json", "2-runs.JSON"], ids, strict=True):
        save(pinpoint_client, tmp_path / name, sample_app.id, DELIVERIES,
             "2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z", campaign=cid)  # fmt: skip
    for paths in (tmp_path, tmp_path / "*.json"):
        df = ppk.read_pinpoint_kpi_json(paths)
        assert df.index.get_level_values("CampaignId").unique().tolist() == ids
        assert len(df.attrs["pinpoint"]["files"]) == 2


def test_kpis_saved_for_different_days_are_flagged(pinpoint_client, sample_app, tmp_path):
    sent, delivered = "txn-emails-sent-grouped-by-date", "txn-emails-delivered-grouped-by-date"
    months = [("2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"),
              ("2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z"),
              ("2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z")]  # fmt: skip
    for kpi, count in ((sent, 2), (delivered, 3)):
        for start, end in months[:count]:
            save(pinpoint_client, tmp_path / f"{kpi}-{start[:7]}.json", sample_app.id, kpi,
                 start, end)  # fmt: skip
    with pytest.warns(CoverageWarning, match="cover different days") as caught:
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    message = str(caught[0].message)
    assert "2026-08-01..2026-09-30" in message and "2026-08-01..2026-10-28" in message
    assert df.loc["2026-10-01":, "TxnEmailsSent"].isna().all()
    contract = FrameContract.from_frame(df)
    assert contract.covered_days(sent)[-1].isoformat() == "2026-09-30"
    assert contract.covered_days(delivered)[-1].isoformat() == "2026-10-28"


def test_a_gap_between_saved_windows_is_reported(pinpoint_client, sample_app, tmp_path):
    kpi = "txn-emails-sent-grouped-by-date"
    for start, end in [("2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"),
                       ("2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z")]:  # fmt: skip
        save(pinpoint_client, tmp_path / f"{start[:7]}.json", sample_app.id, kpi, start, end)
    with pytest.warns(CoverageWarning, match=r"no answer covers 2026-09-01\.\.2026-09-30"):
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    (gap,) = FrameContract.from_frame(df).gaps()
    assert (gap.first_day.isoformat(), gap.last_day.isoformat()) == ("2026-09-01", "2026-09-30")


def test_a_cache_file_copied_over_another_is_reported_not_trusted(read, sample_app, newsletter,
                                                                  tmp_path):  # fmt: skip
    kpi = "unique-deliveries-grouped-by-date"
    read(sample_app.id, kpi, "2026-08-01", "2026-09-30", campaign_id=[newsletter.id],
         cache=tmp_path)  # fmt: skip
    august, september = sorted(tmp_path.rglob("*.json"))
    shutil.copyfile(august, september)  # a campaign-month would silently disappear
    with pytest.raises(BadFileError, match=r"path .* and its content disagree") as info:
        ppk.read_pinpoint_kpi_json(tmp_path)
    assert [path for path, _ in info.value.bad_files] == [str(september)]
    assert "window 2026-09-01T00:00:00Z/2026-09-30T23:59:59Z by its path" in str(info.value)
    with pytest.warns(BadFileWarning, match="20260901T000000Z"):
        rest = ppk.read_pinpoint_kpi_json(tmp_path, on_bad_file="warn")
    pd.testing.assert_frame_equal(rest, ppk.read_pinpoint_kpi_json(august))
    assert ppk.inventory(tmp_path)["status"].tolist() == ["ok", "bad"]


def export_folder(client, app, folder):
    """A realistic export folder: good answers, and the debris next to them."""
    good = []
    for campaign in app.campaigns[1:3]:
        path = folder / "runs" / f"{campaign.id}.json"
        window = ("2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z")
        good.append(save(client, path, app.id, DELIVERIES, *window, campaign=campaign.id))
    (folder / "runs" / "failed-download.json").write_bytes(b"")  # `aws ... > f.json` that failed
    (folder / "package.json").write_text('{"name": "dashboard", "version": "1.0.0"}')
    text = good[0].read_text()
    (folder / "runs" / "truncated.json").write_text(text[: len(text) // 3])
    return good


def test_bad_files_are_all_listed_and_can_be_skipped(pinpoint_client, sample_app, tmp_path):
    good = export_folder(pinpoint_client, sample_app, tmp_path)
    with pytest.raises(BadFileError) as info:
        ppk.read_pinpoint_kpi_json(tmp_path / "**" / "*.json")  # the README's one-liner
    message = str(info.value)
    assert "3 of 5 files" in message and "on_bad_file='warn'" in message
    reasons = dict(info.value.bad_files)
    assert "empty (0 bytes)" in reasons[str(tmp_path / "runs" / "failed-download.json")]
    assert "not a Pinpoint KPI response" in reasons[str(tmp_path / "package.json")]
    assert "not valid JSON" in reasons[str(tmp_path / "runs" / "truncated.json")]
    only_good = ppk.read_pinpoint_kpi_json(sorted(good))
    with pytest.warns(BadFileWarning) as caught:
        warned = ppk.read_pinpoint_kpi_json(tmp_path / "**" / "*.json", on_bad_file="warn")
    assert len(caught) == 1 and all(path in str(caught[0].message) for path in reasons)
    pd.testing.assert_frame_equal(warned, only_good)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        skipped = ppk.read_pinpoint_kpi_json(tmp_path, on_bad_file="skip")
    pd.testing.assert_frame_equal(skipped, only_good)
    assert {s["path"] for s in skipped.attrs["pinpoint"]["skipped_files"]} == set(reasons)
    with pytest.raises(InvalidArgumentError, match="on_bad_file must be"):
        ppk.read_pinpoint_kpi_json(tmp_path, on_bad_file="ignore")


def test_a_folder_mixing_scopes_lists_the_files_of_each(pinpoint_client, sample_app, tmp_path):
    runs = save(pinpoint_client, tmp_path / "runs.json", sample_app.id, DELIVERIES,
                "2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z",
                campaign=sample_app.campaigns[1].id)  # fmt: skip
    sent = save(pinpoint_client, tmp_path / "sent.json", sample_app.id,
                "txn-emails-sent-grouped-by-date", "2026-10-01T00:00:00Z",
                "2026-10-28T23:59:59Z")  # fmt: skip
    with pytest.raises(InvalidArgumentError, match="2 kinds of answers") as info:
        ppk.read_pinpoint_kpi_json(tmp_path)
    message = str(info.value)
    assert f"campaign scope, grouped by CampaignActivityId: {runs}" in message
    assert f"application scope, grouped by Date: {sent}" in message


def test_the_inventory_shows_what_a_folder_holds(pinpoint_client, sample_app, tmp_path):
    export_folder(pinpoint_client, sample_app, tmp_path)
    kpi = "txn-emails-sent-grouped-by-date"
    save(pinpoint_client, tmp_path / "sent-sep.json", sample_app.id, kpi,
         "2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z")  # fmt: skip
    shutil.copyfile(tmp_path / "sent-sep.json", tmp_path / "sent-sep2.json")
    table = ppk.inventory(tmp_path)
    assert table.columns.tolist() == list(ppk.saved.INVENTORY_COLUMNS)
    assert table.columns.tolist()[:3] == ["path", "scope", "application_id"]
    assert table.columns.tolist()[-2:] == ["status", "reason"]
    by_name = table.set_index(table["path"].map(lambda p: Path(p).name))
    assert by_name.loc["package.json", "status"] == "bad"
    assert by_name.loc["failed-download.json", "status"] == "bad"
    assert by_name.loc["sent-sep.json", "status"] == "ok"
    assert by_name.loc["sent-sep2.json", "status"] == "duplicate"
    assert "sent-sep.json (identical)" in by_name.loc["sent-sep2.json", "reason"]
    assert by_name.loc["sent-sep.json", "rows"] == 30
    assert str(table["start_time"].dtype) == "datetime64[ns, UTC]"
    ok = table.loc[table["status"] == "ok", "path"]
    assert ppk.read_pinpoint_kpi_json(ok[ok.str.contains("runs")]).shape[0] > 0


# --- damage never crashes a read ------------------------------------------------------------


def _truncate(path):
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def _deep(path):
    path.write_text("[" * 100_000 + "]" * 100_000)


def _wrong_types(path):
    saved = json.loads(path.read_text())
    inner = saved["CampaignDateRangeKpiResponse"]
    inner["KpiResult"]["Rows"][0]["Values"][0]["Value"] = 12.0  # a number, not a string
    path.write_text(json.dumps(saved, indent=4))


def _wrong_kpi(path):
    saved = json.loads(path.read_text())
    saved["CampaignDateRangeKpiResponse"]["KpiName"] = "unique-deliveries-grouped-by-date"
    path.write_text(json.dumps(saved, indent=4))


def _directory(path):
    path.unlink()
    (path / "inner").mkdir(parents=True)


DAMAGE = {
    "truncated": _truncate,
    "empty": lambda p: p.write_bytes(b""),
    "random bytes": lambda p: p.write_bytes(np.random.default_rng(0).bytes(300)),
    "deep nesting": _deep,
    "wrong types": _wrong_types,
    "wrong KPI": _wrong_kpi,
    "a directory": _directory,
}


@pytest.mark.parametrize("damage", DAMAGE, ids=str)
def test_damaged_cache_files_are_refetched_online_and_missing_offline(read, emulator, sample_app,
                                                                      newsletter, tmp_path,
                                                                      damage):  # fmt: skip
    args = (sample_app.id, "successful-delivery-rate-grouped-by-date", "2026-09-01", "2026-09-30")
    first = read(*args, campaign_id=newsletter.id, cache=tmp_path)
    (stored,) = tmp_path.rglob("*.json")
    DAMAGE[damage](stored)
    warned = pytest.warns(StoreWarning, match=str(stored.name))
    with warned, pytest.raises(MissingFromStoreError):
        read(*args, campaign_id=newsletter.id, cache=tmp_path, offline=True)
    emulator.clear_log()
    with pytest.warns(StoreWarning, match="refetched|not stored"):
        # a directory where the file goes cannot be replaced: the answer is kept, not stored
        again = read(*args, campaign_id=newsletter.id, cache=tmp_path, errors="warn")
    assert len(kpi_calls(emulator)) == 1
    pd.testing.assert_frame_equal(again, first)
    if damage == "a directory":  # with errors="raise", the frame is in the error raised
        with pytest.raises(StoreWriteError) as info:
            read(*args, campaign_id=newsletter.id, cache=tmp_path)
        pd.testing.assert_frame_equal(info.value.frame, first)


KILLED_WRITER = """
import os, signal, sys
import pinpoint_kpi_pandas as ppk
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # killed between write and rename
ppk.read_pinpoint_kpi(sys.argv[1], "txn-emails-sent-grouped-by-date", "2026-09-01", "2026-09-30",
                      cache=sys.argv[2], endpoint_url=sys.argv[3])
"""


def test_temp_files_of_a_killed_writer_are_removed_by_the_next_write(read, emulator, sample_app,
                                                                     tmp_path):  # fmt: skip
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, sample_app.id, str(tmp_path),
                             emulator.endpoint_url], env=env)  # fmt: skip
    assert killed.returncode == -9
    (temp,) = tmp_path.rglob("*.tmp")
    read(sample_app.id, "txn-emails-sent-grouped-by-date", "2026-08-01", "2026-08-31",
         cache=tmp_path)  # the next write to that folder  # fmt: skip
    assert not temp.exists() and not list(tmp_path.rglob("*.tmp"))
    assert len(list(tmp_path.rglob("*.json"))) == 1


def test_the_contract_is_json_serialisable_and_shared_not_copied(read, sample_app, tmp_path):
    df = read(sample_app.id, "unique-deliveries-grouped-by-date", "2026-08-01", "2026-10-28",
              campaign_id=[c.id for c in sample_app.campaigns[:3]], cache=tmp_path)  # fmt: skip
    attrs = df.attrs["pinpoint"]
    assert json.loads(json.dumps(attrs))["coverage"][0]["kpi_name"] == attrs["kpi_names"][0]
    derived = df.loc[df.index[:5]]
    assert derived.attrs["pinpoint"]["coverage"] is attrs["coverage"]  # not deep-copied again
    contract = FrameContract.from_frame(df)
    assert FrameContract.from_attrs(contract.to_attrs()) == contract
    assert len(contract.coverage) == 9 and {w.origin for w in contract.coverage} == {"api"}
    with pytest.raises(TypeError, match="read-only"):
        attrs["coverage"][0]["rows"] = 0
    pickled = pd.read_pickle(_pickled(df, tmp_path))
    assert FrameContract.from_frame(pickled) == contract


def _pickled(df, folder):
    path = folder / "frame.pkl"
    df.to_pickle(path)
    return path


# --- analysis: overlapping windows are never added; every asked id has a row ----------------


def test_total_and_compare_refuse_to_add_overlapping_windows(read, pinpoint_client, sample_app,
                                                             newsletter, tmp_path):  # fmt: skip
    month = save(pinpoint_client, tmp_path / "september.json", sample_app.id, DELIVERIES,
                 "2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z",
                 campaign=newsletter.id)  # fmt: skip
    half = save(pinpoint_client, tmp_path / "late-september.json", sample_app.id, DELIVERIES,
                "2026-09-16T00:00:00Z", "2026-09-30T23:59:59Z", campaign=newsletter.id)  # fmt: skip
    with pytest.warns(CoverageWarning):
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    with pytest.raises(InvalidArgumentError, match="would add windows that overlap") as info:
        df.pinpoint.total()  # used to give 179,130 deliveries where September had 126,396
    message = str(info.value)
    assert "2026-09-01T00:00:00Z/2026-09-30T23:59:59Z" in message and str(month) in message
    assert "2026-09-16T00:00:00Z/2026-09-30T23:59:59Z" in message and str(half) in message
    with pytest.raises(InvalidArgumentError, match="overlap"):
        df.pinpoint.compare(metric="SuccessfulDeliveries")
    live = read(sample_app.id, DELIVERIES, "2026-09-01", "2026-09-30", campaign_id=[newsletter.id])
    one = df.drop("2026-09-16T00:00:00Z/2026-09-30T23:59:59Z", level="Window")
    pd.testing.assert_series_equal(
        one.pinpoint.total()["SuccessfulDeliveries"], live.pinpoint.total()["SuccessfulDeliveries"]
    )


def test_a_cache_with_monthly_and_daily_windows_is_not_totalled_twice(
    read, sample_app, newsletter, tmp_path
):
    kpi = "clicks-grouped-by-campaign-activity"
    for start, end in [("2026-09-01", "2026-09-30"), ("2026-09-15", "2026-09-15")]:
        read(sample_app.id, kpi, start, end, campaign_id=[newsletter.id], cache=tmp_path)
    with pytest.warns(CoverageWarning):
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    with pytest.raises(InvalidArgumentError, match="counting their shared days twice"):
        df.pinpoint.total()  # used to count 3,194 clicks as 6,388


def test_totals_over_windows_with_a_gap_say_so(pinpoint_client, sample_app, newsletter, tmp_path):
    for start, end in [("2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"),
                       ("2026-10-01T00:00:00Z", "2026-10-28T23:59:59Z")]:  # fmt: skip
        save(pinpoint_client, tmp_path / f"{start[:7]}.json", sample_app.id, DELIVERIES, start,
             end, campaign=newsletter.id)  # fmt: skip
    with pytest.warns(CoverageWarning):
        df = ppk.read_pinpoint_kpi_json(tmp_path)
    assert df.attrs["pinpoint"]["combined"] == {DELIVERIES: "kept apart"}  # not a tiling
    with pytest.warns(CoverageWarning, match=r"no window covers 2026-09-01\.\.2026-09-30"):
        totals = df.pinpoint.total()
    assert totals["SuccessfulDeliveries"].iloc[0] == df["SuccessfulDeliveries"].sum()


def test_every_asked_campaign_has_a_row_in_totals_and_comparisons(read, sample_app):
    quiet = sample_app.campaigns[0]  # sent in September only
    ids = [c.id for c in sample_app.campaigns[:3]]
    kpis = [DELIVERIES, "attempted-deliveries-grouped-by-campaign-activity"]
    df = read(sample_app.id, kpis, "2026-10-01", "2026-10-28", campaign_id=ids)
    totals = df.pinpoint.total()
    assert totals.index.tolist() == ids
    assert totals.loc[quiet.id].isna().all()
    table = df.pinpoint.compare(metric="SuccessfulDeliveryRate")
    assert set(table.index) == set(ids)
    assert table.loc[quiet.id, "note"] == "no data in range"
    assert not table.loc[quiet.id, "baseline"]
    assert table.index[-1] == quiet.id  # after the campaigns with data


def test_plots_list_campaigns_without_data_and_draw_provisional_days_hollow(sample_app):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    quiet = sample_app.campaigns[0]
    ids = [c.id for c in sample_app.campaigns[:3]]
    with emulator_module.running(seed=0) as emu, pytest.warns(ProvisionalDataWarning):
        df = ppk.read_pinpoint_kpi(sample_app.id, "successful-delivery-rate-grouped-by-date",
                                   "2026-10-20", "2026-10-29", campaign_id=ids,
                                   endpoint_url=emu.endpoint_url)  # fmt: skip
    ax = df.pinpoint.plot(names={quiet.id: "One-off"})
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "One-off (no data)" in legend
    hollow = [line for line in ax.lines if line.get_markerfacecolor() == "white"]
    assert hollow and all(
        pd.Timestamp(x) == pd.Timestamp("2026-10-29") for line in hollow for x in line.get_xdata()
    )
    assert "hollow" in ax.get_xlabel()
    plt.close("all")


def test_the_inventory_command(capsys, pinpoint_client, sample_app, tmp_path):
    from pinpoint_kpi_pandas import cli

    export_folder(pinpoint_client, sample_app, tmp_path)
    status = cli.main(["inventory", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 1  # some files are bad
    assert "package.json" in out and "3 bad" in out and "2 ok" in out
    status = cli.main(["inventory", str(tmp_path / "runs" / "*.json"), "--csv"])
    table = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert status == 1 and table.columns.tolist() == list(ppk.saved.INVENTORY_COLUMNS)
