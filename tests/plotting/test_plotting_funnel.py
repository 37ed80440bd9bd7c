"""plotting/_funnel.py (and the funnel totals it draws), asserted on artists."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from pinpoint_kpi_pandas import plotting  # noqa: E402
from pinpoint_kpi_pandas.errors import InvalidArgumentError  # noqa: E402


def test_funnel_bars_are_shares_of_sent(runs):
    ax = runs.pinpoint.plot_funnel(names={"B": "Beta"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Sent",
        "Delivered",
        "Opened",
        "Clicked",
    ]
    n = len(runs)
    widths = np.array([p.get_width() for p in ax.patches]).reshape(4, n)
    order = runs.AttemptedDeliveries.sort_values(ascending=False).index
    sent = runs.loc[order, "AttemptedDeliveries"].to_numpy()
    np.testing.assert_allclose(widths[0], 1.0)
    np.testing.assert_allclose(widths[2], runs.loc[order, "DirectEmailOpens"] / sent)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Beta" if k == "B" else k for k in order
    ]
    assert "2,100 sent" in [t.get_text() for t in ax.texts]


def test_funnel_needs_counts(three_campaigns):
    with pytest.raises(InvalidArgumentError, match="plot_funnel needs"):
        plotting.plot_funnel(three_campaigns)


def test_funnel_totals_are_kind_aware(runs):
    unique = runs.rename(columns={"DirectEmailOpens": "UniqueDeliveries"})
    with pytest.raises(InvalidArgumentError, match="distinct endpoints"):
        plotting.funnel_totals(unique, "CampaignId", [("Opened", ["UniqueDeliveries"])])


def test_funnel_passes_matplotlib_arguments_to_every_stage(runs):
    ax = plotting.plot_funnel(runs, alpha=0.4)
    assert {p.get_alpha() for p in ax.patches} == {0.4}
