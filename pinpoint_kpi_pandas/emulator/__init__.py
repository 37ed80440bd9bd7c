"""A local Amazon Pinpoint analytics server that the real boto3 client and AWS CLI talk to.

It serves the three KPI operations (``GetApplicationDateRangeKpi``, ``GetCampaignDateRangeKpi``,
``GetJourneyDateRangeKpi``) and the labelling ones (``GetApps``, ``GetApp``, ``GetCampaigns``,
``GetCampaign``, ``GetCampaignActivities``, ``ListJourneys``, ``GetJourney``) over HTTP on
loopback, in Pinpoint's rest-json wire format, from a seeded deterministic world
(:mod:`.world`), under a frozen clock by default, with the service's rules (:mod:`.rules`) and
faults on demand (:mod:`.faults`).

Stdlib only: importing and starting it is cheap.

Examples
--------
>>> from pinpoint_kpi_pandas import emulator
>>> with emulator.running(seed=0) as emu:
...     app = emu.world.applications[0]
...     print(app.name, len(app.campaigns), emu.endpoint_url.startswith("http://127.0.0.1:"))
Acme Retail 12 True

From the command line: ``pinpoint-kpi emulator`` prints the endpoint URL as its first line.

Its unique KPIs count concrete endpoints: :meth:`World.sendings` says, for every sending slot,
which endpoint each message went to (and, for transactional email, who opened and clicked), so
an event archive written from the same world gives the same unique counts.
"""

from __future__ import annotations

from .audiences import Audience, EndpointIds, Sending
from .clock import DEFAULT_NOW, Clock, parse_timestamp
from .faults import Faults
from .requestlog import LoggedRequest, RequestLog
from .rules import ApiError
from .server import OPERATIONS, Emulator, running
from .world import (
    Application,
    Campaign,
    CampaignActivity,
    Journey,
    JourneyActivity,
    World,
    build_world,
)

__all__ = [
    "DEFAULT_NOW",
    "OPERATIONS",
    "ApiError",
    "Application",
    "Audience",
    "Campaign",
    "CampaignActivity",
    "Clock",
    "Emulator",
    "EndpointIds",
    "Faults",
    "Journey",
    "JourneyActivity",
    "LoggedRequest",
    "RequestLog",
    "Sending",
    "World",
    "build_world",
    "parse_timestamp",
    "running",
]
