"""KPI frames the analysis tests share: daily counts and rate, unique counts, campaign runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk

RUN_KPIS = [
    "attempted-deliveries-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
    "direct-email-opens-grouped-by-campaign-activity",
    "clicks-grouped-by-campaign-activity",
    "email-open-rate-grouped-by-campaign-activity",
]


def _response(kpi_name, key, rows, *, campaign="c1", group="Date", value_type="Double"):
    return {
        "CampaignDateRangeKpiResponse": {
            "ApplicationId": "app1",
            "CampaignId": campaign,
            "KpiName": kpi_name,
            "StartTime": "2026-08-03T00:00:00Z",
            "EndTime": "2026-08-30T23:59:59Z",
            "KpiResult": {
                "Rows": [
                    {
                        "GroupedBys": [{"Key": group, "Type": "String", "Value": g}],
                        "Values": [{"Key": key, "Type": value_type, "Value": str(float(v))}],
                    }
                    for g, v in rows
                ]
            },
        }
    }


@pytest.fixture
def daily():
    """Four weeks of daily deliveries (both counts and the rate), as a multi-KPI read gives."""
    days = pd.date_range("2026-08-03", periods=28, freq="D")
    rng = np.random.default_rng(0)
    attempted = rng.integers(800, 1200, size=28)
    delivered = (attempted * rng.uniform(0.9, 0.99, size=28)).astype(int)
    frame = pd.DataFrame(
        {
            "SuccessfulDeliveryRate": delivered / attempted,
            "SuccessfulDeliveries": delivered,
            "AttemptedDeliveries": attempted,
        },
        index=pd.DatetimeIndex(days, name="Date"),
    )
    frame.attrs["pinpoint"] = {
        "application_id": "app1",
        "scope": "campaign",
        "kpi_names": ["successful-delivery-rate-grouped-by-date"],
        "columns": {"SuccessfulDeliveryRate": "successful-delivery-rate-grouped-by-date"},
        "start_time": "2026-08-03T00:00:00Z",
        "end_time": "2026-08-30T23:59:59Z",
    }
    return frame


@pytest.fixture
def unique_daily():
    rows = [(f"2026-08-{d:02d}", 100 + d) for d in range(3, 17)]
    return ppk.kpi_frame(_response("unique-deliveries-grouped-by-date", "UniqueDeliveries", rows))


@pytest.fixture
def runs():
    """Campaign runs of three campaigns with opens and deliveries, stacked under CampaignId."""
    data = {
        "A": [("a1", 400, 2000), ("a2", 410, 2000)],
        "B": [("b1", 560, 2000), ("b2", 540, 2000)],
        "C": [("c1", 20, 100), ("c2", 23, 100)],
        "D": [("d1", 2, 10)],
    }
    index, opens, delivered = [], [], []
    for campaign, rows in data.items():
        for run, o, d in rows:
            index.append((campaign, run))
            opens.append(o)
            delivered.append(d)
    frame = pd.DataFrame(
        {"DirectEmailOpens": opens, "SuccessfulDeliveries": delivered},
        index=pd.MultiIndex.from_tuples(index, names=["CampaignId", "CampaignActivityId"]),
    )
    frame["EmailOpenRate"] = frame.DirectEmailOpens / frame.SuccessfulDeliveries
    frame.attrs["pinpoint"] = {
        "application_id": "app1",
        "scope": "campaign",
        "campaign_ids": list(data),
        "columns": {
            "DirectEmailOpens": "direct-email-opens-grouped-by-campaign-activity",
            "SuccessfulDeliveries": "successful-deliveries-grouped-by-campaign-activity",
            "EmailOpenRate": "email-open-rate-grouped-by-campaign-activity",
        },
    }
    return frame


@pytest.fixture(scope="module")
def emulated_runs(emulator):
    app = emulator.world.applications[0]
    ids = [c.id for c in app.campaigns]
    frame = ppk.read_pinpoint_kpi(
        app.id,
        RUN_KPIS,
        "2026-10-01",
        "2026-10-28",
        campaign_id=ids,
        endpoint_url=emulator.endpoint_url,
    )
    return app, frame


@pytest.fixture
def unsorted_runs(runs):
    """The runs fixture with campaigns in an order that is not alphabetical: C, A, D, B."""
    frame = runs.loc[["C", "A", "D", "B"]]
    frame.attrs = runs.attrs
    return frame
