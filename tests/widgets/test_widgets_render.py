"""widgets/_render.py: the pure part, data in, figure and table out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")
from pinpoint_kpi_pandas import catalog, widgets


def _frame(values: dict[str, list[float]], column: str) -> pd.DataFrame:
    days = pd.date_range("2026-10-01", periods=len(next(iter(values.values()))), freq="D")
    index = pd.MultiIndex.from_product([list(values), days], names=["CampaignId", "Date"])
    frame = pd.DataFrame({column: np.concatenate(list(values.values()))}, index=index)
    kpi = catalog.kpis_with_value_key(column, "campaign")[0]
    frame.attrs["pinpoint"] = {"scope": "campaign", "columns": {column: kpi.name}}
    return frame


def test_summary_table_names_rows_and_keeps_campaigns_without_data():
    rate = catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    data = _frame({"a": [0.5, 0.7, 0.9], "b": [1.0, 1.0, 1.0]}, "SuccessfulDeliveryRate")
    table = widgets.summary_table(data, kpi=rate, labels={"a": "Alpha"}, ids=["a", "b", "c"])
    assert table.index.tolist() == ["b", "Alpha", "c"]  # largest first, no data last
    assert table.loc["Alpha", "SuccessfulDeliveryRate (unweighted mean)"] == pytest.approx(0.7)
    assert table.attrs["unweighted_mean_of"] == "unweighted mean of daily values"
    assert table.loc["Alpha", "note"] == "baseline"
    assert table.loc["c", "note"] == "no data in range"
    html = widgets.table_html(table)
    assert "70.00%" in html and "+30.00 pp" in html


def test_funnel_table_sums_runs_and_shows_the_charts_shares_of_sent():
    runs = pd.DataFrame(
        {
            "AttemptedDeliveries": [10, 20, 5],
            "SuccessfulDeliveries": [9, 18, 5],
            "DirectEmailOpens": [3, 6, 0],
            "Clicks": [1, 2, 0],
        },
        index=pd.MultiIndex.from_tuples(
            [("a", "r1"), ("a", "r2"), ("b", "r3")], names=["CampaignId", "CampaignActivityId"]
        ),
    )
    table = widgets.summary_table(runs, kpi=None, chart="funnel", ids=["a", "b", "c"])
    assert table["Sent"].tolist()[:2] == [30, 5]
    # the shares the bars show (of the messages sent), not stage over stage
    assert table.loc["a", "Opened / Sent"] == pytest.approx(9 / 30)
    assert table.columns[4:].tolist() == [
        "Delivered / Sent",
        "Opened / Sent",
        "Clicked / Sent",
        "CampaignId",  # each row's id, beside its name (the index)
    ]
    # a campaign without data has no data, not zero messages
    assert table.loc["c"].drop("CampaignId").isna().all()
    assert "<td>no data</td>" in widgets.table_html(table)


def test_funnel_table_and_chart_agree_on_an_empty_stage():
    # An SMS campaign: sent and delivered, but no opens or clicks of any kind.
    frame = pd.DataFrame(
        {
            "AttemptedDeliveries": [100, 50],
            "SuccessfulDeliveries": [90, 48],
            "DirectEmailOpens": [30.0, np.nan],
            "Clicks": [5.0, np.nan],
        },
        index=pd.Index(["email", "sms"], name="CampaignId"),
    )
    table = widgets.summary_table(frame, kpi=None, chart="funnel")
    assert pd.isna(table.loc["sms", "Opened"]) and pd.isna(table.loc["sms", "Clicked"])
    assert table.loc["sms", "Sent"] == 50
    figure, _ = widgets.render_comparison(frame, kpi=None, chart="funnel")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts.count("no data") == 2  # sms: opened, clicked


def test_render_is_pure_and_leaves_pyplot_alone():
    import matplotlib.pyplot as plt

    rate = catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    data = _frame({"a": [0.5, 0.7], "b": [0.9, 0.8]}, "SuccessfulDeliveryRate")
    copy = data.copy()
    before = plt.get_fignums()
    for chart in ("trend", "compare", "calendar"):
        figure, table = widgets.render_comparison(data, kpi=rate, chart=chart)
        assert figure.axes and len(table) == 2
    assert plt.get_fignums() == before
    pd.testing.assert_frame_equal(data, copy)


def test_render_with_no_rows_says_so():
    rate = catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    empty = _frame({"a": [0.5]}, "SuccessfulDeliveryRate").iloc[:0]
    figure, table = widgets.render_comparison(empty, kpi=rate, chart="trend", ids=["a"])
    assert "No data" in figure.axes[0].texts[0].get_text()
    assert table.index.tolist() == ["a"]


def test_funnel_table_rows_follow_the_charts_order():
    runs = pd.DataFrame(
        {
            "AttemptedDeliveries": [5, 30],
            "SuccessfulDeliveries": [5, 27],
            "DirectEmailOpens": [1, 9],
            "Clicks": [0, 3],
        },
        index=pd.Index(["small", "big"], name="CampaignId"),
    )
    figure, table = widgets.render_comparison(
        runs, kpi=None, chart="funnel", ids=["small", "big", "none"]
    )
    ax = figure.axes[0]
    ticks = sorted(ax.get_yticklabels(), key=lambda t: t.get_position()[1])
    top_down = [t.get_text() for t in (ticks if ax.yaxis_inverted() else ticks[::-1])]
    assert top_down == ["big", "small"]
    assert table.index.tolist() == ["big", "small", "none"]  # the same order as drawn
