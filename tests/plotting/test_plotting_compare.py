"""plotting/_compare.py, asserted on artists (bars, error bars, labels, titles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

from pinpoint_kpi_pandas import plotting  # noqa: E402


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


def test_compare_of_an_unweighted_mean_says_so_in_title_and_axis(three_campaigns):
    table = three_campaigns.pinpoint.compare(baseline="c1", unweighted_mean=True)
    # the table may be asked for by its value key too
    ax = plotting.plot_compare(table, "SuccessfulDeliveryRate")
    assert ax.get_title(loc="left").startswith(
        "Delivery rate (unweighted mean of daily values) vs c1"
    )
    assert ax.get_xlabel() == "Delivery rate (%), unweighted mean of daily values"


def test_compare_passes_matplotlib_arguments_to_the_bars_or_dots(runs):
    bars = plotting.plot_compare(runs, "EmailOpenRate", style="bar", edgecolor="red", hatch="//")
    assert {p.get_hatch() for p in bars.patches} == {"//"}
    dots = plotting.plot_compare(runs, "EmailOpenRate", style="dot", markersize=11)
    assert {line.get_markersize() for line in dots.lines if line.get_marker() == "o"} == {11.0}
