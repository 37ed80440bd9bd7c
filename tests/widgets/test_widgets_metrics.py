"""The dashboard compares rates with the counts behind them: intervals, tests, a baseline."""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import widgets

from .conftest import END, START

OPEN_RATE = "email-open-rate-grouped-by-campaign-activity"


@pytest.fixture
def email(app):
    return [c.id for c in app.campaigns if c.channel == "EMAIL"]


@pytest.fixture
def open_rates(emu, app, email):
    return widgets.compare_campaigns(
        app.id,
        kpi=OPEN_RATE,
        chart="compare",
        campaigns=email,
        start_time=START,
        end_time=END,
        endpoint_url=emu.endpoint_url,
    )


def test_email_open_rate_on_six_email_campaigns_has_intervals_and_tests(open_rates, email):
    assert len(email) == 6 and open_rates.error is None
    table = open_rates.table
    with_data = table[table["EmailOpenRate"].notna()]  # Spring Sale sent in September only
    assert len(with_data) >= 5
    assert with_data[["ci_low", "ci_high"]].notna().all().all()
    assert (with_data["ci_low"] <= with_data["EmailOpenRate"]).all()
    assert (with_data["EmailOpenRate"] <= with_data["ci_high"]).all()
    assert with_data["p_adjusted"].notna().sum() == len(with_data) - 1  # all but the baseline
    # the counts were read per campaign run and summed: the rate is their ratio
    ratio = with_data["DirectEmailOpens"] / with_data["SuccessfulDeliveries"]
    pd.testing.assert_series_equal(
        ratio.astype("float64"), with_data["EmailOpenRate"], check_names=False
    )
    # counts stay integers (nullable where a campaign had no data), never 4336.0
    assert str(table["DirectEmailOpens"].dtype) == "Int64"
    assert set(open_rates.frame.columns) == {
        "EmailOpenRate",
        "DirectEmailOpens",
        "SuccessfulDeliveries",
    }


def test_the_compare_chart_draws_the_intervals(open_rates):
    ax = open_rates.figure.axes[0]
    assert ax.collections, "no error bars drawn"
    segments = ax.collections[0].get_segments()
    assert len(segments) >= 5 and all(len(s) == 2 for s in segments)


def test_the_baseline_control_changes_the_table(open_rates, app, email):
    baseline = open_rates.controls["baseline"]
    assert [v for _, v in baseline.options] == ["", *email]
    first = open_rates.table["baseline"].idxmax()
    other = app.campaign("Back in Stock Email").id
    baseline.value = other
    assert open_rates.error is None
    assert open_rates.table["baseline"].idxmax() == "Back in Stock Email" != first
    assert open_rates.table.loc["Back in Stock Email", "difference"] == 0


def test_a_baseline_that_is_deselected_goes_back_to_the_first_with_data(open_rates, email):
    open_rates.controls["baseline"].value = email[3]
    open_rates.controls["campaigns"].value = tuple(email[:3])
    assert open_rates.controls["baseline"].value == ""
    assert open_rates.error is None


def test_a_baseline_without_data_is_refused_in_words_of_the_controls(open_rates, app):
    open_rates.controls["baseline"].value = app.campaign("Spring Sale Email").id  # September
    assert "choose another baseline" in open_rates.error
    assert "=" not in open_rates.error  # no Python arguments


def test_a_rate_without_counts_says_so(emu, app, email):
    dash = widgets.compare_campaigns(
        app.id,
        kpi="hard-bounce-rate-grouped-by-campaign-activity",
        chart="compare",
        campaigns=email[1:4],
        start_time=START,
        end_time=END,
        endpoint_url=emu.endpoint_url,
    )
    assert dash.error is None
    assert "ci_low" not in dash.table.columns
    assert dash.table["note"].str.contains("unweighted mean").any()


def test_a_frame_of_opens_and_deliveries_offers_the_open_rate(emu, app, email):
    frame = ppk.read_pinpoint_kpi(
        app.id,
        [
            "direct-email-opens-grouped-by-campaign-activity",
            "successful-deliveries-grouped-by-campaign-activity",
        ],
        START,
        END,
        campaign_id=email[1:4],
        endpoint_url=emu.endpoint_url,
    )
    dash = widgets.compare_campaigns(frame, chart="compare")
    options = dash.controls["kpi"].options
    assert options[0] == ("Email open rate (from counts: intervals, tests)", OPEN_RATE)
    dash.controls["kpi"].value = OPEN_RATE
    assert dash.error is None
    assert dash.table[["ci_low", "ci_high"]].notna().all().all()


# ------------------------------------------------------------------ ranges and a stopped service


def test_with_no_dates_the_range_ends_at_the_services_clock_not_the_machines(emu, app):
    dash = widgets.compare_campaigns(app.id, endpoint_url=emu.endpoint_url)
    # the emulator's clock is frozen at 2026-10-29T12:00Z: the 31 days before it
    assert dash.controls["end"].value.isoformat() == "2026-10-28"
    assert dash.controls["start"].value.isoformat() == "2026-09-28"
    assert dash.error is None
    assert dash.table.iloc[:, 0].notna().any()  # data, not an empty range


def test_a_one_day_range_shows_that_day(open_rates):
    import datetime as dt

    day = dt.date(2026, 10, 20)
    open_rates.controls["start"].value = day
    open_rates.controls["end"].value = day
    assert open_rates.error is None, open_rates.error
    assert "20 Oct 2026" in open_rates.state.caption


def test_a_stopped_emulator_is_said_inside_the_dashboard_at_once(app):
    with ppk.emulator.running() as stopped:
        dash = widgets.compare_campaigns(
            app.id, start_time=START, end_time=END, endpoint_url=stopped.endpoint_url
        )
    dash.controls["campaigns"].value = (app.campaigns[5].id,)  # not read yet: needs the service
    assert dash.error.startswith(
        f"Cannot reach Pinpoint at {stopped.endpoint_url} (connection refused). If it is the "
        "bundled emulator, it has stopped"
    )
    for python in ("endpoint_url", "offline=", "cache=", "boto3", "attrs", "credentials"):
        assert python not in dash.error


def test_a_stopped_emulator_without_any_credentials_is_not_a_credentials_problem(app, monkeypatch):
    import boto3

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # the session that found keys
    with ppk.emulator.running() as stopped:
        dash = widgets.compare_campaigns(
            app.id, start_time=START, end_time=END, endpoint_url=stopped.endpoint_url
        )
    dash.controls["campaigns"].value = (app.campaigns[6].id,)
    assert dash.error.startswith(f"Cannot reach Pinpoint at {stopped.endpoint_url}")
    assert "credentials" not in dash.error


def test_a_start_before_the_90_days_pinpoint_keeps_is_refused_in_words_of_the_controls(
    open_rates, emu
):
    import datetime as dt

    emu.clear_log()
    open_rates.controls["start"].value = dt.date(2026, 5, 1)
    assert open_rates.error == (
        "Pinpoint keeps 90 days: the earliest day it can answer is 01 Aug 2026. Choose a From "
        "date on or after it."
    )
    assert not [r for r in emu.request_log if r.kpi_name]  # refused before any request
    open_rates.controls["start"].value = dt.date(2026, 8, 1)  # the earliest: answered
    assert open_rates.error is None, open_rates.error


# ------------------------------------------------------------------ the click rate, derived

CLICK_RATE = "click-rate-grouped-by-campaign-activity"


def test_the_click_rate_is_offered_derived_from_its_counts_with_intervals(open_rates, emu):
    kpi = open_rates.controls["kpi"]
    label = dict((v, t) for t, v in kpi.options)[CLICK_RATE]
    assert label == "Click rate (derived: clicks / deliveries; intervals, tests)"
    emu.clear_log()
    kpi.value = CLICK_RATE
    assert open_rates.error is None, open_rates.error
    # only the counts are read: the service has no click-rate KPI
    asked = {r.kpi_name for r in emu.request_log if r.kpi_name}
    assert asked == {
        "clicks-grouped-by-campaign-activity",
        "successful-deliveries-grouped-by-campaign-activity",
    }
    table = open_rates.table
    with_data = table[table["ClickRate"].notna()]
    assert len(with_data) >= 5 and with_data[["ci_low", "ci_high"]].notna().all().all()
    ratio = with_data["Clicks"].astype(float) / with_data["SuccessfulDeliveries"].astype(float)
    pd.testing.assert_series_equal(ratio, with_data["ClickRate"], check_names=False)
    ax = open_rates.figure.axes[0]
    assert ax.get_title(loc="left").startswith("Click rate (derived: clicks / deliveries) vs ")
    assert ax.get_xlabel() == "Click rate (derived: clicks / deliveries) (%)"
    assert ax.collections, "no intervals drawn"


def test_a_frame_of_clicks_and_deliveries_offers_the_click_rate(emu, app, email):
    frame = ppk.read_pinpoint_kpi(
        app.id,
        [
            "clicks-grouped-by-campaign-activity",
            "successful-deliveries-grouped-by-campaign-activity",
        ],
        START,
        END,
        campaign_id=email[1:],
        endpoint_url=emu.endpoint_url,
    )
    dash = widgets.compare_campaigns(frame, kpi=CLICK_RATE, chart="compare")
    assert dash.error is None
    assert dash.table["ci_low"].notna().sum() == len(email) - 1


# ------------------------------------------------------------------ long ranges of run counts


def test_a_62_day_range_of_a_per_run_rate_is_read_and_summed_not_refused(open_rates, emu, app):
    import datetime as dt

    open_rates.controls["start"].value = dt.date(2026, 8, 28)  # 62 days to 28 Oct
    assert open_rates.error is None, open_rates.error
    frame = open_rates.frame
    assert set(frame.attrs["pinpoint"]["combined"].values()) == {"summed"}
    welcome = app.campaign("Welcome Series Email").id
    halves = [
        ppk.read_pinpoint_kpi(
            app.id,
            "direct-email-opens-grouped-by-campaign-activity",
            start,
            end,
            campaign_id=[welcome],
            endpoint_url=emu.endpoint_url,
        )
        for start, end in (("2026-08-28", "2026-09-27"), ("2026-09-28", "2026-10-28"))
    ]
    expected = sum(int(h["DirectEmailOpens"].sum()) for h in halves)
    assert frame.loc[welcome, "DirectEmailOpens"].sum() == expected
    row = open_rates.table.loc["Welcome Series Email"]
    assert row["DirectEmailOpens"] == expected and pd.notna(row["ci_low"])
    assert "62 days" not in (open_rates.error or "")
