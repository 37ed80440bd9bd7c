"""The click rate: derived from the per-run counts that exist (clicks over deliveries), compared
with Wilson intervals like the other rates, labelled as derived (issue 10, item 1)."""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.analysis import column_kpis, resolve_metric
from pinpoint_kpi_pandas.derived import CLICK_RATE, count_kpis, is_derived

CLICKS = list(count_kpis(CLICK_RATE))


@pytest.fixture(scope="module")
def clicks(emulator, sample_app):
    """Clicks and deliveries per run of every campaign over 89 days (three windows, summed)."""
    return ppk.read_pinpoint_kpi(
        sample_app.id, CLICKS, "2026-08-01", "2026-10-28", campaign_id="all",
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip


def test_the_click_rate_is_clicks_over_deliveries_with_intervals_and_tests(clicks, sample_app):
    assert CLICKS == [
        "clicks-grouped-by-campaign-activity",
        "successful-deliveries-grouped-by-campaign-activity",
    ]
    table = clicks.pinpoint.compare("ClickRate", baseline="Weekly Newsletter Email")
    email = {c.id for c in sample_app.campaigns if c.channel == "EMAIL"}
    tested = table.dropna(subset=["ClickRate"])
    assert set(tested.index) == email  # SMS and push campaigns have no click rows
    ratio = tested["Clicks"].astype(float) / tested["SuccessfulDeliveries"].astype(float)
    pd.testing.assert_series_equal(ratio, tested["ClickRate"], check_names=False)
    assert (tested["ci_low"] < tested["ClickRate"]).all()
    assert (tested["ClickRate"] < tested["ci_high"]).all()
    assert tested["p_adjusted"].notna().sum() == len(email) - 1
    assert set(table.loc[~table.index.isin(email), "note"]) == {"no clicks in range, so no rate"}
    kpi = column_kpis(table)["ClickRate"]
    assert is_derived(kpi) and kpi.title.startswith("Click rate (derived: clicks / deliveries)")


def test_the_chart_labels_it_derived(clicks):
    pytest.importorskip("matplotlib")
    ax = clicks.pinpoint.plot_compare("ClickRate")
    assert ax.get_xlabel() == "Click rate (derived: clicks / deliveries) (%)"
    assert ax.get_title(loc="left").startswith("Click rate (derived: clicks / deliveries) vs")
    assert [t.get_text() for t in ax.get_xticklabels()][-1].endswith("%")


def test_a_click_rate_column_totals_from_its_counts(clicks):
    with_rate = clicks.assign(ClickRate=clicks["Clicks"] / clicks["SuccessfulDeliveries"])
    totals = with_rate.pinpoint.total()
    expected = totals["Clicks"].astype(float) / totals["SuccessfulDeliveries"].astype(float)
    pd.testing.assert_series_equal(totals["ClickRate"], expected, check_names=False)


def test_without_clicks_there_is_no_click_rate(clicks):
    with pytest.raises(ppk.errors.InvalidArgumentError, match="'ClickRate' is not a column"):
        resolve_metric(clicks[["SuccessfulDeliveries"]], "ClickRate")


def test_the_service_is_never_asked_for_a_click_rate_kpi(emulator, sample_app):
    emulator.clear_log()
    with pytest.raises(ppk.errors.UnknownKpiError, match="clicks-grouped-by-campaign-activity"):
        ppk.read_pinpoint_kpi(
            sample_app.id, CLICK_RATE.name, campaign_id=[sample_app.campaigns[0].id],
            endpoint_url=emulator.endpoint_url,
        )  # fmt: skip
    assert len(emulator.request_log) == 0
