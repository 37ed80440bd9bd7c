"""The comparison dashboard on an event archive: the same controls, every KPI events give."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.widgets import EventsSource, Selection

pytestmark = pytest.mark.filterwarnings("ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning")


def test_an_events_source_finds_the_campaigns_and_reads_what_a_selection_needs(
    small_emulator, emulator_archive
):
    app = small_emulator.world.applications[0]
    source = EventsSource(emulator_archive, app.id)
    assert source.date_bounds() == (dt.date(2026, 9, 29), dt.date(2026, 10, 29))
    sent = {
        c.id
        for c in app.campaigns
        if any(
            small_emulator.world.sendings(c.id, dt.date(2026, 9, 29) + dt.timedelta(days=n))
            for n in range(31)
        )
    }
    assert set(source.ids) == sent  # the campaigns that sent in those days
    names = {k.name for k in source.kpi_options()}
    assert {"clicks-grouped-by-date", "successful-delivery-rate-grouped-by-date"} <= names
    pick = Selection(
        "clicks-grouped-by-date",
        tuple(source.ids[:2]),
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 7),
        "trend",
    )
    frame = source.load(pick, lambda busy, text: None)
    expected = ppk.read_pinpoint_events(
        emulator_archive,
        app.id,
        "clicks-grouped-by-date",
        "2026-10-01",
        "2026-10-07",
        campaign_id=list(pick.ids),
    )
    pd.testing.assert_series_equal(frame["Clicks"], expected["Clicks"])
    source.load(pick, lambda busy, text: None)
    assert source.calls == 2  # the ids' scan, then one read: the second load was cached


def test_the_dashboard_compares_campaigns_from_their_events(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    email = [app.campaign("Weekly Newsletter Email").id, app.campaign("Welcome Series Email").id]
    dash = ppk.widgets.compare_campaigns(
        app.id,
        events=emulator_archive,
        kpi="direct-email-opens-grouped-by-date",
        start_time="2026-10-01",
        end_time="2026-10-14",
        campaigns=email,
    )
    assert dash.frame.attrs["pinpoint"]["source"] == "events"
    dash.controls["chart"].value = "compare"
    assert len(dash.table) == 2
