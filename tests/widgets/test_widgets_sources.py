"""widgets/_sources.py: one interface for a frame and for Pinpoint, campaigns or journeys."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog, widgets
from pinpoint_kpi_pandas.client import ClientOptions
from pinpoint_kpi_pandas.errors import InvalidArgumentError

START, END = "2026-10-01", "2026-10-28"


def no_progress(busy: bool, text: str) -> None:
    pass


def test_journeys_of_a_project_can_be_compared(emu, app):
    dash = widgets.compare_campaigns(
        app.id, scope="journey", start_time=START, end_time=END, endpoint_url=emu.endpoint_url
    )
    assert dash.error is None
    assert dash.controls["chart"].value == "compare"  # no journey KPI is grouped by date
    assert dash.controls["campaigns"].description == "Journeys"
    assert [n for _, n in dash.controls["campaigns"].options] == [j.id for j in app.journeys]
    assert [n for _, n in dash.controls["kpi"].options] == [k.name for k in catalog.kpis("journey")]
    assert dash.frame.index.names[0] == "JourneyId"
    assert dash.frame.attrs["pinpoint"]["journey_ids"] == [j.id for j in app.journeys[:3]]
    assert set(dash.table.index) <= {j.name for j in app.journeys}
    assert "journeys" in dash.state.caption and "campaign" not in dash.state.caption


def test_the_journey_funnel_reads_the_journeys_email_counts(emu, app):
    dash = widgets.compare_campaigns(
        app.id, scope="journey", start_time=START, end_time=END, chart="funnel",
        endpoint_url=emu.endpoint_url,
    )  # fmt: skip
    assert dash.error is None
    assert dash.table.columns[:4].tolist() == ["Sent", "Delivered", "Opened", "Clicked"]
    assert set(dash.frame.attrs["pinpoint"]["kpi_names"]) == set(ppk.analysis.JOURNEY_FUNNEL_KPIS)
    sent = dash.frame["EmailsSent"].groupby(level="JourneyId").sum()
    for journey in app.journeys[:3]:
        if journey.id in sent.index:
            assert dash.table.loc[journey.name, "Sent"] == sent[journey.id]


def test_a_reader_source_lists_its_scope_and_caches_per_kpi_and_range(emu, app):
    reach = ClientOptions(endpoint_url=emu.endpoint_url)
    source = widgets.ReaderSource(app.id, scope="journey", client_options=reach)
    assert source.id_level == "JourneyId" and source.noun == "journey"
    assert source.ids == [j.id for j in app.journeys]
    pick = widgets.Selection(
        "journey-emails-sent", tuple(source.ids[:2]), dt.date(2026, 10, 1),
        dt.date(2026, 10, 28), "compare", scope="journey",
    )  # fmt: skip
    first = source.load(pick, no_progress)
    again = source.load(pick, no_progress)
    assert source.calls == 1
    pd.testing.assert_frame_equal(first, again)
    with pytest.raises(InvalidArgumentError, match="scope must be 'campaign' or 'journey'"):
        widgets.ReaderSource(app.id, scope="application", client_options=reach)


def test_a_frame_source_cuts_and_never_fetches(emu, app):
    ids = [j.id for j in app.journeys[:2]]
    frame = ppk.read_pinpoint_kpi(
        app.id, "journey-emails-sent", START, END, journey_id=ids, endpoint_url=emu.endpoint_url
    )
    before = len(emu.request_log)
    source: widgets.DataSource = widgets.FrameSource(frame)
    assert (source.scope, source.id_level, source.noun) == ("journey", "JourneyId", "journey")
    assert source.ids == ids and not source.has_dates
    assert source.fixed_range() == (dt.date(2026, 10, 1), dt.date(2026, 10, 28))
    pick = widgets.Selection(
        "journey-emails-sent", (ids[1],), dt.date(2026, 10, 5), dt.date(2026, 10, 6), "compare",
        scope="journey",
    )  # fmt: skip
    cut = source.load(pick, no_progress)
    assert cut.index.get_level_values("JourneyId").tolist() == [ids[1]]
    assert cut.attrs["pinpoint"]["journey_ids"] == [ids[1]]
    assert len(emu.request_log) == before
