"""plotting/_calendar.py, asserted on the image array and the axes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from pinpoint_kpi_pandas import plotting  # noqa: E402

NAMES = {"c1": "Welcome", "c2": "Spring sale", "c3": "Newsletter"}


def test_calendar_is_campaign_by_day(three_campaigns):
    ax = three_campaigns.pinpoint.plot_calendar(names=NAMES)
    array = ax.images[0].get_array()
    assert array.shape == (3, 10)
    np.testing.assert_allclose(
        array[1], three_campaigns.loc["c2", "SuccessfulDeliveryRate"].to_numpy()
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == list(NAMES.values())
    colorbars = [a for a in ax.figure.axes if a is not ax]
    assert len(colorbars) == 1
    assert colorbars[0].get_ylabel() == "Delivery rate (%)"


def test_calendar_masks_missing_days(three_campaigns):
    sparse = three_campaigns.drop(index=[("c1", pd.Timestamp("2026-08-04"))])
    array = plotting.plot_calendar(sparse).images[0].get_array()
    assert array.mask[0, 3] and not array.mask[1, 3]


def test_calendar_passes_matplotlib_arguments_to_the_image(three_campaigns):
    ax = plotting.plot_calendar(three_campaigns, interpolation="bilinear", alpha=0.7)
    image = ax.images[0]
    assert image.get_interpolation() == "bilinear" and image.get_alpha() == 0.7
