"""The emulator's object model: projects, campaigns and their runs, journeys and their steps.

All frozen dataclasses, built by :func:`~.world.build_world`::

    world.applications[0]                  # "Acme Retail", the main sample
    world.applications[0].campaigns[0]     # .id, .name, .channel, .activities (.id, .start)
    world.applications[0].journeys[0]      # .id, .name, .activity_ids
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "ACCOUNT_ID",
    "REGION",
    "Application",
    "Campaign",
    "CampaignActivity",
    "Journey",
    "JourneyActivity",
]

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


@dataclass(frozen=True)
class CampaignActivity:
    """One run of a campaign (a ``CampaignActivityId`` in KPI answers).

    Attributes
    ----------
    id : str
        32-character lowercase hex id.
    campaign_id, application_id : str
        The campaign and project it belongs to.
    start, end : datetime
        When the run started and ended (aware, UTC).
    send_days : tuple of date
        The UTC days on which it sent messages.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> run = build_world(0).applications[0].campaigns[0].activities[0]
    >>> len(run.id), run.start.tzname()
    (32, 'UTC')
    """

    id: str
    campaign_id: str
    application_id: str
    start: dt.datetime
    end: dt.datetime
    send_days: tuple[dt.date, ...]


@dataclass(frozen=True)
class Campaign:
    """A campaign: one channel, a schedule, and its runs.

    Attributes
    ----------
    id, name : str
        The campaign id (32 hex characters) and its human name.
    channel : {"EMAIL", "SMS", "PUSH"}
        The channel it sends on.
    frequency : {"ONCE", "WEEKLY", "EVENT"}
        One-off blast, weekly sends, or sends triggered by events (with one run per week).
    application_id : str
        The project it belongs to.
    start : datetime
        When the campaign started (aware, UTC); there is no data before that day.
    audience : int
        The number of distinct endpoints it can reach: a range of its project's endpoint space
        (:meth:`World.audience <pinpoint_kpi_pandas.emulator.World.audience>` says which).
    activities : tuple of CampaignActivity
        Its runs, oldest first.
    segment_id : str
        The segment it targets.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> campaign = build_world(0).applications[0].campaigns[0]
    >>> campaign.name, campaign.channel
    ('Spring Sale Email', 'EMAIL')
    """

    id: str
    name: str
    channel: str
    frequency: str
    application_id: str
    start: dt.datetime
    audience: int
    activities: tuple[CampaignActivity, ...]
    segment_id: str
    description: str = ""

    @property
    def arn(self) -> str:
        """The campaign's ARN."""
        return (
            f"arn:aws:mobiletargeting:{REGION}:{ACCOUNT_ID}:apps/{self.application_id}"
            f"/campaigns/{self.id}"
        )


@dataclass(frozen=True)
class JourneyActivity:
    """One step of a journey (a ``JourneyActivityId`` in KPI answers, for EMAIL steps).

    Attributes
    ----------
    id : str
        32-character lowercase hex id.
    kind : {"EMAIL", "WAIT"}
        Only EMAIL steps send, so only they have data.
    description : str
        The step's description.
    next_activity : str or None
        The id of the following step.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> steps = build_world(0).applications[0].journeys[0].activities
    >>> [s.kind for s in steps]
    ['EMAIL', 'WAIT', 'EMAIL', 'WAIT', 'EMAIL']
    """

    id: str
    kind: str
    description: str
    next_activity: str | None


@dataclass(frozen=True)
class Journey:
    """A journey: a chain of email and wait steps.

    Attributes
    ----------
    id, name, application_id : str
        Its id, human name and project.
    start : datetime
        When it started (aware, UTC).
    activities : tuple of JourneyActivity
        Its steps, in order.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> journey = build_world(0).applications[0].journeys[0]
    >>> journey.name, len(journey.activity_ids)
    ('Onboarding Journey', 3)
    """

    id: str
    name: str
    application_id: str
    start: dt.datetime
    activities: tuple[JourneyActivity, ...]

    @property
    def activity_ids(self) -> tuple[str, ...]:
        """The ids of the EMAIL steps: the ``JourneyActivityId`` values of its KPI answers."""
        return tuple(a.id for a in self.activities if a.kind == "EMAIL")


@dataclass(frozen=True)
class Application:
    """A Pinpoint project (application) and everything in it.

    Attributes
    ----------
    id, name : str
        The project id (32 hex characters) and name.
    campaigns : tuple of Campaign
        Its campaigns, in listing order.
    journeys : tuple of Journey
        Its journeys.
    audience : int
        The size of the project's endpoint space: every endpoint its campaigns, journeys and
        transactional messages reach is one of these.
    created : datetime
        Its creation date.
    txn_audience : int
        The endpoints its transactional email goes to (a range of the endpoint space).
    countries : tuple of str
        The countries its transactional SMS go to.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> app = build_world(0).applications[0]
    >>> app.name, len(app.campaigns), app.campaign("Cart Reminder SMS").channel
    ('Acme Retail', 12, 'SMS')
    """

    id: str
    name: str
    campaigns: tuple[Campaign, ...]
    journeys: tuple[Journey, ...]
    audience: int
    created: dt.datetime
    txn_audience: int = 0
    countries: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        """The project's ARN."""
        return f"arn:aws:mobiletargeting:{REGION}:{ACCOUNT_ID}:apps/{self.id}"

    @property
    def txn_email_key(self) -> str:
        """The sender key of its transactional email, for :meth:`World.sendings` and the like."""
        return f"{self.id}/txn-email"

    @property
    def txn_sms_key(self) -> str:
        """The sender key of its transactional SMS, for :meth:`World.sendings` and the like."""
        return f"{self.id}/txn-sms"

    def campaign(self, key: str) -> Campaign:
        """The campaign with this id or name (``KeyError`` if none)."""
        for campaign in self.campaigns:
            if key in (campaign.id, campaign.name):
                return campaign
        raise KeyError(key)

    def journey(self, key: str) -> Journey:
        """The journey with this id or name (``KeyError`` if none)."""
        for journey in self.journeys:
            if key in (journey.id, journey.name):
                return journey
        raise KeyError(key)
