"""analysis/_compare.py: campaigns against a baseline, with intervals, tests and notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pinpoint_kpi_pandas.accessor import UNWEIGHTED_SUFFIX
from pinpoint_kpi_pandas.errors import InvalidArgumentError

proportion = pytest.importorskip("statsmodels.stats.proportion")
multitest = pytest.importorskip("statsmodels.stats.multitest")


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


def test_compare_default_baseline_is_the_first_id_in_frame_order(unsorted_runs):
    table = unsorted_runs.pinpoint.compare()
    assert table.attrs["pinpoint"]["compare"]["baseline"] == "C"
    assert table.loc["C", "note"] == "baseline"


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
