"""The JSON bodies of the labelling operations: apps, campaigns, campaign runs, journeys.

Shapes and member names follow the botocore model (``ApplicationResponse``,
``CampaignResponse``, ``ActivityResponse``, ``JourneyResponse``), with every member the model
marks required. State fields (campaign status, run state) are computed against the clock.
"""

from __future__ import annotations

import datetime as dt

from .world import Application, Campaign, CampaignActivity, Journey, World

__all__ = ["activity_payload", "app_payload", "campaign_payload", "journey_payload", "timestamp"]


def timestamp(value: dt.datetime) -> str:
    """An instant as the service writes it in bodies: ``2026-08-01T09:00:00.000Z``.

    Examples
    --------
    >>> import datetime as dt
    >>> timestamp(dt.datetime(2026, 8, 1, 9, tzinfo=dt.UTC))
    '2026-08-01T09:00:00.000Z'
    """
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def app_payload(app: Application) -> dict:
    """An ``ApplicationResponse``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> sorted(app_payload(build_world(0).applications[0]))
    ['Arn', 'CreationDate', 'Id', 'Name', 'tags']
    """
    return {
        "Arn": app.arn,
        "Id": app.id,
        "Name": app.name,
        "tags": {},
        "CreationDate": timestamp(app.created),
    }


def campaign_payload(campaign: Campaign, now: dt.datetime) -> dict:
    """A ``CampaignResponse``, its state as of ``now``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import DEFAULT_NOW, build_world
    >>> campaign = build_world(0).applications[0].campaigns[0]
    >>> body = campaign_payload(campaign, DEFAULT_NOW)
    >>> body["Name"], body["State"]["CampaignStatus"], body["Schedule"]["Frequency"]
    ('Spring Sale Email', 'COMPLETED', 'ONCE')
    """
    created = campaign.start - dt.timedelta(days=2)
    schedule = {
        "StartTime": timestamp(campaign.start),
        "Frequency": campaign.frequency,
        "IsLocalTime": False,
        "Timezone": "UTC",
    }
    if campaign.frequency == "ONCE":
        schedule["EndTime"] = timestamp(campaign.activities[-1].end)
    state = {"CampaignStatus": _campaign_status(campaign, now)}
    return {
        "AdditionalTreatments": [],
        "ApplicationId": campaign.application_id,
        "Arn": campaign.arn,
        "CreationDate": timestamp(created),
        "DefaultState": state,
        "Description": campaign.description,
        "HoldoutPercent": 0,
        "Id": campaign.id,
        "IsPaused": False,
        "LastModifiedDate": timestamp(created + dt.timedelta(hours=3)),
        "Limits": {},
        "MessageConfiguration": _message(campaign),
        "Name": campaign.name,
        "Schedule": schedule,
        "SegmentId": campaign.segment_id,
        "SegmentVersion": 1,
        "State": state,
        "tags": {},
        "Version": 1,
        "Priority": 3,
    }


def activity_payload(
    activity: CampaignActivity, world: World, now: dt.datetime, fraction: float
) -> dict:
    """An ``ActivityResponse`` (one campaign run), its counts as of ``now``.

    ``TotalEndpointCount`` and ``SuccessfulEndpointCount`` are the run's attempted and
    successful deliveries so far, the same counters its KPIs are computed from.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import DEFAULT_NOW, build_world
    >>> world = build_world(0)
    >>> run = world.applications[0].campaigns[0].activities[0]
    >>> body = activity_payload(run, world, DEFAULT_NOW, 1.0)
    >>> body["State"], body["TotalEndpointCount"] >= body["SuccessfulEndpointCount"]
    ('COMPLETED', True)
    """
    attempted = delivered = 0
    today = now.date()
    for day in activity.send_days:
        if day > today:
            break
        for label, counters in world.counters(
            activity.campaign_id, day, 1.0 if day < today else fraction
        ):
            if label == activity.id:
                attempted += counters["attempted"]
                delivered += counters["delivered"]
    done = activity.end < now
    body = {
        "ApplicationId": activity.application_id,
        "CampaignId": activity.campaign_id,
        "Id": activity.id,
        "ScheduledStart": timestamp(activity.start),
        "Start": timestamp(activity.start),
        "State": "COMPLETED" if done else "RUNNING",
        "SuccessfulEndpointCount": delivered,
        "TimezonesCompletedCount": 1 if done else 0,
        "TimezonesTotalCount": 1,
        "TotalEndpointCount": attempted,
        "TreatmentId": "0",
    }
    if done:
        body["End"] = timestamp(activity.end)
        body["Result"] = "SUCCESS"
    return body


def journey_payload(journey: Journey) -> dict:
    """A ``JourneyResponse``: its steps in ``Activities``, keyed by activity id.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> journey = build_world(0).applications[0].journeys[0]
    >>> body = journey_payload(journey)
    >>> body["Name"], body["StartActivity"] == journey.activity_ids[0]
    ('Onboarding Journey', True)
    """
    activities = {}
    for step in journey.activities:
        if step.kind == "EMAIL":
            detail: dict = {
                "MessageConfig": {"FromAddress": "hello@acme.example"},
                "TemplateName": step.description.replace(" ", "-").lower(),
            }
            key = "EMAIL"
        else:
            detail = {"WaitTime": {"WaitFor": "P2D"}}
            key = "Wait"
        if step.next_activity:
            detail["NextActivity"] = step.next_activity
        activities[step.id] = {key: detail, "Description": step.description}
    created = journey.start - dt.timedelta(days=1)
    return {
        "Activities": activities,
        "ApplicationId": journey.application_id,
        "CreationDate": timestamp(created),
        "Id": journey.id,
        "LastModifiedDate": timestamp(created + dt.timedelta(hours=2)),
        "Limits": {"DailyCap": 0, "EndpointReentryCap": 0, "MessagesPerSecond": 50},
        "LocalTime": False,
        "Name": journey.name,
        "Schedule": {"StartTime": timestamp(journey.start), "Timezone": "UTC"},
        "StartActivity": journey.activities[0].id,
        "State": "ACTIVE",
        "tags": {},
    }


def _campaign_status(campaign: Campaign, now: dt.datetime) -> str:
    if now < campaign.start:
        return "SCHEDULED"
    if campaign.frequency == "EVENT":
        return "EXECUTING"
    running = any(a.start <= now <= a.end for a in campaign.activities)
    if campaign.frequency == "ONCE":
        return "EXECUTING" if running else "COMPLETED"
    return "EXECUTING" if running else "PENDING_NEXT_RUN"


def _message(campaign: Campaign) -> dict:
    if campaign.channel == "EMAIL":
        return {"EmailMessage": {"FromAddress": "news@acme.example", "Title": campaign.name}}
    if campaign.channel == "SMS":
        return {
            "SMSMessage": {
                "Body": f"{campaign.name}: {campaign.description}. Reply STOP to opt out.",
                "MessageType": "PROMOTIONAL",
                "SenderId": "ACME",
            }
        }
    push = {"Action": "OPEN_APP", "Title": campaign.name, "Body": campaign.description}
    return {"APNSMessage": dict(push), "GCMMessage": dict(push)}
