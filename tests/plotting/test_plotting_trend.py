"""plotting/_trend.py, asserted on artists (lines, legend texts, titles), never on pixels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from matplotlib.ticker import PercentFormatter  # noqa: E402

from pinpoint_kpi_pandas import plotting  # noqa: E402
from pinpoint_kpi_pandas.errors import InvalidArgumentError  # noqa: E402

NAMES = {"c1": "Welcome", "c2": "Spring sale", "c3": "Newsletter"}


def _by_label(ax):
    return {line.get_label(): line for line in ax.lines}


def test_trend_of_three_campaigns(three_campaigns):
    ax = three_campaigns.pinpoint.plot(names=NAMES)
    assert len(ax.lines) == 3
    lines = _by_label(ax)
    assert set(lines) == set(NAMES.values())
    for campaign, name in NAMES.items():
        expected = three_campaigns.loc[campaign, "SuccessfulDeliveryRate"]
        xy = lines[name].get_xydata()
        np.testing.assert_allclose(xy[:, 1], expected.to_numpy())
        dates = matplotlib.dates.num2date(xy[:, 0])
        assert [d.date() for d in dates] == [d.date() for d in expected.index]
    # the legend lists the lines from the highest average down, as they sit on the chart
    means = three_campaigns.groupby(level="CampaignId").SuccessfulDeliveryRate.mean()
    order = [NAMES[c] for c in means.sort_values(ascending=False).index]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == order
    assert ax.get_legend().get_title().get_text() == "Campaign"
    assert ax.get_title(loc="left").startswith("Delivery rate, daily\n01 Aug 2026 to 10 Aug 2026")
    assert ax.get_ylabel() == "Delivery rate (%)"
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)


def test_trend_of_a_labelled_frame_needs_no_names(three_campaigns):
    ax = three_campaigns.pinpoint.label(NAMES).pinpoint.plot()
    assert set(_by_label(ax)) == set(NAMES.values())


def test_trend_breaks_lines_on_missing_days(three_campaigns):
    sparse = three_campaigns.drop(index=pd.Timestamp("2026-08-05"), level="Date").drop(
        index=[("c2", pd.Timestamp("2026-08-03"))]
    )
    ax = plotting.plot_trend(sparse)
    y = _by_label(ax)["c2"].get_xydata()[:, 1]
    # every day of the range, so the line breaks on days without data (even for all campaigns)
    assert len(y) == 10 and np.isnan(y[2]) and np.isnan(y[4])


def test_trend_with_a_dozen_campaigns_cycles_linestyles():
    days = pd.date_range("2026-08-01", periods=5, name="Date")
    index = pd.MultiIndex.from_product([[f"c{i:02d}" for i in range(12)], days])
    index = index.set_names(["CampaignId", "Date"])
    frame = pd.DataFrame({"UniqueDeliveries": np.arange(60)}, index=index)
    ax = frame.pinpoint.plot()
    styles = {(line.get_color(), line.get_linestyle()) for line in ax.lines}
    assert len(styles) == 12
    assert ax.get_legend().get_bbox_to_anchor() is not None
    assert ax.get_ylabel() == "Endpoint deliveries (distinct endpoints)"


def test_trend_resample_is_kind_aware():
    days = pd.date_range("2026-08-03", periods=14, name="Date")
    frame = pd.DataFrame(
        {"SuccessfulDeliveries": [9] * 7 + [8] * 7, "AttemptedDeliveries": [10] * 14},
        index=days,
    )
    ax = plotting.plot_trend(frame, "SuccessfulDeliveryRate", resample="W")
    np.testing.assert_allclose(ax.lines[0].get_xydata()[:, 1], [0.9, 0.8])
    assert "weekly" in ax.get_title(loc="left")


def test_trend_needs_dates(runs):
    with pytest.raises(InvalidArgumentError, match="'Date' index level"):
        plotting.plot_trend(runs)


def test_trend_of_an_unweighted_mean_says_so(three_campaigns):
    ax = three_campaigns.pinpoint.plot("SuccessfulDeliveryRate", resample="W", unweighted_mean=True)
    assert ax.get_title(loc="left").startswith(
        "Delivery rate (unweighted mean of daily values), weekly"
    )
    assert ax.get_ylabel() == "Delivery rate (%), unweighted mean of daily values"


def test_trend_passes_matplotlib_arguments_to_every_line(three_campaigns):
    ax = plotting.plot_trend(three_campaigns, linewidth=3, alpha=0.5, marker=None)
    assert {line.get_linewidth() for line in ax.lines} == {3.0}
    assert {line.get_alpha() for line in ax.lines} == {0.5}
    assert {line.get_marker() for line in ax.lines} == {"None"}
