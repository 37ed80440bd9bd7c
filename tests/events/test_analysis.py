"""The accessor and the plots on frames from events, as on API frames."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import pinpoint_kpi_pandas as ppk

pytestmark = pytest.mark.filterwarnings("ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plots_and_tables_of_an_events_frame(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    ids = [app.campaign("Weekly Newsletter Email").id, app.campaign("Welcome Series Email").id]
    names = [
        "successful-delivery-rate-grouped-by-date",
        "attempted-deliveries-grouped-by-date",
        "successful-deliveries-grouped-by-date",
    ]
    df = ppk.read_pinpoint_events(
        emulator_archive, app.id, names, "2026-10-01", "2026-10-28", campaign_id=ids
    )
    ax = df.pinpoint.plot(metric="SuccessfulDeliveryRate")
    assert len(ax.lines) == 2  # one line per campaign, as for an API frame
    weekly = df.pinpoint.resample("W")
    assert (
        weekly["SuccessfulDeliveryRate"]
        == weekly["SuccessfulDeliveries"] / weekly["AttemptedDeliveries"]
    ).all()
    table = df.pinpoint.compare(metric="SuccessfulDeliveryRate")
    assert set(table.index) == set(ids) and table["ci_low"].notna().all()
    labelled = df.pinpoint.label({c.id: c.name for c in app.campaigns})
    assert "Welcome Series Email" in set(labelled.index.get_level_values("CampaignId"))
    assert df.pinpoint.plot_calendar(metric="SuccessfulDeliveries") is not None
