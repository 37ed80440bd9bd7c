"""compare() takes the metric first, as plot_compare does; the old order still works."""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas


@pytest.fixture
def runs():
    ids = pd.Index(["A", "B", "C"], name="CampaignId")
    return pd.DataFrame(
        {"DirectEmailOpens": [200, 260, 21], "SuccessfulDeliveries": [1000, 1000, 100]},
        index=ids,
    )


def test_the_metric_is_the_first_argument(runs):
    # compare("EmailOpenRate") used to take the rate for a baseline id and fail
    table = runs.pinpoint.compare("EmailOpenRate")
    assert table.attrs["pinpoint"]["compare"]["metric"] == "EmailOpenRate"
    assert table["ci_low"].notna().all()


def test_metric_and_baseline_positionally_as_plot_compare_takes_them(runs):
    table = runs.pinpoint.compare("EmailOpenRate", "B")
    assert table.loc["B", "baseline"] and table.loc["B", "difference"] == 0


def test_the_old_order_still_works_with_a_future_warning_at_the_callers_line(runs):
    with pytest.warns(FutureWarning, match=r"compare\(metric, baseline\)") as caught:
        old = runs.pinpoint.compare("B", "EmailOpenRate")
    assert caught[0].filename == __file__  # points at the user's call, not the library
    pd.testing.assert_frame_equal(old, runs.pinpoint.compare("EmailOpenRate", baseline="B"))


def test_a_lone_baseline_id_is_recognised_too(runs):
    with pytest.warns(FutureWarning):
        table = runs.pinpoint.compare("C")
    assert table.loc["C", "baseline"]


def test_an_unknown_metric_is_still_refused_by_name(runs):
    with pytest.raises(pinpoint_kpi_pandas.PinpointKpiError, match="NoSuchRate"):
        runs.pinpoint.compare("NoSuchRate")
