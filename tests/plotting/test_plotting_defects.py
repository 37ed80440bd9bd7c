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


def test_sms_spend_is_drawn_in_dollars_with_the_unit():
    # Pinpoint reports SMS spend in millicents: 16,020,631 millicents is $160.21
    ids = pd.Index(["a", "b"], name="CampaignId")
    frame = pd.DataFrame({"SmsSpend": [16_020_631.0, 30_709_185.0]}, index=ids)
    ax = frame.pinpoint.plot_compare("SmsSpend", style="bar")
    ax.figure.canvas.draw()
    assert [round(p.get_width(), 2) for p in ax.patches] == [160.21, 307.09]
    assert ax.xaxis.get_offset_text().get_text() == ""  # no "1e7" in the corner
    assert ax.get_xlabel() == "Total SMS spend (USD)"
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(t.startswith("$") for t in ticks)
    assert {"$160.21", "$307.09"} <= {t.get_text() for t in ax.texts}


def test_a_weekly_resample_marks_its_partial_weeks_and_stays_inside_the_data():
    days = pd.date_range("2026-08-01", "2026-10-28", name="Date")  # a Saturday to a Wednesday
    frame = pd.DataFrame({"TxnEmailsSent": np.arange(len(days)) + 100}, index=days)
    ax = frame.pinpoint.plot("TxnEmailsSent", resample="W")
    line = ax.lines[0]
    x = [d.date().isoformat() for d in mdates.num2date(mdates.date2num(line.get_xdata()))]
    assert x[0] == "2026-08-02" and x[-1] == "2026-10-28"  # not 1 Nov, past the data
    (hollow,) = [ln for ln in ax.lines[1:] if ln.get_markerfacecolor() == "white"]
    marked = [d.date().isoformat() for d in mdates.num2date(mdates.date2num(hollow.get_xdata()))]
    assert marked == ["2026-08-02", "2026-10-28"]
    note = " ".join(t.get_text() for t in ax.texts)
    assert "01 Aug – 02 Aug: 2 of 7 days" in note and "26 Oct – 28 Oct: 3 of 7 days" in note


def test_full_weeks_are_not_marked():
    days = pd.date_range("2026-08-03", "2026-08-30", name="Date")  # Monday to Sunday, 4 weeks
    frame = pd.DataFrame({"TxnEmailsSent": np.ones(len(days), dtype=int)}, index=days)
    ax = frame.pinpoint.plot("TxnEmailsSent", resample="W")
    assert len(ax.lines) == 1 and not ax.texts


def test_a_long_title_is_wrapped_inside_the_figure_not_cut_off():
    ids = pd.Index(["A", "B"], name="CampaignId")
    frame = pd.DataFrame(
        {"DirectEmailOpens": [200, 260], "SuccessfulDeliveries": [1000, 1000]}, index=ids
    )
    long = "Email open rate vs " + "Black Friday early-access teaser for loyalty members " * 3
    ax = frame.pinpoint.plot_compare("EmailOpenRate", baseline="A", title=long)
    figure = ax.figure
    figure.canvas.draw()
    from matplotlib.text import Text

    (title,) = [c for c in ax.get_children() if isinstance(c, Text) and c.get_text() == long]
    box = title.get_window_extent(figure.canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= figure.bbox.x1
