"""Plots: asserted on artists (lines, legend texts, titles, bars), never on pixels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

import pinpoint_kpi_pandas as ppk  # noqa: E402
from pinpoint_kpi_pandas import plotting  # noqa: E402
from pinpoint_kpi_pandas.errors import InvalidArgumentError  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def three_campaigns():
    days = pd.date_range("2026-08-01", periods=10, name="Date")
    ids = ["c1", "c2", "c3"]
    index = pd.MultiIndex.from_product([ids, days], names=["CampaignId", "Date"])
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"SuccessfulDeliveryRate": rng.uniform(0.85, 0.99, 30)}, index=index)
    frame.attrs["pinpoint"] = {
        "application_id": "app1",
        "scope": "campaign",
        "campaign_ids": ids,
        "columns": {"SuccessfulDeliveryRate": "successful-delivery-rate-grouped-by-date"},
        "start_time": "2026-08-01T00:00:00Z",
        "end_time": "2026-08-10T23:59:59Z",
    }
    return frame


NAMES = {"c1": "Welcome", "c2": "Spring sale", "c3": "Newsletter"}


@pytest.fixture
def runs():
    ids = pd.Index(["A", "B", "C", "D"], name="CampaignId")
    frame = pd.DataFrame(
        {
            "AttemptedDeliveries": [2000, 2100, 400, 50],
            "SuccessfulDeliveries": [1900, 2000, 390, 48],
            "DirectEmailOpens": [380, 520, 80, 9],
            "Clicks": [40, 70, 9, 1],
        },
        index=ids,
    )
    frame.attrs["pinpoint"] = {"scope": "campaign", "application_id": "app1"}
    return frame


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
    assert len(y) == 9 and np.isnan(y[2])


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


def test_compare_bars_sorted_with_baseline_and_error_bars(runs):
    _fig, ax = plt.subplots()
    out = runs.pinpoint.plot_compare(
        "EmailOpenRate", baseline="A", names={"A": "Alpha"}, ax=ax, style="bar"
    )
    assert out is ax
    table = runs.pinpoint.compare(baseline="A", metric="EmailOpenRate")
    widths = [p.get_width() for p in ax.patches]
    # barh draws bottom-up: the largest rate is the top bar (the last patch)
    np.testing.assert_allclose(widths[::-1], table["EmailOpenRate"].to_numpy())
    labels = [t.get_text() for t in ax.get_yticklabels()][::-1]
    assert labels == [("Alpha (baseline)" if k == "A" else k) for k in table.index]
    colors = {tuple(p.get_facecolor()) for p in ax.patches}
    assert len(colors) == 2  # the baseline stands out
    bars = next(c for c in ax.containers if isinstance(c, BarContainer))
    assert bars.errorbar is not None
    segments = bars.errorbar.lines[2][0].get_segments()
    top = segments[-1]  # the largest rate's interval
    assert top[0][0] == pytest.approx(table["ci_low"].iloc[0])
    assert top[1][0] == pytest.approx(table["ci_high"].iloc[0])
    texts = [t.get_text() for t in ax.texts]
    assert f"{table['EmailOpenRate'].iloc[0]:.1%} *" in texts
    assert any("Wilson" in t for t in texts)
    assert ax.get_title(loc="left") == "Email open rate vs Alpha"
    assert isinstance(ax.xaxis.get_major_formatter(), PercentFormatter)


def test_compare_without_counts_has_no_error_bars(runs):
    rates = (runs.DirectEmailOpens / runs.SuccessfulDeliveries).rename("EmailOpenRate").to_frame()
    ax = plotting.plot_compare(rates)
    assert [c.errorbar for c in ax.containers] == [None]
    assert any("no intervals" in t.get_text() for t in ax.texts)


def test_compare_accepts_a_comparison_table_and_footnotes_missing_rows(runs):
    runs.loc["D", "DirectEmailOpens"] = np.nan
    table = runs.pinpoint.compare(metric="EmailOpenRate")
    ax = plotting.plot_compare(table, style="bar")
    assert len(ax.patches) == 3
    assert any("No data (not shown): D" in t.get_text() for t in ax.texts)


def test_compare_close_values_become_dots_on_a_zoomed_axis():
    ids = pd.Index(["A", "B", "C"], name="CampaignId")
    frame = pd.DataFrame(
        {"SuccessfulDeliveries": [9700, 9800, 9600], "AttemptedDeliveries": [10000] * 3},
        index=ids,
    )
    ax = plotting.plot_compare(frame, "SuccessfulDeliveryRate")
    assert len(ax.patches) == 0
    points = [c for c in ax.containers if c.has_xerr]
    assert len(points) == 3
    centres = sorted(float(c.lines[0].get_xdata()[0]) for c in points)
    assert centres == pytest.approx([0.96, 0.97, 0.98])
    low, high = ax.get_xlim()
    assert 0.9 < low < 0.96 and high > 0.98  # zoomed to the data, not from zero


def test_funnel_bars_are_shares_of_sent(runs):
    ax = runs.pinpoint.plot_funnel(names={"B": "Beta"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Sent",
        "Delivered",
        "Opened",
        "Clicked",
    ]
    n = len(runs)
    widths = np.array([p.get_width() for p in ax.patches]).reshape(4, n)
    order = runs.AttemptedDeliveries.sort_values(ascending=False).index
    sent = runs.loc[order, "AttemptedDeliveries"].to_numpy()
    np.testing.assert_allclose(widths[0], 1.0)
    np.testing.assert_allclose(widths[2], runs.loc[order, "DirectEmailOpens"] / sent)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Beta" if k == "B" else k for k in order
    ]
    assert "2,100 sent" in [t.get_text() for t in ax.texts]


def test_funnel_needs_counts(three_campaigns):
    with pytest.raises(InvalidArgumentError, match="plot_funnel needs"):
        plotting.plot_funnel(three_campaigns)


def test_calendar_is_campaign_by_day(three_campaigns):
    ax = three_campaigns.pinpoint.plot_calendar(names=NAMES)
    array = ax.images[0].get_array()
    assert array.shape == (3, 10)
    np.testing.assert_allclose(
        array[1], three_campaigns.loc["c2", "SuccessfulDeliveryRate"].to_numpy()
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == list(NAMES.values())
    colorbars = [a for a in ax.figure.axes if a is not ax]
    assert len(colorbars) == 1
    assert colorbars[0].get_ylabel() == "Delivery rate (%)"


def test_calendar_masks_missing_days(three_campaigns):
    sparse = three_campaigns.drop(index=[("c1", pd.Timestamp("2026-08-04"))])
    array = plotting.plot_calendar(sparse).images[0].get_array()
    assert array.mask[0, 3] and not array.mask[1, 3]


def test_plots_from_the_emulator(emulator):
    app = emulator.world.applications[0]
    ids = [c.id for c in app.campaigns[:3]]
    frame = ppk.read_pinpoint_kpi(
        app.id,
        "successful-delivery-rate-grouped-by-date",
        "2026-08-01",
        "2026-10-28",
        campaign_id=ids,
        endpoint_url=emulator.endpoint_url,
    )
    ax = frame.pinpoint.label(endpoint_url=emulator.endpoint_url).pinpoint.plot()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        c.name for c in app.campaigns[:3]
    ]
    assert len(ax.lines) == 3


def test_compare_of_an_unweighted_mean_says_so_in_title_and_axis(three_campaigns):
    table = three_campaigns.pinpoint.compare(baseline="c1", unweighted_mean=True)
    # the table may be asked for by its value key too
    ax = plotting.plot_compare(table, "SuccessfulDeliveryRate")
    assert ax.get_title(loc="left").startswith(
        "Delivery rate (unweighted mean of daily values) vs c1"
    )
    assert ax.get_xlabel() == "Delivery rate (%), unweighted mean of daily values"


def test_trend_of_an_unweighted_mean_says_so(three_campaigns):
    ax = three_campaigns.pinpoint.plot("SuccessfulDeliveryRate", resample="W", unweighted_mean=True)
    assert ax.get_title(loc="left").startswith(
        "Delivery rate (unweighted mean of daily values), weekly"
    )
    assert ax.get_ylabel() == "Delivery rate (%), unweighted mean of daily values"


def test_funnel_totals_are_kind_aware(runs):
    unique = runs.rename(columns={"DirectEmailOpens": "UniqueDeliveries"})
    with pytest.raises(InvalidArgumentError, match="distinct endpoints"):
        plotting.funnel_totals(unique, "CampaignId", [("Opened", ["UniqueDeliveries"])])
