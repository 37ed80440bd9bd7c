"""DataFrame.pinpoint: validation, tidy, kind-aware resample/total, compare, label."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.accessor import UNWEIGHTED_SUFFIX
from pinpoint_kpi_pandas.errors import ArgumentTypeError, InvalidArgumentError

proportion = pytest.importorskip("statsmodels.stats.proportion")
multitest = pytest.importorskip("statsmodels.stats.multitest")

RUN_KPIS = [
    "attempted-deliveries-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
    "clicks-grouped-by-campaign-activity",
    "email-open-rate-grouped-by-campaign-activity",
]


def _response(kpi_name, key, rows, *, campaign="c1", group="Date", value_type="Double"):
    return {
        "CampaignDateRangeKpiResponse": {
            "ApplicationId": "app1",
            "CampaignId": campaign,
            "KpiName": kpi_name,
            "StartTime": "2026-08-03T00:00:00Z",
            "EndTime": "2026-08-30T23:59:59Z",
            "KpiResult": {
                "Rows": [
                    {
                        "GroupedBys": [{"Key": group, "Type": "String", "Value": g}],
                        "Values": [{"Key": key, "Type": value_type, "Value": str(float(v))}],
                    }
                    for g, v in rows
                ]
            },
        }
    }


@pytest.fixture
def daily():
    """Four weeks of daily deliveries (both counts and the rate), as a multi-KPI read gives."""
    days = pd.date_range("2026-08-03", periods=28, freq="D")
    rng = np.random.default_rng(0)
    attempted = rng.integers(800, 1200, size=28)
    delivered = (attempted * rng.uniform(0.9, 0.99, size=28)).astype(int)
    frame = pd.DataFrame(
        {
            "SuccessfulDeliveryRate": delivered / attempted,
            "SuccessfulDeliveries": delivered,
            "AttemptedDeliveries": attempted,
        },
        index=pd.DatetimeIndex(days, name="Date"),
    )
    frame.attrs["pinpoint"] = {
        "application_id": "app1",
        "scope": "campaign",
        "kpi_names": ["successful-delivery-rate-grouped-by-date"],
        "columns": {"SuccessfulDeliveryRate": "successful-delivery-rate-grouped-by-date"},
        "start_time": "2026-08-03T00:00:00Z",
        "end_time": "2026-08-30T23:59:59Z",
    }
    return frame


@pytest.fixture
def unique_daily():
    rows = [(f"2026-08-{d:02d}", 100 + d) for d in range(3, 17)]
    return ppk.kpi_frame(_response("unique-deliveries-grouped-by-date", "UniqueDeliveries", rows))


@pytest.fixture
def runs():
    """Campaign runs of three campaigns with opens and deliveries, stacked under CampaignId."""
    data = {
        "A": [("a1", 400, 2000), ("a2", 410, 2000)],
        "B": [("b1", 560, 2000), ("b2", 540, 2000)],
        "C": [("c1", 20, 100), ("c2", 23, 100)],
        "D": [("d1", 2, 10)],
    }
    index, opens, delivered = [], [], []
    for campaign, rows in data.items():
        for run, o, d in rows:
            index.append((campaign, run))
            opens.append(o)
            delivered.append(d)
    frame = pd.DataFrame(
        {"DirectEmailOpens": opens, "SuccessfulDeliveries": delivered},
        index=pd.MultiIndex.from_tuples(index, names=["CampaignId", "CampaignActivityId"]),
    )
    frame["EmailOpenRate"] = frame.DirectEmailOpens / frame.SuccessfulDeliveries
    frame.attrs["pinpoint"] = {
        "application_id": "app1",
        "scope": "campaign",
        "campaign_ids": list(data),
        "columns": {
            "DirectEmailOpens": "direct-email-opens-grouped-by-campaign-activity",
            "SuccessfulDeliveries": "successful-deliveries-grouped-by-campaign-activity",
            "EmailOpenRate": "email-open-rate-grouped-by-campaign-activity",
        },
    }
    return frame


# --------------------------------------------------------------------------- validation


def test_accessor_refuses_a_plain_frame_naming_what_is_missing():
    with pytest.raises(AttributeError, match=r"attrs\['pinpoint'\].*columns: x, y"):
        _ = pd.DataFrame({"x": [1], "y": [2]}).pinpoint


def test_accessor_accepts_attrs_or_kpi_columns(daily):
    assert daily.pinpoint.meta["scope"] == "campaign"
    bare = pd.DataFrame({"UniqueDeliveries": [1, 2]})
    assert bare.pinpoint.meta == {}
    assert bare.pinpoint.kinds == {"UniqueDeliveries": "unique_count"}


def test_meta_is_a_copy(daily):
    meta = daily.pinpoint.meta
    meta["scope"] = "changed"
    meta["columns"]["x"] = "y"
    assert daily.attrs["pinpoint"]["scope"] == "campaign"
    assert "x" not in daily.attrs["pinpoint"]["columns"]


def test_kinds_use_the_catalog(daily):
    assert daily.pinpoint.kinds == {
        "SuccessfulDeliveryRate": "rate",
        "SuccessfulDeliveries": "count",
        "AttemptedDeliveries": "count",
    }


# --------------------------------------------------------------------------- tidy


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


# --------------------------------------------------------------------------- resample / total


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


# --------------------------------------------------------------------------- compare


def test_compare_matches_reference_statistics(runs):
    table = runs.pinpoint.compare(baseline="A")
    assert table.index.name == "CampaignId"
    assert table.index.tolist() == ["B", "C", "A", "D"]  # sorted by the rate, largest first
    counts = runs.groupby(level="CampaignId")[["DirectEmailOpens", "SuccessfulDeliveries"]].sum()
    for campaign, row in table.iterrows():
        x, n = counts.loc[campaign]
        low, high = proportion.proportion_confint(x, n, method="wilson")
        assert row.ci_low == pytest.approx(low) and row.ci_high == pytest.approx(high)
        assert row.EmailOpenRate == pytest.approx(x / n)
        assert row.difference == pytest.approx(x / n - 810 / 4000)
        assert row.ratio == pytest.approx((x / n) / (810 / 4000))
    z, p = proportion.proportions_ztest([1100, 810], [4000, 4000])
    assert table.loc["B", "z"] == pytest.approx(z)
    assert table.loc["B", "p_value"] == pytest.approx(p)
    # Holm over the comparisons that can be tested (B and C; D has too few events)
    _, p_c = proportion.proportions_ztest([43, 810], [200, 4000])
    adjusted = multitest.multipletests([p, p_c], method="holm")[1]
    assert table.loc[["B", "C"], "p_adjusted"].tolist() == pytest.approx(adjusted.tolist())


def test_compare_says_what_the_data_cannot_support(runs):
    table = runs.pinpoint.compare(baseline="A")
    assert table.loc["A", "note"] == "baseline" and table.loc["A", "baseline"]
    assert table.loc["B", "note"].startswith("significantly higher than baseline at 5%")
    assert table.loc["C", "note"].startswith("not significant at 5%")
    assert "too few events" in table.loc["D", "note"]
    assert np.isnan(table.loc["D", "p_value"])


def test_compare_without_counts_cannot_test(runs):
    rates = runs.pinpoint.total()[["EmailOpenRate"]]
    table = rates.pinpoint.compare(baseline="B")
    assert "ci_low" not in table.columns
    assert table.loc["A", "note"].startswith("no counts: cannot test (add DirectEmailOpens")
    assert table.loc["B", "note"] == "baseline"


def test_compare_computes_a_rate_from_counts_and_defaults(runs):
    counts_only = runs[["DirectEmailOpens", "SuccessfulDeliveries"]]
    table = counts_only.pinpoint.compare()
    assert table.attrs["pinpoint"]["compare"]["metric"] == "EmailOpenRate"
    assert table.attrs["pinpoint"]["compare"]["baseline"] == "A"  # first in the frame
    count_table = runs.pinpoint.compare(metric="DirectEmailOpens", baseline="C")
    assert count_table.loc["A", "difference"] == 810 - 43
    assert count_table.loc["A", "note"] == "count: difference only, no test"


def test_compare_errors(runs, daily):
    with pytest.raises(InvalidArgumentError, match="baseline 'Z' is not one of"):
        runs.pinpoint.compare(baseline="Z")
    with pytest.raises(InvalidArgumentError, match="metric 'Nope'"):
        runs.pinpoint.compare(metric="Nope")
    with pytest.raises(InvalidArgumentError, match="campaigns or journeys as rows"):
        daily.pinpoint.compare()


# --------------------------------------------------------------------------- label


def test_label_with_mapping_keeps_names_unique(runs):
    labelled = runs.pinpoint.label({"A": "Sale", "B": "Sale", "C": "Welcome"})
    assert labelled.index.get_level_values("CampaignId").unique().tolist() == [
        "Sale (A)",
        "Sale (B)",
        "Welcome",
        "D",
    ]
    assert runs.index.get_level_values(0)[0] == "A"  # caller untouched
    assert labelled.attrs["pinpoint"]["labels"]["CampaignId"]["C"] == "Welcome"
    # the baseline may be given by id after labelling
    table = labelled.pinpoint.compare(baseline="C")
    assert table.loc["Welcome", "baseline"]


def test_label_with_a_listing_frame(runs):
    listing = pd.DataFrame({"Name": ["Alpha", "Beta"]}, index=pd.Index(["A", "B"], name="Id"))
    labelled = runs.pinpoint.total().pinpoint.label(listing)
    assert labelled.index.tolist() == ["Alpha", "Beta", "C", "D"]


def test_label_without_application_id_says_what_to_pass():
    frame = pd.DataFrame({"UniqueDeliveries": [1]}, index=pd.Index(["x"], name="CampaignId"))
    with pytest.raises(InvalidArgumentError, match="pass names="):
        frame.pinpoint.label()


# --------------------------------------------------------------------------- against the emulator


@pytest.fixture(scope="module")
def emulated_runs(emulator):
    app = emulator.world.applications[0]
    ids = [c.id for c in app.campaigns]
    frame = ppk.read_pinpoint_kpi(
        app.id,
        RUN_KPIS,
        "2026-10-01",
        "2026-10-28",
        campaign_id=ids,
        endpoint_url=emulator.endpoint_url,
    )
    return app, frame


def test_emulated_rates_agree_with_their_counts(emulated_runs):
    _, frame = emulated_runs
    email = frame.dropna(subset=["EmailOpenRate"])
    np.testing.assert_allclose(
        email.EmailOpenRate, email.DirectEmailOpens / email.SuccessfulDeliveries, rtol=1e-9
    )
    per = frame.pinpoint.total()
    assert per.index.name == "CampaignId"
    assert per["AttemptedDeliveries"].sum() == frame["AttemptedDeliveries"].sum()


def test_label_fetches_names_from_the_service(emulated_runs, emulator):
    app, frame = emulated_runs
    labelled = frame.pinpoint.label(endpoint_url=emulator.endpoint_url)
    names = set(labelled.index.get_level_values("CampaignId"))
    assert names == {c.name for c in app.campaigns if c.id in set(frame.index.get_level_values(0))}
    table = labelled.pinpoint.compare(baseline=app.campaigns[3].id)
    assert table.loc[app.campaigns[3].name, "note"] == "baseline"
    non_email = [c.name for c in app.campaigns if c.channel != "EMAIL" and c.name in table.index]
    assert all(table.loc[n, "note"].startswith("no DirectEmailOpens") for n in non_email)


# --------------------------------------------------------------------------- frame order


@pytest.fixture
def unsorted_runs(runs):
    """The runs fixture with campaigns in an order that is not alphabetical: C, A, D, B."""
    frame = runs.loc[["C", "A", "D", "B"]]
    frame.attrs = runs.attrs
    return frame


def test_total_keeps_the_frame_order_of_ids(unsorted_runs):
    assert unsorted_runs.pinpoint.total().index.tolist() == ["C", "A", "D", "B"]
    by_run = unsorted_runs.pinpoint.total(by=["CampaignId", "CampaignActivityId"])
    assert by_run.index.get_level_values("CampaignActivityId").tolist() == [
        "c1", "c2", "a1", "a2", "d1", "b1", "b2"
    ]  # fmt: skip


def test_compare_default_baseline_is_the_first_id_in_frame_order(unsorted_runs):
    table = unsorted_runs.pinpoint.compare()
    assert table.attrs["pinpoint"]["compare"]["baseline"] == "C"
    assert table.loc["C", "note"] == "baseline"


def test_resample_keeps_id_order_and_sorts_dates(daily):
    shuffled = daily.iloc[::-1]  # dates descending
    stacked = pd.concat([shuffled, shuffled], keys=["z", "a"], names=["CampaignId"])
    stacked.attrs = daily.attrs
    weekly = stacked.pinpoint.resample("W")
    assert weekly.index.get_level_values("CampaignId").unique().tolist() == ["z", "a"]
    dates = weekly.xs("z", level="CampaignId").index
    assert dates.is_monotonic_increasing and len(dates) == 4


# --------------------------------------------------------------------------- unweighted means


def test_compare_unweighted_mean_keeps_its_label(daily):
    rates = pd.concat(
        [daily[["SuccessfulDeliveryRate"]], daily[["SuccessfulDeliveryRate"]] * 0.9],
        keys=["A", "B"],
        names=["CampaignId"],
    )
    rates.attrs = daily.attrs
    table = rates.pinpoint.compare(unweighted_mean=True)
    column = "SuccessfulDeliveryRate" + UNWEIGHTED_SUFFIX
    assert column in table.columns and "SuccessfulDeliveryRate" not in table.columns
    assert table.loc["A", column] == pytest.approx(daily.SuccessfulDeliveryRate.mean())
    info = table.attrs["pinpoint"]["compare"]
    assert (info["metric"], info["value_key"]) == (column, "SuccessfulDeliveryRate")
    assert info["unweighted_mean_of"] == "unweighted mean of daily values"
    assert table.loc["B", "note"] == "unweighted mean of daily values: no test"


def test_resample_records_what_an_unweighted_mean_averaged(unique_daily, runs):
    weekly = unique_daily.pinpoint.resample("W", unweighted_mean=True)
    assert weekly.attrs["pinpoint"]["unweighted_mean_of"] == "unweighted mean of daily values"
    per = runs[["EmailOpenRate"]].pinpoint.total(unweighted_mean=True)
    assert per.attrs["pinpoint"]["unweighted_mean_of"] == (
        "unweighted mean of values per campaign run"
    )


# --------------------------------------------------------------------------- incomplete frames


def _with_failures(frame, n=2):
    partial = frame.copy()
    partial.attrs = {
        "pinpoint": {**frame.attrs["pinpoint"], "failed": [f"request {i} failed" for i in range(n)]}
    }
    return partial


@pytest.mark.parametrize(
    ("call", "what"),
    [
        (lambda df: df.pinpoint.total(), "total()"),
        (lambda df: df.pinpoint.resample("W"), "resample()"),
        (lambda df: df.pinpoint.compare(metric="SuccessfulDeliveryRate"), "compare()"),
    ],
)
def test_results_of_a_frame_with_failed_requests_warn(daily, call, what):
    frame = pd.concat([daily, daily], keys=["A", "B"], names=["CampaignId"])
    frame.attrs = daily.attrs
    partial = _with_failures(frame)
    with pytest.warns(UserWarning, match=r"lacks the rows of 2 failed requests") as caught:
        call(partial)
    message = str(caught[0].message)
    assert message.startswith(what) and "df.attrs['pinpoint']['failed']" in message
    assert caught[0].filename == __file__  # points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call(frame)  # a complete frame: no warning
        call(_with_failures(frame, n=0))


def test_compare_refuses_a_numerator_above_its_denominator_naming_rows(runs):
    broken = runs.copy()
    broken.loc[("B", "b2"), "DirectEmailOpens"] = 2500
    with pytest.raises(InvalidArgumentError, match=r"B/b2 \(DirectEmailOpens=2500, Succ"):
        broken.pinpoint.compare(metric="EmailOpenRate")
    negative = runs.copy()
    negative.loc[("C", "c1"), "SuccessfulDeliveries"] = -1
    with pytest.raises(InvalidArgumentError, match=r"C/c1"):
        negative.pinpoint.compare(metric="EmailOpenRate")


def test_compare_refuses_totals_mixing_counts_from_different_rows(runs):
    # Opens of a run whose deliveries were not read: every row is plausible, the totals are not.
    mixed = runs.astype({"SuccessfulDeliveries": "float64"})
    mixed.loc[("A", "a2"), "SuccessfulDeliveries"] = np.nan
    mixed.loc[("A", "a1"), "DirectEmailOpens"] = 1990
    with pytest.raises(InvalidArgumentError, match=r"totals per CampaignId: .*\bA \(Direct"):
        mixed.pinpoint.compare(metric="EmailOpenRate")


# --------------------------------------------------------------------------- argument checks


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda d, r: d.pinpoint.resample("bogus"), InvalidArgumentError, r"rule='bogus'.*'W'"),
        (lambda d, r: d.pinpoint.resample(7), ArgumentTypeError, r"rule must be .* not int 7"),
        (lambda d, r: d.pinpoint.total(by=5), ArgumentTypeError, r"by must .* not int 5"),
        (lambda d, r: r.pinpoint.compare(alpha=2), InvalidArgumentError, r"alpha=2 .*0\.05"),
        (lambda d, r: r.pinpoint.compare(alpha="0.05"), ArgumentTypeError, r"alpha must be a"),
        (lambda d, r: r.pinpoint.compare(alpha=True), ArgumentTypeError, r"alpha must be a"),
        (lambda d, r: r.pinpoint.compare(baseline=["A"]), ArgumentTypeError, r"baseline='A'"),
        (lambda d, r: r.pinpoint.compare(by=0), ArgumentTypeError, r"by must be a str"),
    ],
)
def test_bad_arguments_raise_library_errors_naming_the_fix(daily, runs, call, error, match):
    with pytest.raises(error, match=match):
        call(daily, runs)


def test_label_levels_may_be_one_level_name(runs):
    labelled = runs.pinpoint.label({"a1": "First run"}, levels="CampaignActivityId")
    assert labelled.index.get_level_values("CampaignActivityId")[0] == "First run"
    assert labelled.index.get_level_values("CampaignId")[0] == "A"  # only the level named


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
