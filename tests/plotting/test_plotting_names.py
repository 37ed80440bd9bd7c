"""Charts name campaigns by the names their frame carries, uniquely, and long names never squeeze
the plot away (issue 10, items 4 and 5). Assertions are on the artists."""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.plotting import plot_calendar, plot_compare, plot_funnel, plot_trend

COUNTS = [
    "attempted-deliveries-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
    "clicks-grouped-by-campaign-activity",
]
LONG = [
    "Autumn newsletter, second send: the twenty best offers of the week for loyal customers",
    "Autumn newsletter, second send: the twenty best offers of the week for new customers",
    "Black Friday teaser with a countdown to midnight and a coupon for every subscriber",
]


@pytest.fixture(scope="module")
def runs(emulator, sample_app):
    """Per-run counts of the email campaigns with data in October, read with every name."""
    email = [c.id for c in sample_app.campaigns if c.channel == "EMAIL"][1:]
    return ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, "2026-10-01", "2026-10-28", campaign_id=email,
        names=ppk.list_campaigns(sample_app.id, endpoint_url=emulator.endpoint_url),
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip


@pytest.fixture(scope="module")
def daily(emulator, sample_app):
    return ppk.read_pinpoint_kpi(
        sample_app.id, "successful-delivery-rate-grouped-by-date", "2026-10-01", "2026-10-28",
        campaign_id="all", endpoint_url=emulator.endpoint_url,
    )  # fmt: skip


def _ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def _named(frame: pd.DataFrame, names: dict) -> pd.DataFrame:
    out = frame.copy()
    out.attrs["pinpoint"] = {**frame.attrs["pinpoint"], "names": names}
    return out


def test_every_chart_names_campaigns_by_the_names_the_frame_carries(runs, daily, sample_app):
    names = {c.name for c in sample_app.campaigns}
    legend = [t.get_text() for t in plot_trend(daily).get_legend().get_texts()]
    assert set(legend) <= names | {f"{n} (no data)" for n in names} and len(legend) == 12
    shown = [t.removesuffix(" (baseline)") for t in _ticks(plot_compare(runs, "EmailOpenRate"))]
    assert set(shown) <= names and len(shown) == 5
    assert set(_ticks(plot_funnel(runs))) <= names
    assert {t.removesuffix(" (no data)") for t in _ticks(plot_calendar(daily))} <= names


def test_names_given_to_a_chart_win_over_those_the_frame_carries(runs, sample_app):
    welcome = sample_app.campaign("Welcome Series Email").id
    ax = plot_compare(runs, "EmailOpenRate", names={welcome: "Welcome (v2)"})
    assert "Welcome (v2)" in [t.removesuffix(" (baseline)") for t in _ticks(ax)]


def test_two_campaigns_with_one_name_get_two_labels(runs):
    ids = list(dict.fromkeys(runs.index.get_level_values("CampaignId")))
    same = _named(runs, {ids[0]: "Sale", ids[1]: "Sale"})
    shown = [t.removesuffix(" (baseline)") for t in _ticks(plot_compare(same, "EmailOpenRate"))]
    assert {f"Sale ({ids[0][:8]})", f"Sale ({ids[1][:8]})"} <= set(shown)
    assert len(set(_ticks(plot_funnel(same)))) == len(ids)


def _axes_share(ax) -> float:
    ax.figure.canvas.draw()
    return ax.get_position().width


def test_long_names_do_not_squeeze_the_compare_chart(runs):
    ids = list(dict.fromkeys(runs.index.get_level_values("CampaignId")))
    long = _named(runs, dict(zip(ids, LONG, strict=False)))
    ax = plot_compare(long, "EmailOpenRate")
    labels = [t.removesuffix(" (baseline)") for t in _ticks(ax)]
    assert max(len(t) for t in labels) <= 40
    assert len(set(labels)) == len(labels)  # two names alike but for their end stay apart
    assert _axes_share(ax) > 0.5  # the bars keep most of the figure's width
    footnote = "\n".join(t.get_text() for t in ax.texts if "shortened" in t.get_text())
    assert "compare() lists them whole" in footnote
    # the whole names are in the table
    table = long.pinpoint.compare("EmailOpenRate")
    assert set(LONG) <= set(table["CampaignName"])


def test_long_names_do_not_squeeze_the_trend_funnel_or_calendar(runs, daily):
    ids = list(dict.fromkeys(daily.index.get_level_values("CampaignId")))
    long = _named(daily, {i: f"{LONG[n % 3]} #{n}" for n, i in enumerate(ids)})
    trend = plot_trend(long)
    legend = [t.get_text() for t in trend.get_legend().get_texts()]
    assert max(len(t.removesuffix(" (no data)")) for t in legend) <= 40
    assert len(set(legend)) == len(legend)
    assert _axes_share(trend) > 0.5
    calendar = plot_calendar(long)
    assert max(len(t) for t in _ticks(calendar)) <= 40
    funnel_ids = list(dict.fromkeys(runs.index.get_level_values("CampaignId")))
    funnel = plot_funnel(_named(runs, dict(zip(funnel_ids, LONG, strict=False))))
    assert max(len(t) for t in _ticks(funnel)) <= 40
    assert _axes_share(funnel) > 0.45


def test_the_calendar_has_a_grey_row_for_a_campaign_without_data(daily, sample_app):
    ax = plot_calendar(daily)
    ticks = _ticks(ax)
    assert len(ticks) == len(sample_app.campaigns) == 12  # none vanishes
    assert ticks[-1] == "Spring Sale Email (no data)"  # no send in October
    grid = ax.images[0].get_array()
    assert grid.mask[-1].all() and not grid.mask[0].all()  # its row all grey, the others not
