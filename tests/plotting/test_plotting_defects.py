"""Chart defects issue 10 names, each caught on the artists."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

import pinpoint_kpi_pandas  # noqa: F401  (registers df.pinpoint)


def daily(values: dict[str, list[float]], days: list[str]) -> pd.DataFrame:
    index = pd.MultiIndex.from_product(
        [list(values), pd.to_datetime(days)], names=["CampaignId", "Date"]
    )
    return pd.DataFrame(
        {"SuccessfulDeliveryRate": [v for vs in values.values() for v in vs]}, index=index
    )


def test_a_one_day_trend_spans_that_day_not_years():
    ax = daily({"c1": [0.9], "c2": [0.8]}, ["2026-10-20"]).pinpoint.plot()
    low, high = ax.get_xlim()
    assert high - low <= 2  # was 2024-08 to 2028-12
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "20 Oct" in labels and all("20" in t or "19" in t or "21" in t for t in labels)


def test_a_single_campaigns_line_breaks_on_days_without_a_send():
    frame = daily({"c1": [0.9, 0.8, 0.85]}, ["2026-10-01", "2026-10-02", "2026-10-05"])
    ax = frame.pinpoint.plot()
    x = mdates.num2date(mdates.date2num(ax.lines[0].get_xdata()))
    y = ax.lines[0].get_ydata()
    assert [d.day for d in x] == [1, 2, 3, 4, 5]
    assert np.isnan(y[2]) and np.isnan(y[3])  # a gap, not a straight line across


def test_weekly_points_are_not_broken_into_daily_gaps():
    frame = daily({"c1": [0.9, 0.8, 0.85]}, ["2026-10-04", "2026-10-11", "2026-10-18"])
    ax = frame.pinpoint.plot()
    assert not np.isnan(ax.lines[0].get_ydata()).any()
    assert len(ax.lines[0].get_ydata()) == 3
