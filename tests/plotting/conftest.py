"""Frames the plotting tests share; every figure is closed after each test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def three_campaigns():
    days = pd.date_range("2026-08-01", periods=10, name="Date")
    ids = ["c1", "c2", "c3"]
    index = pd.MultiIndex.from_product([ids, days], names=["CampaignId", "Date"])
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"SuccessfulDeliveryRate": rng.uniform(0.85, 0.99, 30)}, index=index)
    frame.attrs["pinpoint"] = {
        "application_id": "app1",
        "scope": "campaign",
        "campaign_ids": ids,
        "columns": {"SuccessfulDeliveryRate": "successful-delivery-rate-grouped-by-date"},
        "start_time": "2026-08-01T00:00:00Z",
        "end_time": "2026-08-10T23:59:59Z",
    }
    return frame


@pytest.fixture
def runs():
    ids = pd.Index(["A", "B", "C", "D"], name="CampaignId")
    frame = pd.DataFrame(
        {
            "AttemptedDeliveries": [2000, 2100, 400, 50],
            "SuccessfulDeliveries": [1900, 2000, 390, 48],
            "DirectEmailOpens": [380, 520, 80, 9],
            "Clicks": [40, 70, 9, 1],
        },
        index=ids,
    )
    frame.attrs["pinpoint"] = {"scope": "campaign", "application_id": "app1"}
    return frame
