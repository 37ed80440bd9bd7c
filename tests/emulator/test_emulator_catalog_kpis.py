"""Every (scope, kpi-name) of the catalog answers, with the catalog's keys and the wire's types."""

from __future__ import annotations

import math
import re

import pytest

from pinpoint_kpi_pandas import catalog

# Which campaign has data for a campaign-scope Values key (the others answer no rows).
_CAMPAIGN_FOR = {
    "PushOpenRate": "App Re-engagement Push",
    "DirectPushOpens": "App Re-engagement Push",
    "SmsSpend": "Cart Reminder SMS",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.mark.parametrize("kpi_entry", catalog.kpis(), ids=lambda k: f"{k.scope}:{k.name}")
def test_every_catalog_kpi_answers_at_its_scope(kpi_entry, kpi, sample_app):
    ids = {}
    if kpi_entry.scope == "campaign":
        name = _CAMPAIGN_FOR.get(kpi_entry.value_key, "Welcome Series Email")
        ids["campaign"] = sample_app.campaign(name).id
    elif kpi_entry.scope == "journey":
        ids["journey"] = sample_app.journey("Onboarding Journey").id
    rows = kpi.rows(kpi_entry.name, start="2026-10-01", end="2026-10-28", **ids)
    assert rows, f"{kpi_entry.name} answered no rows"
    if kpi_entry.grouped_by is None:
        assert len(rows) == 1
        assert "GroupedBys" not in rows[0]
    groups = []
    for row in rows:
        (value,) = row["Values"]
        assert value["Key"] == kpi_entry.value_key
        assert value["Type"] == "Double"
        number = float(value["Value"])
        assert math.isfinite(number) and number >= 0
        if kpi_entry.kind == "rate":
            assert 0 <= number <= 1
        if kpi_entry.kind in ("count", "unique_count"):
            assert value["Value"].endswith(".0")
        if kpi_entry.grouped_by is not None:
            (group,) = row["GroupedBys"]
            assert group["Key"] == kpi_entry.grouped_by
            assert group["Type"] == "String"
            groups.append(group["Value"])
    assert len(groups) == len(set(groups))
    if kpi_entry.grouped_by == "Date":
        assert all(_DATE.match(g) for g in groups)
        assert groups == sorted(groups)
        assert groups[0] >= "2026-10-01" and groups[-1] <= "2026-10-28"
    if kpi_entry.grouped_by == "CampaignId":
        assert set(groups) <= {c.id for c in sample_app.campaigns}
    if kpi_entry.grouped_by == "CampaignActivityId":
        assert set(groups) <= {
            a.id
            for a in sample_app.campaign(
                _CAMPAIGN_FOR.get(kpi_entry.value_key, "Welcome Series Email")
            ).activities
        }
    if kpi_entry.grouped_by == "JourneyActivityId":
        assert set(groups) == set(sample_app.journey("Onboarding Journey").activity_ids)
    if kpi_entry.grouped_by == "CountryCode":
        assert set(groups) == set(sample_app.countries)


def test_the_empty_project_answers_no_rows(pinpoint_client, emulator):
    """Acme Sandbox has no traffic: every application KPI answers ``"Rows": []``."""
    sandbox = emulator.world.application("Acme Sandbox")
    for entry in catalog.kpis("application"):
        answer = pinpoint_client.get_application_date_range_kpi(
            ApplicationId=sandbox.id, KpiName=entry.name
        )
        assert answer["ApplicationDateRangeKpiResponse"]["KpiResult"]["Rows"] == []


def test_a_rate_without_a_denominator_has_no_row(kpi, sample_app):
    sms = sample_app.campaign("Cart Reminder SMS").id
    assert kpi.rows("email-open-rate", campaign=sms) == []
    assert kpi.rows("push-open-rate-grouped-by-campaign-activity", campaign=sms) == []
    assert kpi.rows("successful-delivery-rate", campaign=sms)
