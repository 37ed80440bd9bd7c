"""analysis/_columns.py: the KPI behind each column, and the one rule for the metric meant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas.analysis import (
    column_kpis,
    default_metric,
    entity_level,
    is_kpi_frame,
    metric_values,
    rate_from_counts,
    resolve_metric,
)
from pinpoint_kpi_pandas.errors import InvalidArgumentError


def test_every_rate_with_parts_is_a_catalog_rate():
    # resolve_metric computes these from their counts; each must have a rate KPI to title it
    # (a catalog rate, or a derived one such as the click rate, which no catalog KPI serves).
    from pinpoint_kpi_pandas.derived import find_metric

    for rate in catalog.RATE_PARTS:
        found = catalog.kpis_with_value_key(rate) or [find_metric(rate, None)]
        assert all(k is not None and k.kind == "rate" for k in found), rate


def test_a_column_is_resolved_as_itself(runs):
    metric = resolve_metric(runs, "EmailOpenRate")
    assert metric.is_column and metric.kind == "rate"
    assert metric.counts == ("DirectEmailOpens", "SuccessfulDeliveries")
    assert metric.kpi is not None
    assert metric.kpi.name == "email-open-rate-grouped-by-campaign-activity"


def test_a_rate_is_computed_from_its_counts_only_when_both_are_there(runs):
    counts = runs[["DirectEmailOpens", "SuccessfulDeliveries"]]
    metric, values = metric_values(counts, "EmailOpenRate")
    assert not metric.is_column and metric.kind == "rate"
    np.testing.assert_allclose(values, runs["EmailOpenRate"])
    with pytest.raises(InvalidArgumentError, match=r"metric 'EmailOpenRate' is not a column"):
        resolve_metric(runs[["DirectEmailOpens"]], "EmailOpenRate")


def test_a_count_has_no_counts_and_a_non_kpi_column_no_kpi():
    frame = pd.DataFrame({"Clicks": [1, 2], "Notes": ["a", "b"]})
    assert resolve_metric(frame, "Clicks").counts is None
    notes = resolve_metric(frame, "Notes")
    assert notes.kpi is None and notes.kind is None


def test_the_default_metric_is_a_rate_then_a_computable_rate_then_any_kpi(runs):
    assert default_metric(column_kpis(runs)) == "EmailOpenRate"
    counts = runs[["DirectEmailOpens", "SuccessfulDeliveries"]]
    assert default_metric(column_kpis(counts)) == "EmailOpenRate"
    assert default_metric(column_kpis(runs[["DirectEmailOpens"]])) == "DirectEmailOpens"
    with pytest.raises(InvalidArgumentError, match="no KPI column"):
        default_metric(column_kpis(pd.DataFrame({"x": [1]})))


def test_a_rate_from_counts_is_missing_without_a_positive_denominator():
    rate = rate_from_counts(pd.Series([1, 0, 3]), pd.Series([4, 0, -1]))
    assert rate.iloc[0] == 0.25 and rate.iloc[1:].isna().all()


def test_columns_without_attrs_fall_back_to_the_value_key_and_the_grouping():
    daily = pd.DataFrame(
        {"SuccessfulDeliveryRate": [0.9]}, index=pd.DatetimeIndex(["2026-10-01"], name="Date")
    )
    kpi = column_kpis(daily)["SuccessfulDeliveryRate"]
    assert kpi is not None and kpi.grouped_by == "Date"
    assert is_kpi_frame(daily) and not is_kpi_frame(pd.DataFrame({"x": [1]}))


def test_the_compared_level_is_by_or_the_first_entity_level(runs):
    assert entity_level(runs, None) == "CampaignId"
    assert entity_level(runs, "CampaignActivityId") == "CampaignActivityId"
    with pytest.raises(InvalidArgumentError, match="by='Nope' names no index level"):
        entity_level(runs, "Nope")
    with pytest.raises(InvalidArgumentError, match="compare needs campaigns or journeys"):
        entity_level(pd.DataFrame({"Clicks": [1]}), None)
