"""The KPI engine's precomputed answers equal a direct sum over the world's daily counters.

The engine answers from prefix sums (:mod:`pinpoint_kpi_pandas.emulator.tables`); here every
count, rate and average KPI is recomputed the slow way, slot by slot and day by day from
``World.counters``, for windows of full days, windows that end on the clock's partial day and
windows that start before the data does.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas.emulator import build_world
from pinpoint_kpi_pandas.emulator.counters import SMS_ERROR_CODES
from pinpoint_kpi_pandas.emulator.kpis import KpiEngine, metric_of

TODAY = dt.date(2026, 10, 29)
FRACTION = 0.42
WINDOWS = [
    (dt.date(2026, 9, 10), dt.date(2026, 10, 9)),  # full days
    (dt.date(2026, 10, 20), dt.date(2026, 10, 31)),  # ends after the clock: today is partial
    (dt.date(2026, 7, 15), dt.date(2026, 7, 25)),  # before most campaigns started
    (dt.date(2026, 10, 29), dt.date(2026, 10, 29)),  # the clock's day alone
]


def _slots(world, kpi, app, entity_id, first, last):
    """(group values, day, counters) of every slot in the window, from World.counters."""
    if kpi.family == "campaigns":
        keys = [(c.id, c.id) for c in app.campaigns]
    elif kpi.family in ("campaign", "journey"):
        keys = [(entity_id, None)]
    else:
        keys = [(app.txn_email_key if kpi.family == "txn-email" else app.txn_sms_key, None)]
    day = first
    while day <= min(last, TODAY):
        fraction = FRACTION if day == TODAY else 1.0
        for key, campaign_id in keys:
            for label, counters in world.counters(key, day, fraction):
                yield {"CampaignId": campaign_id, "label": label}, day, counters
        day += dt.timedelta(days=1)


def _expected(world, kpi, app, entity_id, first, last) -> dict:
    metric = metric_of(kpi)
    sums: dict = {}
    for groups, day, counters in _slots(world, kpi, app, entity_id, first, last):
        if kpi.grouped_by == "ErrorCode":
            for code in SMS_ERROR_CODES:
                entry = sums.setdefault(code, [0, 0])
                entry[0] += counters[f"error:{code}"]
            continue
        if kpi.grouped_by == "Date":
            group = day.isoformat()
        elif kpi.grouped_by == "CampaignId":
            group = groups["CampaignId"]
        elif kpi.grouped_by is None:
            group = None
        else:
            group = groups["label"]
        entry = sums.setdefault(group, [0, 0])
        entry[0] += counters[metric.numerator]
        if metric.denominator:
            entry[1] += counters[metric.denominator]
    out = {}
    for group, (top, bottom) in sums.items():
        if metric.denominator is None and top > 0:
            out[group] = float(top)
        elif metric.denominator is not None and bottom > 0:
            out[group] = top / bottom
    return out


def _entities(world, kpi):
    app = world.applications[0]
    if kpi.scope == "campaign":
        return [(app, c.id) for c in app.campaigns]
    if kpi.scope == "journey":
        return [(app, j.id) for j in app.journeys]
    return [(app, None), (world.applications[1], None), (world.applications[2], None)]


@pytest.mark.parametrize(
    "kpi",
    [k for k in catalog.kpis() if k.kind != "unique_count"],
    ids=lambda k: f"{k.scope}:{k.name}",
)
def test_precomputed_answers_equal_the_direct_sums(kpi):
    world = build_world(0, scale=0.3)
    engine = KpiEngine(world)
    for app, entity_id in _entities(world, kpi):
        for first, last in WINDOWS:
            rows = engine.rows(kpi, app, entity_id, first, last, today=TODAY, fraction=FRACTION)
            got = {
                (r["GroupedBys"][0]["Value"] if "GroupedBys" in r else None): float(
                    r["Values"][0]["Value"]
                )
                for r in rows
            }
            assert got == pytest.approx(_expected(world, kpi, app, entity_id, first, last))
            groups = [r["GroupedBys"][0]["Value"] for r in rows if "GroupedBys" in r]
            if kpi.grouped_by == "Date":
                assert groups == sorted(groups)
