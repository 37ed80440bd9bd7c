"""The service's rules, as botocore sees them: ClientError with the right code and status."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError


def _error(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    error = info.value.response["Error"]
    status = info.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return status, error["Code"], error["Message"]


def _day(text, end=False):
    value = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
    return value.replace(hour=23, minute=59, second=59) if end else value


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2026-09-01", "2026-10-01", True),  # 31 calendar days, both ends included
        ("2026-09-01", "2026-10-02", False),  # 32
        ("2026-10-29", "2026-10-29", True),  # one day
    ],
)
def test_range_of_at_most_31_calendar_days(pinpoint_client, sample_app, start, end, ok):
    kwargs = {
        "ApplicationId": sample_app.id,
        "KpiName": "txn-emails-sent-grouped-by-date",
        "StartTime": _day(start),
        "EndTime": _day(end, end=True),
    }
    if ok:
        pinpoint_client.get_application_date_range_kpi(**kwargs)
    else:
        status, code, message = _error(pinpoint_client.get_application_date_range_kpi, **kwargs)
        assert (status, code) == (400, "BadRequestException")
        assert "31 days" in message and "32 days" in message


def test_the_31_days_count_calendar_days_not_hours(pinpoint_client, sample_app):
    # 30 days and one second apart, but touching 32 calendar days.
    status, code, _ = _error(
        pinpoint_client.get_application_date_range_kpi,
        ApplicationId=sample_app.id,
        KpiName="txn-emails-sent",
        StartTime=dt.datetime(2026, 9, 1, 23, 59, 59, tzinfo=dt.UTC),
        EndTime=dt.datetime(2026, 10, 2, 0, 0, 0, tzinfo=dt.UTC),
    )
    assert (status, code) == (400, "BadRequestException")


def test_start_90_days_or_more_before_the_clock(pinpoint_client, sample_app):
    # The clock is 2026-10-29T12:00Z: 2026-08-01T00:00Z is 89.5 days before, 2026-07-31 is 90.5.
    kwargs = {"ApplicationId": sample_app.id, "KpiName": "txn-emails-sent"}
    pinpoint_client.get_application_date_range_kpi(
        StartTime=_day("2026-08-01"), EndTime=_day("2026-08-20", end=True), **kwargs
    )
    status, code, message = _error(
        pinpoint_client.get_application_date_range_kpi,
        StartTime=_day("2026-07-31"),
        EndTime=_day("2026-08-20", end=True),
        **kwargs,
    )
    assert (status, code) == (400, "BadRequestException")
    assert "90 days" in message and "2026-08-01" in message


def test_end_before_start(pinpoint_client, sample_app):
    status, code, message = _error(
        pinpoint_client.get_application_date_range_kpi,
        ApplicationId=sample_app.id,
        KpiName="txn-emails-sent",
        StartTime=_day("2026-10-10"),
        EndTime=_day("2026-10-09", end=True),
    )
    assert (status, code) == (400, "BadRequestException")
    assert "EndTime" in message


def test_unparseable_time(raw, sample_app):
    answer = raw(
        f"/v1/apps/{sample_app.id}/kpis/daterange/txn-emails-sent",
        {"start-time": "last tuesday", "end-time": "2026-10-10T00:00:00Z"},
    )
    assert (answer.status, answer.error_type) == (400, "BadRequestException")
    assert set(answer.body) == {"Message", "RequestID"}
    assert answer.body["RequestID"] == answer.headers["x-amzn-requestid"]


def test_unknown_kpi_name_suggests_the_closest(pinpoint_client, sample_app):
    status, code, message = _error(
        pinpoint_client.get_application_date_range_kpi,
        ApplicationId=sample_app.id,
        KpiName="txn-email-sent",
    )
    assert (status, code) == (400, "BadRequestException")
    assert "txn-emails-sent" in message


def test_kpi_not_offered_at_that_scope(pinpoint_client, sample_app):
    campaign = sample_app.campaigns[0].id
    status, code, message = _error(
        pinpoint_client.get_campaign_date_range_kpi,
        ApplicationId=sample_app.id,
        CampaignId=campaign,
        KpiName="txn-emails-sent",
    )
    assert (status, code) == (400, "BadRequestException")
    assert "applications" in message and "/kpis/daterange/txn-emails-sent" in message
    status, code, _ = _error(
        pinpoint_client.get_journey_date_range_kpi,
        ApplicationId=sample_app.id,
        JourneyId=sample_app.journeys[0].id,
        KpiName="email-open-rate",
    )
    assert (status, code) == (400, "BadRequestException")


def test_unknown_ids_are_not_found(pinpoint_client, sample_app, emulator):
    missing = "0" * 32
    bank_campaign = emulator.world.application("Acme Bank").campaigns[0].id
    calls = [
        (pinpoint_client.get_app, {"ApplicationId": missing}),
        (pinpoint_client.get_campaigns, {"ApplicationId": missing}),
        (pinpoint_client.get_campaign, {"ApplicationId": sample_app.id, "CampaignId": missing}),
        # a campaign of another project is not found in this one
        (pinpoint_client.get_campaign, {"ApplicationId": sample_app.id,
                                        "CampaignId": bank_campaign}),
        (pinpoint_client.get_journey, {"ApplicationId": sample_app.id, "JourneyId": missing}),
        (pinpoint_client.get_application_date_range_kpi,
         {"ApplicationId": missing, "KpiName": "txn-emails-sent"}),
        (pinpoint_client.get_campaign_date_range_kpi,
         {"ApplicationId": sample_app.id, "CampaignId": missing, "KpiName": "unique-deliveries"}),
        (pinpoint_client.get_journey_date_range_kpi,
         {"ApplicationId": sample_app.id, "JourneyId": missing,
          "KpiName": "journey-emails-sent"}),
    ]  # fmt: skip
    for call, kwargs in calls:
        status, code, message = _error(call, **kwargs)
        assert (status, code) == (404, "NotFoundException"), call
        assert "not found" in message.lower()


def test_unsigned_requests_are_forbidden(raw, sample_app):
    answer = raw(f"/v1/apps/{sample_app.id}/kpis/daterange/txn-emails-sent", signed=False)
    assert (answer.status, answer.error_type) == (403, "ForbiddenException")
    assert answer.body["Message"] == "Missing Authentication Token"


def test_unknown_routes_and_methods(raw, sample_app):
    answer = raw("/v1/nothing-here")
    assert (answer.status, answer.error_type) == (404, "NotFoundException")
    answer = raw(f"/v1/apps/{sample_app.id}", method="DELETE")
    assert (answer.status, answer.error_type) == (405, "MethodNotAllowedException")
    answer = raw("/v1/apps", method="POST")
    assert (answer.status, answer.error_type) == (405, "MethodNotAllowedException")


def test_errors_are_logged_with_their_code(raw, emulator, sample_app):
    emulator.clear_log()
    raw(f"/v1/apps/{sample_app.id}/kpis/daterange/no-such-kpi")
    (entry,) = list(emulator.request_log)
    assert (entry.operation, entry.status) == ("GetApplicationDateRangeKpi", 400)
    assert entry.error_code == "BadRequestException"
    assert entry.kpi_name == "no-such-kpi"
