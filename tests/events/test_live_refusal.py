"""The live reader and the emulator refuse the KPIs only event archives give."""

import botocore.exceptions
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas.errors import InvalidArgumentError

EVENT_ONLY = [k for k in catalog.kpis(include_events_only=True) if k.events_only]


@pytest.mark.parametrize("kpi", EVENT_ONLY, ids=lambda k: f"{k.scope}:{k.name}")
def test_the_live_reader_refuses_event_only_kpis_pointing_to_read_pinpoint_events(
    emulator, sample_app, kpi
):
    ids = {
        "campaign": {"campaign_id": sample_app.campaigns[0].id},
        "journey": {"journey_id": sample_app.journeys[0].id},
    }.get(kpi.scope, {})
    emulator.clear_log()
    with pytest.raises(InvalidArgumentError, match="read_pinpoint_events") as info:
        ppk.read_pinpoint_kpi(
            sample_app.id,
            kpi.name,
            "2026-10-01",
            "2026-10-07",
            endpoint_url=emulator.endpoint_url,
            **ids,
        )
    assert repr(kpi.name) in str(info.value) and "never served" in str(info.value)
    assert len(emulator.request_log) == 0


def test_a_mix_of_api_and_event_only_kpis_names_the_event_only_ones(emulator, sample_app):
    with pytest.raises(InvalidArgumentError) as info:
        ppk.read_pinpoint_kpi(
            sample_app.id,
            ["successful-delivery-rate-grouped-by-date", "clicks-grouped-by-date"],
            "2026-10-01",
            "2026-10-07",
            campaign_id=sample_app.campaigns[0].id,
            endpoint_url=emulator.endpoint_url,
        )
    assert "'clicks-grouped-by-date'" in str(info.value)
    assert "successful-delivery-rate" not in str(info.value)


def test_the_emulator_answers_event_only_names_as_the_service_would(pinpoint_client, sample_app):
    with pytest.raises(botocore.exceptions.ClientError) as info:
        pinpoint_client.get_campaign_date_range_kpi(
            ApplicationId=sample_app.id,
            CampaignId=sample_app.campaigns[0].id,
            KpiName="clicks-grouped-by-treatment",
        )
    assert info.value.response["Error"]["Code"] == "BadRequestException"
