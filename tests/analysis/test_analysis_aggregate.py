"""analysis/_aggregate.py: tidy form, and resample/total by each column's kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.accessor import UNWEIGHTED_SUFFIX
from pinpoint_kpi_pandas.errors import InvalidArgumentError


def test_tidy_one_row_per_index_entry_and_metric(daily):
    long = daily.pinpoint.tidy()
    assert list(long.columns) == ["Date", "metric", "value", "kind", "unit"]
    assert len(long) == daily.size
    row = long[(long.metric == "AttemptedDeliveries") & (long.Date == "2026-08-05")].iloc[0]
    assert row.value == daily.loc["2026-08-05", "AttemptedDeliveries"]
    assert (row.kind, row.unit) == ("count", "events")
    assert set(long.loc[long.metric == "SuccessfulDeliveryRate", "unit"]) == {"fraction 0..1"}


def test_tidy_single_value_kpi_has_no_index_column():
    response = {
        "ApplicationId": "app1",
        "KpiName": "email-open-rate",
        "KpiResult": {
            "Rows": [{"Values": [{"Key": "EmailOpenRate", "Type": "Double", "Value": "0.2"}]}]
        },
    }
    long = ppk.kpi_frame(response).pinpoint.tidy()
    assert long.to_dict("records") == [
        {"metric": "EmailOpenRate", "value": 0.2, "kind": "rate", "unit": "fraction 0..1"}
    ]


def test_weekly_resample_of_a_rate_is_the_ratio_of_weekly_sums(daily):
    before = daily.copy()
    weekly = daily.pinpoint.resample("W")
    pd.testing.assert_frame_equal(daily, before)  # the caller's frame is untouched
    week = pd.Grouper(freq="W")
    sums = daily[["SuccessfulDeliveries", "AttemptedDeliveries"]].groupby(week).sum()
    assert len(weekly) == 4
    np.testing.assert_allclose(
        weekly["SuccessfulDeliveryRate"], sums.SuccessfulDeliveries / sums.AttemptedDeliveries
    )
    # ... which is not the mean of the daily rates
    naive = daily["SuccessfulDeliveryRate"].groupby(week).mean()
    assert not np.allclose(weekly["SuccessfulDeliveryRate"], naive, rtol=0, atol=1e-12)
    assert weekly["AttemptedDeliveries"].dtype == np.int64
    assert weekly["AttemptedDeliveries"].tolist() == sums.AttemptedDeliveries.tolist()
    assert weekly.attrs["pinpoint"]["aggregated"] == ["resample('W')"]


def test_resample_keeps_other_levels(daily):
    stacked = pd.concat([daily, daily * 1], keys=["c1", "c2"], names=["CampaignId"])
    stacked.attrs = daily.attrs
    weekly = stacked.pinpoint.resample("W")
    assert weekly.index.names == ["CampaignId", "Date"]
    assert weekly.loc["c1"].SuccessfulDeliveries.sum() == daily.SuccessfulDeliveries.sum()


def test_unique_count_resample_is_refused(unique_daily):
    with pytest.raises(InvalidArgumentError, match=r"distinct endpoints.*unweighted_mean=True"):
        unique_daily.pinpoint.resample("W")


def test_unique_count_unweighted_mean_is_labelled(unique_daily):
    weekly = unique_daily.pinpoint.resample("W", unweighted_mean=True)
    column = "UniqueDeliveries" + UNWEIGHTED_SUFFIX
    assert list(weekly.columns) == [column]
    assert weekly.attrs["pinpoint"]["unweighted_mean"] == ["UniqueDeliveries"]
    assert weekly.attrs["pinpoint"]["columns"][column] == "unique-deliveries-grouped-by-date"
    assert weekly[column].iloc[0] == unique_daily.loc[:"2026-08-09", "UniqueDeliveries"].mean()


def test_rate_without_counts_is_refused_naming_the_kpis(daily):
    rate_only = daily[["SuccessfulDeliveryRate"]]
    with pytest.raises(InvalidArgumentError) as info:
        rate_only.pinpoint.resample("W")
    message = str(info.value)
    assert "successful-deliveries-grouped-by-campaign-activity" in message
    assert "attempted-deliveries-grouped-by-campaign-activity" in message
    assert "unweighted_mean=True" in message


def test_rate_refusal_suggests_a_kpi_list_when_the_grouping_matches(runs):
    with pytest.raises(InvalidArgumentError, match=r"kpi_name=\['email-open-rate-grouped-by-"):
        runs[["EmailOpenRate", "DirectEmailOpens"]].pinpoint.total()


def test_resample_needs_a_date_level(runs):
    with pytest.raises(InvalidArgumentError, match="'Date' index level"):
        runs.pinpoint.resample("W")


def test_unknown_columns_are_refused(daily):
    extra = daily.assign(Comment="x")
    with pytest.raises(InvalidArgumentError, match="'Comment' is not a standard KPI"):
        extra.pinpoint.total()


def test_total_per_campaign_by_default_and_grand_total(runs):
    per = runs.pinpoint.total()
    assert per.index.name == "CampaignId"
    assert per.loc["A", "DirectEmailOpens"] == 810
    assert per.loc["A", "EmailOpenRate"] == pytest.approx(810 / 4000)
    grand = runs.pinpoint.total(by=[])
    assert isinstance(grand.index, pd.RangeIndex) and len(grand) == 1
    assert grand.loc[0, "EmailOpenRate"] == pytest.approx(
        runs.DirectEmailOpens.sum() / runs.SuccessfulDeliveries.sum()
    )


def test_emulated_rates_agree_with_their_counts(emulated_runs):
    _, frame = emulated_runs
    email = frame.dropna(subset=["EmailOpenRate"])
    np.testing.assert_allclose(
        email.EmailOpenRate, email.DirectEmailOpens / email.SuccessfulDeliveries, rtol=1e-9
    )
    per = frame.pinpoint.total()
    assert per.index.name == "CampaignId"
    assert per["AttemptedDeliveries"].sum() == frame["AttemptedDeliveries"].sum()


def test_total_keeps_the_frame_order_of_ids(unsorted_runs):
    assert unsorted_runs.pinpoint.total().index.tolist() == ["C", "A", "D", "B"]
    by_run = unsorted_runs.pinpoint.total(by=["CampaignId", "CampaignActivityId"])
    assert by_run.index.get_level_values("CampaignActivityId").tolist() == [
        "c1", "c2", "a1", "a2", "d1", "b1", "b2"
    ]  # fmt: skip


def test_resample_keeps_id_order_and_sorts_dates(daily):
    shuffled = daily.iloc[::-1]  # dates descending
    stacked = pd.concat([shuffled, shuffled], keys=["z", "a"], names=["CampaignId"])
    stacked.attrs = daily.attrs
    weekly = stacked.pinpoint.resample("W")
    assert weekly.index.get_level_values("CampaignId").unique().tolist() == ["z", "a"]
    dates = weekly.xs("z", level="CampaignId").index
    assert dates.is_monotonic_increasing and len(dates) == 4


def test_resample_records_what_an_unweighted_mean_averaged(unique_daily, runs):
    weekly = unique_daily.pinpoint.resample("W", unweighted_mean=True)
    assert weekly.attrs["pinpoint"]["unweighted_mean_of"] == "unweighted mean of daily values"
    per = runs[["EmailOpenRate"]].pinpoint.total(unweighted_mean=True)
    assert per.attrs["pinpoint"]["unweighted_mean_of"] == (
        "unweighted mean of values per campaign run"
    )


def test_unique_count_refusal_names_what_can_be_done(unique_daily):
    with pytest.raises(InvalidArgumentError) as info:
        unique_daily.pinpoint.total()
    message = str(info.value)
    assert "cannot be derived from its answers at all" in message
    assert "at most 31 days" in message and "whole range" not in message
    windows = pd.DataFrame(
        {"UniqueDeliveries": [10, 12]},
        index=pd.Index(["2026-07-01/2026-07-31", "2026-08-01/2026-08-31"], name="Window"),
    )
    with pytest.raises(InvalidArgumentError, match=r"daily values of 'unique-deliveries-grouped"):
        windows.pinpoint.total()
