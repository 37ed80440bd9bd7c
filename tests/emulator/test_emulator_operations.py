"""Every operation, through the real boto3 client, and the wire format around it."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

import pytest

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_get_apps_lists_every_project_first_the_sample(pinpoint_client, emulator):
    items = pinpoint_client.get_apps()["ApplicationsResponse"]["Item"]
    assert [i["Name"] for i in items] == ["Acme Retail", "Acme Bank", "Acme Sandbox"]
    assert [i["Id"] for i in items] == [a.id for a in emulator.world.applications]
    for item in items:
        assert HEX32.match(item["Id"])
        assert item["Arn"].endswith(f":apps/{item['Id']}")
        assert item["Arn"].startswith("arn:aws:mobiletargeting:")


def test_get_app(pinpoint_client, sample_app):
    body = pinpoint_client.get_app(ApplicationId=sample_app.id)["ApplicationResponse"]
    assert (body["Id"], body["Name"]) == (sample_app.id, "Acme Retail")
    assert {"Id", "Arn", "Name"} <= set(body)


def test_get_campaigns_pages_by_token_and_page_size(pinpoint_client, sample_app):
    first = pinpoint_client.get_campaigns(ApplicationId=sample_app.id)["CampaignsResponse"]
    assert len(first["Item"]) == 10  # the default page size
    assert first["NextToken"]
    second = pinpoint_client.get_campaigns(ApplicationId=sample_app.id, Token=first["NextToken"])
    second = second["CampaignsResponse"]
    assert "NextToken" not in second
    names = [c["Name"] for c in first["Item"] + second["Item"]]
    assert names == [c.name for c in sample_app.campaigns]

    seen, token = [], None
    while True:
        kwargs = {"Token": token} if token else {}
        page = pinpoint_client.get_campaigns(ApplicationId=sample_app.id, PageSize="5", **kwargs)
        page = page["CampaignsResponse"]
        assert len(page["Item"]) <= 5
        seen += [c["Id"] for c in page["Item"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [c.id for c in sample_app.campaigns]


def test_get_campaigns_rejects_a_bad_token_and_page_size(pinpoint_client, sample_app):
    from botocore.exceptions import ClientError

    for kwargs in ({"Token": "nope"}, {"PageSize": "0"}, {"PageSize": "ten"}):
        with pytest.raises(ClientError) as info:
            pinpoint_client.get_campaigns(ApplicationId=sample_app.id, **kwargs)
        assert info.value.response["Error"]["Code"] == "BadRequestException"


def test_get_campaign_has_the_model_required_members(pinpoint_client, sample_app):
    campaign = sample_app.campaign("Cart Reminder SMS")
    body = pinpoint_client.get_campaign(ApplicationId=sample_app.id, CampaignId=campaign.id)
    body = body["CampaignResponse"]
    required = {"LastModifiedDate", "CreationDate", "SegmentId", "SegmentVersion", "Id", "Arn",
                "ApplicationId"}  # fmt: skip
    assert required <= set(body)
    assert body["Name"] == "Cart Reminder SMS"
    assert body["State"]["CampaignStatus"] == "EXECUTING"
    assert body["Schedule"]["Frequency"] == "EVENT"
    assert "SMSMessage" in body["MessageConfiguration"]


def test_campaign_states_follow_the_clock(pinpoint_client, sample_app):
    def status(name):
        campaign = sample_app.campaign(name)
        body = pinpoint_client.get_campaign(ApplicationId=sample_app.id, CampaignId=campaign.id)
        return body["CampaignResponse"]["State"]["CampaignStatus"]

    assert status("Spring Sale Email") == "COMPLETED"
    assert status("Weekly Newsletter Email") in ("PENDING_NEXT_RUN", "EXECUTING")


def test_get_campaign_activities_are_the_runs_so_far(pinpoint_client, sample_app, emulator):
    campaign = sample_app.campaign("Weekly Newsletter Email")
    now = emulator.clock.now()
    items, token = [], None
    while True:
        kwargs = {"Token": token} if token else {}
        page = pinpoint_client.get_campaign_activities(
            ApplicationId=sample_app.id, CampaignId=campaign.id, **kwargs
        )["ActivitiesResponse"]
        items += page["Item"]
        token = page.get("NextToken")
        if not token:
            break
    started = [a for a in campaign.activities if a.start <= now]
    assert [i["Id"] for i in items] == [a.id for a in started]
    assert len(items) > 10  # weekly runs over 100 days, so paging was exercised
    for item in items:
        assert {"CampaignId", "Id", "ApplicationId"} <= set(item)
        assert item["CampaignId"] == campaign.id
        assert item["TotalEndpointCount"] >= item["SuccessfulEndpointCount"] > 0


def test_activity_counts_match_the_kpis(pinpoint_client, sample_app, kpi):
    campaign = sample_app.campaign("Cart Reminder SMS")
    items = pinpoint_client.get_campaign_activities(
        ApplicationId=sample_app.id, CampaignId=campaign.id, PageSize="100"
    )["ActivitiesResponse"]["Item"]
    attempted = kpi.values(
        "attempted-deliveries-grouped-by-campaign-activity",
        campaign=campaign.id,
        start="2026-10-05",
        end="2026-10-29",
    )
    compared = [i for i in items if i["Start"] >= "2026-10-05"]
    assert len(compared) == 4  # the weekly runs from Monday 2026-10-05 on
    for item in compared:
        assert item["TotalEndpointCount"] == attempted[item["Id"]]


def test_list_journeys_and_get_journey(pinpoint_client, sample_app):
    items = pinpoint_client.list_journeys(ApplicationId=sample_app.id)["JourneysResponse"]["Item"]
    assert [j["Name"] for j in items] == [j.name for j in sample_app.journeys]
    journey = sample_app.journeys[0]
    body = pinpoint_client.get_journey(ApplicationId=sample_app.id, JourneyId=journey.id)
    body = body["JourneyResponse"]
    assert {"Name", "Id", "ApplicationId"} <= set(body)
    email_steps = [k for k, v in body["Activities"].items() if "EMAIL" in v]
    assert email_steps == list(journey.activity_ids)
    assert body["StartActivity"] == journey.activity_ids[0]


@pytest.mark.parametrize(
    ("operation", "scope_kwargs", "kpi_name"),
    [
        ("get_application_date_range_kpi", {}, "txn-emails-sent-grouped-by-date"),
        ("get_campaign_date_range_kpi", {"CampaignId": "Welcome Series Email"},
         "successful-delivery-rate-grouped-by-date"),
        ("get_journey_date_range_kpi", {"JourneyId": "Onboarding Journey"},
         "emails-sent-grouped-by-journey-activity"),
    ],
)  # fmt: skip
def test_kpi_operations_echo_the_request(pinpoint_client, sample_app, operation, scope_kwargs,
                                         kpi_name):  # fmt: skip
    kwargs = {"ApplicationId": sample_app.id, "KpiName": kpi_name}
    if "CampaignId" in scope_kwargs:
        kwargs["CampaignId"] = sample_app.campaign(scope_kwargs["CampaignId"]).id
    if "JourneyId" in scope_kwargs:
        kwargs["JourneyId"] = sample_app.journey(scope_kwargs["JourneyId"]).id
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 10, 10, 23, 59, 59, tzinfo=dt.UTC)
    answer = getattr(pinpoint_client, operation)(StartTime=start, EndTime=end, **kwargs)
    (payload,) = (v for k, v in answer.items() if k != "ResponseMetadata")
    for key, value in kwargs.items():
        assert payload[key] == value
    assert payload["StartTime"] == start
    assert payload["EndTime"] == end
    assert payload["KpiResult"]["Rows"]
    assert "NextToken" not in payload  # null on the wire


def test_kpi_wire_body_is_the_inner_object(raw, sample_app):
    answer = raw(
        f"/v1/apps/{sample_app.id}/kpis/daterange/txn-emails-sent",
        {"start-time": "2026-10-01T00:00:00Z", "end-time": "2026-10-10T23:59:59Z"},
    )
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-amzn-requestid"]
    assert answer.body["ApplicationId"] == sample_app.id
    assert answer.body["StartTime"] == "2026-10-01T00:00:00Z"
    assert answer.body["EndTime"] == "2026-10-10T23:59:59Z"
    assert answer.body["NextToken"] is None
    (row,) = answer.body["KpiResult"]["Rows"]
    assert "GroupedBys" not in row  # single-value KPIs: no GroupedBys key at all
    assert row["Values"][0]["Key"] == "TxnEmailsSent"
    assert re.match(r"^\d+\.0$", row["Values"][0]["Value"])


def test_date_header_comes_from_the_emulator_clock(raw, emulator):
    answer = raw("/v1/apps")
    assert email.utils.parsedate_to_datetime(answer.headers["date"]) == emulator.clock.now()


def test_default_range_is_the_31_days_ending_at_the_clock(kpi):
    payload = kpi.response("txn-emails-sent-grouped-by-date")
    assert payload["StartTime"] == dt.datetime(2026, 9, 29, tzinfo=dt.UTC)
    assert payload["EndTime"] == dt.datetime(2026, 10, 29, 12, tzinfo=dt.UTC)
    dates = [r["GroupedBys"][0]["Value"] for r in payload["KpiResult"]["Rows"]]
    assert dates[0] == "2026-09-29" and dates[-1] == "2026-10-29" and len(dates) == 31


def test_times_with_fractions_and_offsets_are_accepted(raw, sample_app):
    answer = raw(
        f"/v1/apps/{sample_app.id}/kpis/daterange/txn-emails-sent-grouped-by-date",
        {"start-time": "2026-10-01T02:00:00.250+02:00", "end-time": "2026-10-03 23:59:59.999Z"},
    )
    assert answer.status == 200
    assert answer.body["StartTime"] == "2026-10-01T00:00:00.250Z"
    dates = [r["GroupedBys"][0]["Value"] for r in answer.body["KpiResult"]["Rows"]]
    assert dates == ["2026-10-01", "2026-10-02", "2026-10-03"]


def test_request_log_records_each_request(pinpoint_client, sample_app, emulator):
    campaign = sample_app.campaigns[1]
    emulator.clear_log()
    pinpoint_client.get_campaign_date_range_kpi(
        ApplicationId=sample_app.id, CampaignId=campaign.id, KpiName="unique-deliveries"
    )
    (entry,) = [e for e in emulator.request_log if e.campaign_id == campaign.id]
    assert entry.operation == "GetCampaignDateRangeKpi"
    assert entry.status == 200
    assert (entry.application_id, entry.kpi_name) == (sample_app.id, "unique-deliveries")
    assert entry.journey_id is None
    assert entry.path.endswith("/kpis/daterange/unique-deliveries")
    assert isinstance(entry.query, dict)
