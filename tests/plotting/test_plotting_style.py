"""What every chart shares (plotting/_style.py), on frames read from the emulator."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import pinpoint_kpi_pandas as ppk  # noqa: E402
from pinpoint_kpi_pandas import plotting  # noqa: E402


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


def test_series_cycle_colours_first_then_line_styles():
    styles = [plotting.style(i) for i in range(len(plotting.PALETTE) * 2)]
    assert [s["color"] for s in styles[: len(plotting.PALETTE)]] == list(plotting.PALETTE)
    assert {s["linestyle"] for s in styles[: len(plotting.PALETTE)]} == {"-"}
    assert {s["linestyle"] for s in styles[len(plotting.PALETTE) :]} == {"--"}
