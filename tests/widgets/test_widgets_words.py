"""The dashboard speaks of its controls, and its pickers stay inside the data."""

from __future__ import annotations

import datetime as dt

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import widgets


def test_a_range_the_kpi_cannot_cover_is_refused_in_words_of_the_controls(emu, app):
    dash = widgets.compare_campaigns(
        app.id,
        kpi="unique-deliveries-grouped-by-campaign-activity",
        chart="compare",
        start_time="2026-08-01",
        end_time="2026-10-28",
        endpoint_url=emu.endpoint_url,
    )
    assert "choose a range of at most 31 days" in dash.error.lower()
    assert "'Endpoint deliveries, grouped by date' (one value per day)" in dash.error
    assert "keep_windows" not in dash.error and "=" not in dash.error  # no Python arguments
    dash.controls["start"].value = dt.date(2026, 10, 1)
    assert dash.error is None


def test_a_frames_days_bound_the_date_pickers(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id,
        "successful-delivery-rate-grouped-by-date",
        "2026-10-01",
        "2026-10-28",
        campaign_id=[c.id for c in app.campaigns[1:4]],
        endpoint_url=emu.endpoint_url,
    )
    dash = widgets.compare_campaigns(frame)
    start, end = dash.controls["start"], dash.controls["end"]
    assert (start.min, end.max) == (dt.date(2026, 10, 1), dt.date(2026, 10, 28))
    end.value = dt.date(2026, 11, 15)  # a click cannot go past the frame's last day
    assert end.value <= dt.date(2026, 10, 28)
    assert "28 Oct 2026" in dash.state.caption and "Nov" not in dash.state.caption


def test_days_outside_a_frame_set_from_code_are_refused_not_claimed(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id,
        "successful-delivery-rate-grouped-by-date",
        "2026-10-01",
        "2026-10-28",
        campaign_id=[c.id for c in app.campaigns[1:4]],
        endpoint_url=emu.endpoint_url,
    )
    source = widgets.FrameSource(frame)
    pick = widgets.Selection(
        "successful-delivery-rate-grouped-by-date",
        tuple(source.ids),
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 28),
        "trend",
    )
    try:
        source.load(pick, lambda busy, text: None)
    except ppk.PinpointKpiError as error:
        assert "choose days inside that range" in str(error)
    else:
        raise AssertionError("days before the frame were accepted")
