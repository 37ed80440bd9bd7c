"""analysis/_funnel.py: the funnel defined once, for campaigns and for journeys."""

from __future__ import annotations

import pandas as pd
import pytest

from pinpoint_kpi_pandas import catalog, demo, plotting, widgets
from pinpoint_kpi_pandas.analysis import (
    FUNNEL_KPIS,
    FUNNEL_STAGES,
    JOURNEY_FUNNEL_KPIS,
    JOURNEY_FUNNEL_STAGES,
    funnel_shares,
    missing_stages_message,
    stages_for,
)
from pinpoint_kpi_pandas.errors import InvalidArgumentError


@pytest.mark.parametrize(
    ("scope", "stages", "kpis"),
    [
        ("campaign", FUNNEL_STAGES, FUNNEL_KPIS),
        ("journey", JOURNEY_FUNNEL_STAGES, JOURNEY_FUNNEL_KPIS),
    ],
)
def test_each_stage_column_is_an_additive_count_kpi_of_the_scope(scope, stages, kpis):
    columns = [c for _, cols in stages for c in cols]
    found = [catalog.get_kpi(name, scope) for name in kpis]
    assert [k.value_key for k in found] == columns
    assert all(k.is_additive for k in found)
    assert {k.grouped_by for k in found} == {f"{scope.capitalize()}ActivityId"}


def test_the_chart_the_dashboard_and_the_demo_share_one_definition():
    assert widgets.FUNNEL_KPIS is FUNNEL_KPIS
    assert demo.RUN_KPIS is FUNNEL_KPIS
    assert plotting.FUNNEL_STAGES is FUNNEL_STAGES


def test_a_journey_frame_gets_the_journey_funnel():
    journeys = pd.DataFrame(
        {"EmailsSent": [100, 40], "EmailsDelivered": [90, 40], "EmailsOpened": [30, 10]},
        index=pd.Index(["j1", "j2"], name="JourneyId"),
    )
    assert stages_for(journeys) == JOURNEY_FUNNEL_STAGES
    shares = funnel_shares(journeys)
    assert [label for label, _ in shares.stages] == ["Sent", "Delivered", "Opened"]
    assert shares.shares.loc["j1", "Opened"] == pytest.approx(0.3)
    assert shares.totals.index.tolist() == ["j1", "j2"]  # largest first stage first


def test_what_to_read_is_named_from_the_one_table():
    with pytest.raises(InvalidArgumentError) as info:
        funnel_shares(pd.DataFrame({"Clicks": [1]}, index=pd.Index(["c"], name="CampaignId")))
    assert all(name in str(info.value) for name in FUNNEL_KPIS)
    message = missing_stages_message(["EmailsSent"], "journey")
    assert message is not None
    assert "emails-opened-grouped-by-journey-activity" in message and "journeys" in message
    assert missing_stages_message([c for _, cols in FUNNEL_STAGES for c in cols], None) is None
