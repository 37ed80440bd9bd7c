"""read_pinpoint_kpi through the real boto3 client against the emulator."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas.errors import (
    AccessDeniedError,
    ArgumentTypeError,
    FetchError,
    InvalidArgumentError,
    KpiScopeError,
    PinpointKpiError,
    ServiceError,
    UnknownKpiError,
)

WINDOW = dict(start_time="2026-10-01", end_time="2026-10-28")


@pytest.fixture
def read(emulator):
    def read(*args, **kwargs):
        kwargs.setdefault("endpoint_url", emulator.endpoint_url)
        return ppk.read_pinpoint_kpi(*args, **kwargs)

    return read


def busiest_email(app):
    """The email campaign with the most runs (one-off campaigns have quiet months)."""
    return max((c for c in app.campaigns if c.channel == "EMAIL"), key=lambda c: len(c.activities))


def busiest(app, channel):
    return max((c for c in app.campaigns if c.channel == channel), key=lambda c: len(c.activities))


def scope_ids(app, scope, kpi_name=""):
    if scope == "campaign":
        channel = "PUSH" if "push" in kpi_name else "SMS" if "sms" in kpi_name else "EMAIL"
        return {"campaign_id": busiest(app, channel).id}
    if scope == "journey":
        return {"journey_id": app.journeys[0].id}
    return {}


def test_pandas_reader_is_registered_and_the_same_object():
    assert pd.read_pinpoint_kpi is ppk.read_pinpoint_kpi


def test_import_stays_light():
    code = (
        "import sys, pinpoint_kpi_pandas;"
        "heavy = [m for m in ('boto3', 'botocore', 'matplotlib', 'ipywidgets')"
        " if m in sys.modules];"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_foreign_pandas_attribute_is_left_alone_with_a_warning():
    code = (
        "import warnings, pandas as pd\n"
        "def theirs(): pass\n"
        "pd.read_pinpoint_kpi = theirs\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    import pinpoint_kpi_pandas\n"
        "assert pd.read_pinpoint_kpi is theirs\n"
        "assert any('left alone' in str(w.message) for w in caught), caught\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("kpi", catalog.kpis(), ids=lambda k: f"{k.scope}:{k.name}")
def test_every_catalog_kpi_at_every_scope(read, sample_app, kpi):
    df = read(sample_app.id, kpi.name, **WINDOW, **scope_ids(sample_app, kpi.scope, kpi.name))
    assert df.columns.tolist() == [kpi.value_key]
    if kpi.grouped_by is None:
        assert isinstance(df.index, pd.RangeIndex) and len(df) == 1
    else:
        assert df.index.names == [kpi.grouped_by]
        assert len(df) > 0
    if kpi.grouped_by == "Date":
        assert df.index.dtype == "datetime64[ns]"
        assert df.index.min() >= pd.Timestamp("2026-10-01")
        assert df.index.max() <= pd.Timestamp("2026-10-28")
    if kpi.kind in ("count", "unique_count"):
        assert df[kpi.value_key].dtype == np.int64
    else:
        assert df[kpi.value_key].dtype == np.float64
    if kpi.kind == "rate":
        assert df[kpi.value_key].between(0, 1).all()
    meta = df.attrs["pinpoint"]
    assert meta["kpi_names"] == [kpi.name] and meta["scope"] == kpi.scope
    assert meta["source"] == "api"
    assert meta["start_time"] == "2026-10-01T00:00:00Z"
    assert meta["end_time"] == "2026-10-28T23:59:59Z"


def test_75_days_of_a_date_grouped_kpi_give_75_distinct_days(read, sample_app, emulator):
    # transactional email flows every day, so every one of the 75 days has a row
    emulator.clear_log()
    df = read(sample_app.id, "txn-emails-sent-grouped-by-date", "2026-08-10", "2026-10-23")
    kpi_calls = [r for r in emulator.request_log if r.operation == "GetApplicationDateRangeKpi"]
    assert len(kpi_calls) == 3  # 31 + 31 + 13 days
    assert len(df) == df.index.nunique() == 75
    assert df.index.min() == pd.Timestamp("2026-08-10")
    assert df.index.max() == pd.Timestamp("2026-10-23")
    assert df.index.is_monotonic_increasing
    # the stitched days equal a direct one-window read of the same days
    direct = read(sample_app.id, "txn-emails-sent-grouped-by-date", "2026-09-05", "2026-09-20")
    pd.testing.assert_frame_equal(df.loc["2026-09-05":"2026-09-20"], direct)
    assert df.attrs["pinpoint"]["start_time"] == "2026-08-10T00:00:00Z"
    assert df.attrs["pinpoint"]["requests"] == 3


def test_a_list_of_campaigns_adds_a_leading_level_in_order(read, sample_app):
    ids = [c.id for c in sample_app.campaigns[:3]][::-1]
    df = read(
        sample_app.id,
        "successful-delivery-rate-grouped-by-date",
        "2026-08-01",
        "2026-10-28",
        campaign_id=ids,
    )
    assert df.index.names == ["CampaignId", "Date"]
    assert list(df.index.get_level_values("CampaignId").unique()) == ids
    for cid in ids:
        single = read(
            sample_app.id,
            "successful-delivery-rate-grouped-by-date",
            "2026-08-01",
            "2026-10-28",
            campaign_id=cid,
        )
        pd.testing.assert_frame_equal(df.xs(cid, level="CampaignId"), single)
    assert df.attrs["pinpoint"]["campaign_ids"] == ids


def test_a_single_value_kpi_over_a_list_of_campaigns_is_one_row_each(read, sample_app):
    ids = [c.id for c in sample_app.campaigns[:3]]
    df = read(sample_app.id, "successful-delivery-rate", **WINDOW, campaign_id=ids)
    assert df.index.names == ["CampaignId"] and df.index.tolist() == ids
    # the one-off campaign (sent in September) had no October data: kept, as missing
    quiet = sample_app.campaigns[0]
    assert quiet.activities[-1].start.month == 9
    assert pd.isna(df.loc[quiet.id, "SuccessfulDeliveryRate"])
    assert df.drop(index=quiet.id)["SuccessfulDeliveryRate"].between(0, 1).all()


def test_multi_kpi_frames_line_up(read, sample_app):
    email = busiest_email(sample_app)
    kpis = [
        "attempted-deliveries-grouped-by-campaign-activity",
        "successful-deliveries-grouped-by-campaign-activity",
        "successful-delivery-rate-grouped-by-campaign-activity",
    ]
    df = read(sample_app.id, kpis, **WINDOW, campaign_id=email.id)
    assert df.columns.tolist() == [  # catalog order, whatever the order asked
        "SuccessfulDeliveryRate",
        "SuccessfulDeliveries",
        "AttemptedDeliveries",
    ]
    assert df.index.name == "CampaignActivityId" and len(df) > 1
    np.testing.assert_allclose(
        df["SuccessfulDeliveryRate"], df["SuccessfulDeliveries"] / df["AttemptedDeliveries"]
    )
    assert df.attrs["pinpoint"]["columns"]["SuccessfulDeliveryRate"] == kpis[2]


def test_multi_kpi_over_many_campaigns_and_windows(read, sample_app):
    ids = [c.id for c in sample_app.campaigns[:2]]
    df = read(
        sample_app.id,
        ["successful-delivery-rate-grouped-by-date", "unique-deliveries-grouped-by-date"],
        "2026-08-01",
        "2026-10-28",
        campaign_id=ids,
    )
    assert df.index.names == ["CampaignId", "Date"]
    assert df.columns.tolist() == ["SuccessfulDeliveryRate", "UniqueDeliveries"]
    assert not df.index.has_duplicates


def test_default_window_is_the_services_preceding_31_days(read, sample_app):
    df = read(sample_app.id, "txn-emails-sent-grouped-by-date")
    meta = df.attrs["pinpoint"]
    assert meta["end_time"].startswith("2026-10-29")  # the emulator's frozen clock
    assert 28 <= len(df) <= 32


def test_endpoint_from_the_environment(emulator, sample_app, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_PINPOINT", emulator.endpoint_url)
    df = ppk.read_pinpoint_kpi(sample_app.id, "txn-sms-sent", **WINDOW)
    assert df["TxnSmsSent"].iloc[0] > 0


def test_a_ready_client_can_be_injected(pinpoint_client, sample_app):
    df = ppk.read_pinpoint_kpi(sample_app.id, "txn-emails-sent", **WINDOW, client=pinpoint_client)
    assert len(df) == 1


@pytest.mark.parametrize("backend", ["numpy_nullable", "pyarrow"])
def test_dtype_backend_through_the_reader(read, sample_app, backend):
    df = read(sample_app.id, "txn-emails-sent-grouped-by-date", **WINDOW, dtype_backend=backend)
    assert (
        str(df.dtypes.iloc[0]) == {"numpy_nullable": "Int64", "pyarrow": "int64[pyarrow]"}[backend]
    )


# --- bad input: refused before any request --------------------------------------------------

BAD_ARGUMENTS = [
    (dict(kpi_name="sucessful-delivery-rate"), UnknownKpiError, "successful-delivery-rate"),
    (dict(kpi_name="txn-emails-sent", campaign_id="c1"), KpiScopeError, "application scope"),
    (dict(campaign_id="c1", journey_id="j1"), InvalidArgumentError, "both given"),
    (dict(start_time="2026-09-10", end_time="2026-09-01"), InvalidArgumentError, "swap"),
    (dict(campaign_id=[]), InvalidArgumentError, "campaign_id is an empty list"),
    (dict(campaign_id="../apps"), InvalidArgumentError, "campaign_id='../apps' is not"),
    (dict(campaign_id=["ok", "a/b?x=1"]), InvalidArgumentError, r"campaign_id\[1\]"),
    (dict(application_id="app id"), InvalidArgumentError, "application_id"),
    (dict(application_id=12), ArgumentTypeError, "application_id must be a str"),
    (
        dict(kpi_name=["unique-deliveries", "unique-deliveries-grouped-by-date"], campaign_id="c1"),
        InvalidArgumentError,
        "different groupings",
    ),
    (
        dict(
            kpi_name="email-open-rate",
            campaign_id="c1",
            start_time="2026-08-01",
            end_time="2026-10-01",
        ),
        InvalidArgumentError,
        "at most 31",
    ),
    (
        dict(
            kpi_name="unique-deliveries",
            campaign_id="c1",
            start_time="2026-08-01",
            end_time="2026-10-01",
        ),
        InvalidArgumentError,
        "'unique-deliveries-grouped-by-date'",
    ),
    (dict(start_time=20260801), ArgumentTypeError, "start_time must be"),
    (dict(start_time="1st of May"), InvalidArgumentError, "start_time='1st of May'"),
    (dict(kpi_name=[]), InvalidArgumentError, "kpi_name is an empty list"),
    (dict(kpi_name=None), ArgumentTypeError, "kpi_name must be"),
    (dict(errors="ignore"), InvalidArgumentError, "errors must be"),
    (dict(max_workers=0), InvalidArgumentError, "max_workers"),
    (dict(max_rate=-1), InvalidArgumentError, "max_rate"),
    (dict(dtype_backend="arrow"), InvalidArgumentError, "dtype_backend"),
]


@pytest.mark.parametrize(("overrides", "error", "message"), BAD_ARGUMENTS)
def test_bad_input_is_refused_before_any_request(
    read, emulator, sample_app, overrides, error, message
):
    kwargs = dict(
        application_id=sample_app.id,
        kpi_name="successful-delivery-rate-grouped-by-date",
        start_time="2026-09-01",
        end_time="2026-09-10",
    )
    if "campaign_id" not in overrides and "journey_id" not in overrides:
        kwargs["campaign_id"] = sample_app.campaigns[0].id
    kwargs.update(overrides)
    emulator.clear_log()
    with pytest.raises(error, match=message) as info:
        read(**kwargs)
    assert isinstance(info.value, PinpointKpiError)
    assert isinstance(info.value, ValueError | TypeError)
    assert len(emulator.request_log) == 0


# --- service errors -------------------------------------------------------------------------


def test_service_errors_name_the_request_and_keep_the_botocore_cause(read, sample_app):
    with pytest.raises(FetchError) as info:
        read(sample_app.id, "unique-deliveries", **WINDOW, campaign_id="0" * 32)
    failure = info.value.failures[0]
    assert isinstance(failure, ServiceError) and failure.status == 404
    assert failure.code == "NotFoundException"
    assert "0" * 32 in str(failure) and "unique-deliveries" in str(failure)
    assert "2026-10-01T00:00:00Z" in str(failure)
    from botocore.exceptions import ClientError

    assert isinstance(failure.__cause__, ClientError)


def test_forbidden_says_how_to_check_credentials(emulator, sample_app):
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    unsigned = boto3.client(
        "pinpoint",
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )
    with pytest.raises(FetchError) as info:
        ppk.read_pinpoint_kpi(sample_app.id, "txn-emails-sent", **WINDOW, client=unsigned)
    failure = info.value.failures[0]
    assert isinstance(failure, AccessDeniedError) and failure.status == 403
    assert "aws sts get-caller-identity" in str(failure)


def test_the_services_own_rules_come_back_as_library_errors(read, sample_app):
    # 90-day rule: the library leaves it to the service's clock and reports the answer
    with pytest.raises(FetchError, match="BadRequestException"):
        read(sample_app.id, "txn-emails-sent", "2026-06-01", "2026-06-10")


# --- saved responses ------------------------------------------------------------------------


def aws_cli():
    exe = Path(sys.executable).with_name("aws")
    return str(exe) if exe.exists() else shutil.which("aws")


@pytest.mark.skipif(aws_cli() is None, reason="the AWS CLI is not installed")
def test_aws_cli_output_read_back_equals_the_live_frame(read, emulator, sample_app, tmp_path):
    ids = [c.id for c in sample_app.campaigns[:2]]
    windows = [
        ("2026-08-01T00:00:00Z", "2026-08-31T23:59:59Z"),
        ("2026-09-01T00:00:00Z", "2026-09-30T23:59:59Z"),
    ]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    for cid in ids:
        for start, end in windows:
            out = subprocess.run(
                [
                    aws_cli(),
                    "pinpoint",
                    "get-campaign-date-range-kpi",
                    "--application-id",
                    sample_app.id,
                    "--campaign-id",
                    cid,
                    "--kpi-name",
                    "unique-deliveries-grouped-by-date",
                    "--start-time",
                    start,
                    "--end-time",
                    end,
                    "--endpoint-url",
                    emulator.endpoint_url,
                    "--output",
                    "json",
                ],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
            # files named so their order is the order the ids were asked in
            (tmp_path / f"{ids.index(cid)}-{start[:10]}.json").write_text(out)
    live = read(
        sample_app.id,
        "unique-deliveries-grouped-by-date",
        "2026-08-01",
        "2026-09-30",
        campaign_id=ids,
    )
    saved = ppk.read_pinpoint_kpi_json(tmp_path / "*.json")
    pd.testing.assert_frame_equal(saved, live)
    assert saved.attrs["pinpoint"]["source"] == "file"
    assert len(saved.attrs["pinpoint"]["files"]) == 4


def test_boto3_dumps_with_default_str_read_back(pinpoint_client, read, sample_app, tmp_path):
    campaign = sample_app.campaigns[0]
    result = pinpoint_client.get_campaign_date_range_kpi(
        ApplicationId=sample_app.id,
        CampaignId=campaign.id,
        KpiName="successful-delivery-rate-grouped-by-campaign-activity",
        StartTime="2026-10-01T00:00:00Z",
        EndTime="2026-10-28T23:59:59Z",
    )
    (tmp_path / "dump.json").write_text(json.dumps(result, default=str))
    live = read(
        sample_app.id,
        "successful-delivery-rate-grouped-by-campaign-activity",
        **WINDOW,
        campaign_id=[campaign.id],  # one campaign's files read back like a list of one
    )
    pd.testing.assert_frame_equal(ppk.read_pinpoint_kpi_json(tmp_path), live)


def test_saved_windows_of_non_date_kpis_stay_apart(pinpoint_client, sample_app, tmp_path):
    campaign = busiest_email(sample_app)
    for start, end in [("2026-08-01", "2026-08-31"), ("2026-09-01", "2026-09-30")]:
        result = pinpoint_client.get_campaign_date_range_kpi(
            ApplicationId=sample_app.id,
            CampaignId=campaign.id,
            KpiName="unique-deliveries",
            StartTime=f"{start}T00:00:00Z",
            EndTime=f"{end}T23:59:59Z",
        )
        (tmp_path / f"{start}.json").write_text(json.dumps(result, default=str))
    df = ppk.read_pinpoint_kpi_json(tmp_path)
    assert df.index.names == ["CampaignId", "Window"]
    assert df.index.get_level_values("Window").tolist() == [
        "2026-08-01T00:00:00Z/2026-08-31T23:59:59Z",
        "2026-09-01T00:00:00Z/2026-09-30T23:59:59Z",
    ]
    assert df.attrs["pinpoint"]["combined"] == {"unique-deliveries": "kept apart"}


def test_a_day_saved_twice_with_different_values_names_both_files(tmp_path):
    def saved(value):
        return {
            "ApplicationDateRangeKpiResponse": {
                "ApplicationId": "a1",
                "KpiName": "txn-emails-sent-grouped-by-date",
                "StartTime": "2026-08-01T00:00:00Z",
                "EndTime": "2026-08-01T23:59:59Z",
                "KpiResult": {
                    "Rows": [
                        {
                            "GroupedBys": [
                                {"Key": "Date", "Type": "String", "Value": "2026-08-01"}
                            ],
                            "Values": [{"Key": "TxnEmailsSent", "Type": "Double", "Value": value}],
                        }
                    ]
                },
            }
        }

    (tmp_path / "one.json").write_text(json.dumps(saved("5.0")))
    (tmp_path / "two.json").write_text(json.dumps(saved("5.0")))
    assert ppk.read_pinpoint_kpi_json(tmp_path)["TxnEmailsSent"].tolist() == [5]
    (tmp_path / "three.json").write_text(json.dumps(saved("6.0")))
    with pytest.raises(ppk.errors.ConflictingDataError, match=r"one.json and .*three.json"):
        ppk.read_pinpoint_kpi_json(tmp_path)


def test_read_json_refuses_paths_that_match_nothing(tmp_path):
    with pytest.raises(InvalidArgumentError, match="matches no file"):
        ppk.read_pinpoint_kpi_json(tmp_path / "nothing-*.json")
    with pytest.raises(InvalidArgumentError, match=r"no \.json files"):
        ppk.read_pinpoint_kpi_json(tmp_path)


def test_keep_windows_reads_any_kpi_month_by_month_under_a_window_level(read, sample_app):
    ids = [c.id for c in sample_app.campaigns[1:3]]
    kpi = "successful-deliveries-grouped-by-campaign-activity"
    df = read(sample_app.id, kpi, "2026-08-10", "2026-10-28", campaign_id=ids, keep_windows=True)
    assert df.index.names == ["CampaignId", "Window", "CampaignActivityId"]
    windows = df.index.get_level_values("Window").unique().tolist()
    assert windows == [
        "2026-08-10T00:00:00Z/2026-08-31T23:59:59Z",
        "2026-09-01T00:00:00Z/2026-09-30T23:59:59Z",
        "2026-10-01T00:00:00Z/2026-10-28T23:59:59Z",
    ]
    september = read(sample_app.id, kpi, "2026-09-01", "2026-09-30", campaign_id=ids[0])
    pd.testing.assert_frame_equal(df.loc[(ids[0], windows[1])], september)
    assert df.attrs["pinpoint"]["keep_windows"] is True
    # a unique count cannot be combined over windows: refused, and the message offers
    # keep_windows (counts like this one are summed instead: see test_saved_answers.py)
    with pytest.raises(InvalidArgumentError, match="keep_windows=True"):
        read(sample_app.id, "unique-deliveries-grouped-by-campaign-activity", "2026-08-10",
             "2026-10-28", campaign_id=ids)  # fmt: skip


def test_offline_needs_a_store_and_a_closed_range_before_anything_is_looked_up(tmp_path):
    with pytest.raises(InvalidArgumentError, match="pass cache="):
        ppk.read_pinpoint_kpi("a1", "txn-emails-sent", "2026-10-01", "2026-10-28", offline=True)
    with pytest.raises(InvalidArgumentError, match="needs both start_time and end_time"):
        ppk.read_pinpoint_kpi("a1", "txn-emails-sent", "2026-10-01", cache=tmp_path, offline=True)


def test_all_campaigns_of_a_project_without_any_is_an_empty_frame_like_any_other(read, emulator):
    sandbox = next(a for a in emulator.world.applications if not a.campaigns)
    df = read(
        sandbox.id,
        "unique-deliveries-grouped-by-date",
        "2026-08-01",
        "2026-10-28",
        campaign_id="all",
    )
    assert df.empty and df.index.names == ["CampaignId", "Date"]
    assert df.columns.tolist() == ["UniqueDeliveries"]
    meta = df.attrs["pinpoint"]
    assert meta["campaign_ids"] == [] and meta["requests"] == 0
    assert meta["start_time"] == "2026-08-01T00:00:00Z"


def test_saved_kpis_come_back_in_catalog_order(pinpoint_client, sample_app, tmp_path):
    # file names sort "delivered" first; the catalog lists "with-complaints" first
    for kpi in [
        "txn-emails-delivered-grouped-by-date",
        "txn-emails-with-complaints-grouped-by-date",
    ]:
        result = pinpoint_client.get_application_date_range_kpi(
            ApplicationId=sample_app.id,
            KpiName=kpi,
            StartTime="2026-10-01T00:00:00Z",
            EndTime="2026-10-28T23:59:59Z",
        )
        (tmp_path / f"{kpi}.json").write_text(json.dumps(result, default=str))
    saved = ppk.read_pinpoint_kpi_json(tmp_path)
    order = [k.value_key for k in catalog.kpis("application")]
    assert saved.columns.tolist() == sorted(saved.columns, key=order.index)
    assert saved.columns.tolist() == ["TxnEmailsWithComplaints", "TxnEmailsDelivered"]


@pytest.mark.parametrize(
    "kpi", ["unique-deliveries", "successful-deliveries-grouped-by-campaign-activity"]
)
def test_an_empty_keep_windows_read_has_the_window_level_too(read, emulator, sample_app, kpi):
    sandbox = next(a for a in emulator.world.applications if not a.campaigns)
    span = ("2026-08-10", "2026-10-28")
    some = read(
        sample_app.id, kpi, *span, campaign_id=[sample_app.campaigns[0].id], keep_windows=True
    )
    none = read(sandbox.id, kpi, *span, campaign_id="all", keep_windows=True)
    assert none.empty and none.index.names == some.index.names
    assert none.index.names[:2] == ["CampaignId", "Window"]
    assert none.columns.tolist() == some.columns.tolist()
    # every request failed (errors="warn"), no id level: the Window level is still there
    one = read(sample_app.id, kpi, *span, campaign_id=sample_app.campaigns[0].id, keep_windows=True)
    with pytest.warns(ppk.reader.PartialResultWarning, match="3 of 3"):
        failed = read(sample_app.id, kpi, *span, campaign_id="f" * 32, keep_windows=True,
                      errors="warn")  # fmt: skip
    assert failed.empty and failed.index.names == one.index.names
    assert failed.index.names[0] == "Window"


@pytest.mark.parametrize(
    "content",
    [
        "{}",
        "[]",
        '{"CampaignsResponse": {}}',
        '{"CampaignsResponse": {"Item": {}}}',
        '{"CampaignsResponse": {"Item": ["c1"]}}',
        '{"CampaignsResponse": {"Item": [{"Name": "no id"}]}}',
        '{"CampaignsResponse": {"Item": [{"Id": 7}]}}',
        "not json",
    ],
)
def test_a_saved_listing_of_the_wrong_shape_is_treated_as_missing(
    emulator, sample_app, tmp_path, content
):
    listing = tmp_path / sample_app.id / "campaigns.json"
    listing.parent.mkdir()
    listing.write_text(content)
    warned = pytest.warns(ppk.store.StoreWarning, match="campaigns.json is corrupt")
    missing = pytest.raises(ppk.errors.MissingFromStoreError, match="campaigns listing")
    with warned, missing:
        ppk.list_campaigns(sample_app.id, cache=tmp_path, offline=True)
    warned = pytest.warns(ppk.store.StoreWarning, match="campaigns.json is corrupt")
    missing = pytest.raises(ppk.errors.MissingFromStoreError, match="campaigns listing")
    with warned, missing:
        ppk.read_pinpoint_kpi(sample_app.id, "unique-deliveries", **WINDOW, campaign_id="all",
                              cache=tmp_path, offline=True)  # fmt: skip
    # online, the listing is fetched again and saved whole
    online = ppk.list_campaigns(sample_app.id, cache=tmp_path, endpoint_url=emulator.endpoint_url)
    offline = ppk.list_campaigns(sample_app.id, cache=tmp_path, offline=True)
    pd.testing.assert_frame_equal(offline, online)
    assert len(online) == len(sample_app.campaigns)


@pytest.mark.parametrize("listing", [ppk.list_campaigns, ppk.list_journeys])
def test_offline_listings_need_a_store_like_the_reader(listing):
    with pytest.raises(InvalidArgumentError, match="pass cache=") as info:
        listing("a1", offline=True)
    with pytest.raises(InvalidArgumentError) as reader:
        ppk.read_pinpoint_kpi("a1", "txn-emails-sent", "2026-10-01", "2026-10-28", offline=True)
    assert str(info.value) == str(reader.value)


def test_a_multi_kpi_read_and_its_saved_answers_give_the_same_frame(read, sample_app, tmp_path):
    kpis = ["unique-deliveries-grouped-by-date", "successful-delivery-rate-grouped-by-date"]
    order = [k.name for k in catalog.kpis("campaign")]
    assert kpis != sorted(kpis, key=order.index)  # asked in non-catalog order
    ids = sorted(c.id for c in sample_app.campaigns[:3])  # files come back in id order
    live = read(sample_app.id, kpis, "2026-08-20", "2026-10-28", campaign_id=ids, cache=tmp_path)
    assert live.columns.tolist() == ["SuccessfulDeliveryRate", "UniqueDeliveries"]
    assert live.attrs["pinpoint"]["kpi_names"] == kpis[::-1]
    saved = ppk.read_pinpoint_kpi_json(tmp_path)
    pd.testing.assert_frame_equal(saved, live)
    assert saved.attrs["pinpoint"]["kpi_names"] == live.attrs["pinpoint"]["kpi_names"]
