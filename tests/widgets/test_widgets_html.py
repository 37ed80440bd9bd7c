"""widgets/_html.py: the caption and the summary table as HTML."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from pinpoint_kpi_pandas import catalog, widgets

PICK = widgets.Selection(
    "successful-delivery-rate-grouped-by-date", ("c1", "c2"), dt.date(2026, 10, 1),
    dt.date(2026, 10, 28), "trend",
)  # fmt: skip


def test_the_caption_names_the_kpi_by_title():
    kpi = catalog.get_kpi(PICK.kpi, "campaign")
    caption = widgets.caption_html(PICK, kpi=kpi, rows=56)
    assert "<b>Delivery rate, grouped by date</b> · 2 campaigns" in caption
    assert "01 Oct 2026 – 28 Oct 2026 (UTC) · 56 rows" in caption


def test_a_kpi_missing_from_the_catalog_is_named_not_a_crash():
    # The old caption read (find_kpi(...) or selection).title, and a Selection has no title.
    custom = widgets.Selection("my-own-kpi", ("j1",), PICK.start, PICK.end, "compare")
    caption = widgets.caption_html(custom, kpi=None, rows=0, noun="journey")
    assert "<b>my-own-kpi</b> · 1 journey ·" in caption


def test_the_caption_says_when_the_table_shows_an_unweighted_mean_or_days_are_fixed():
    table = pd.DataFrame({"x": [1.0]})
    table.attrs["unweighted_mean_of"] = "unweighted mean of daily values"
    caption = widgets.caption_html(
        PICK, kpi=None, rows=1, table=table, days=(dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        fixed=True,
    )  # fmt: skip
    assert "table: unweighted mean of daily values" in caption
    assert "01 Sep 2026 – 30 Sep 2026 (UTC) (the data has no days to pick)" in caption
    funnel = widgets.Selection(PICK.kpi, PICK.ids, PICK.start, PICK.end, "funnel")
    assert "<b>Delivery funnel</b>" in widgets.caption_html(funnel, kpi=None, rows=0)


def test_table_html_shows_missing_numbers_as_one_mark():
    frame = pd.DataFrame(
        {"SuccessfulDeliveryRate": [0.9, 0.8]},
        index=pd.MultiIndex.from_product(
            [["a", "b"], pd.DatetimeIndex(["2026-10-01"])], names=["CampaignId", "Date"]
        ),
    )
    kpi = catalog.get_kpi("successful-delivery-rate-grouped-by-date", "campaign")
    table = widgets.summary_table(frame, kpi=kpi, ids=["a", "b", "c"])
    html = widgets.table_html(table)
    assert "<td>—</td>" in html and "<td>–</td>" not in html and "n/a" not in html
    assert widgets.table_html(None) == ""
