"""The operations the emulator serves, answered from its world: bodies of 200 answers.

Nothing here knows about HTTP: :class:`Operations` takes an operation name, its path parameters
and its query parameters, applies the faults and the service's rules, and returns the answer's
body (the *inner* object, as on the wire), encoded, or raises :class:`~.rules.ApiError`. KPI
rows arrive from the engine as JSON text and are spliced in as they are.
"""

from __future__ import annotations

import datetime as dt
import json

from .clock import Clock
from .faults import Faults
from .kpis import KpiEngine
from .model import Application, Campaign, Journey
from .payloads import activity_payload, app_payload, campaign_payload, journey_payload
from .rules import not_found, page, resolve_kpi, resolve_window
from .world import World

__all__ = ["KPI_SCOPES", "Operations", "RawJson", "encode"]

KPI_SCOPES = {
    "GetApplicationDateRangeKpi": "application",
    "GetCampaignDateRangeKpi": "campaign",
    "GetJourneyDateRangeKpi": "journey",
}
"""The KPI operations and the scope each serves."""


class Operations:
    """Answers the emulator's operations from a world, under a clock, with faults.

    Parameters
    ----------
    world : World
        The data.
    clock : Clock
        Decides which days have data and the campaigns' states.
    faults : Faults
        Applied to every operation before it is answered.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import Clock, Faults, build_world
    >>> ops = Operations(build_world(0), Clock(), Faults())
    >>> [item["Name"] for item in ops.handle("GetApps", {}, {})["Item"]]
    ['Acme Retail', 'Acme Bank', 'Acme Sandbox']
    """

    def __init__(self, world: World, clock: Clock, faults: Faults):
        self.world = world
        self.clock = clock
        self.faults = faults
        self.engine = KpiEngine(world)
        self._apps = {app.id: app for app in world.applications}

    def handle(self, operation: str, params: dict[str, str], query: dict[str, str]) -> dict:
        """Answer one operation: the body of a 200 answer, or raise :class:`~.rules.ApiError`."""
        return json.loads(self.body(operation, params, query))

    def body(self, operation: str, params: dict[str, str], query: dict[str, str]) -> bytes:
        """Answer one operation: the JSON bytes of a 200 answer, or raise ``ApiError``.

        Examples
        --------
        >>> from pinpoint_kpi_pandas.emulator import Clock, Faults, build_world
        >>> Operations(build_world(0), Clock(), Faults()).body("GetApps", {}, {})[:9]
        b'{"Item":['
        """
        return encode(self._answer(operation, params, query))

    def _answer(self, operation: str, params: dict[str, str], query: dict[str, str]) -> dict:
        self.faults.before(operation)
        if operation == "GetApps":
            items, token = page(list(self.world.applications), query.get("token"),
                                query.get("page-size"))  # fmt: skip
            return _listing([app_payload(a) for a in items], token)
        app = self._app(params["application_id"])
        if operation in KPI_SCOPES:
            return self._kpi(KPI_SCOPES[operation], app, params, query)
        if operation == "GetApp":
            return app_payload(app)
        now = self.clock.now()
        if operation == "GetCampaigns":
            items, token = page(list(app.campaigns), query.get("token"), query.get("page-size"))
            return _listing([campaign_payload(c, now) for c in items], token)
        if operation == "ListJourneys":
            items, token = page(list(app.journeys), query.get("token"), query.get("page-size"))
            return _listing([journey_payload(j) for j in items], token)
        if operation == "GetJourney":
            return journey_payload(_journey(app, params["journey_id"]))
        campaign = _campaign(app, params["campaign_id"])
        if operation == "GetCampaign":
            return campaign_payload(campaign, now)
        # GetCampaignActivities: the runs started so far.
        started = [a for a in campaign.activities if a.start <= now]
        items, token = page(started, query.get("token"), query.get("page-size"))
        fraction = self.clock.day_fraction(now)
        bodies = [activity_payload(a, self.world, now, fraction) for a in items]
        return _listing(bodies, token)

    def _kpi(self, scope: str, app: Application, params: dict, query: dict) -> dict:
        entity_id = None
        body: dict = {"ApplicationId": app.id}
        if scope == "campaign":
            entity_id = _campaign(app, params["campaign_id"]).id
            body["CampaignId"] = entity_id
        elif scope == "journey":
            entity_id = _journey(app, params["journey_id"]).id
        self.faults.check_ids(app.id, entity_id)
        kpi = resolve_kpi(params["kpi_name"], scope)
        now = self.clock.now()
        window = resolve_window(query.get("start-time"), query.get("end-time"), now)
        rows = self.engine.rows_json(
            kpi,
            app,
            entity_id,
            window.first_day,
            window.last_day,
            today=now.date(),
            fraction=self.clock.day_fraction(now),
        )
        body["EndTime"] = wire_time(window.end)
        if scope == "journey":
            body["JourneyId"] = entity_id
        body["KpiName"] = kpi.name
        body["KpiResult"] = RawJson(f'{{"Rows":{rows}}}')
        body["NextToken"] = None
        body["StartTime"] = wire_time(window.start)
        return body

    def _app(self, application_id: str) -> Application:
        app = self._apps.get(application_id)
        if app is None:
            raise not_found("application", application_id)
        return app


class RawJson(str):
    """Text that is already JSON: :func:`encode` puts it in as it is.

    Examples
    --------
    >>> encode({"A": 1, "B": RawJson('{"Rows":[]}')})
    b'{"A":1,"B":{"Rows":[]}}'
    """


def encode(body: dict) -> bytes:
    """A body as compact JSON bytes; top-level :class:`RawJson` values go in unchanged."""
    if not any(isinstance(value, RawJson) for value in body.values()):
        return json.dumps(body, separators=(",", ":")).encode()
    parts = [_QUOTE(key) + ":" + _dumps(value) for key, value in body.items()]
    return ("{" + ",".join(parts) + "}").encode()


_QUOTE = json.encoder.encode_basestring_ascii  # what json.dumps does with a str, in C


def _dumps(value: object) -> str:
    if isinstance(value, RawJson):
        return value
    if isinstance(value, str):
        return _QUOTE(value)
    if value is None:
        return "null"
    return json.dumps(value, separators=(",", ":"))


def wire_time(value: dt.datetime) -> str:
    """An instant as the KPI answers echo it: ``2026-10-01T00:00:00Z`` (milliseconds if any).

    Examples
    --------
    >>> import datetime as dt
    >>> wire_time(dt.datetime(2026, 10, 1, 0, 0, 0, 250000, tzinfo=dt.UTC))
    '2026-10-01T00:00:00.250Z'
    """
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _listing(items: list[dict], token: str | None) -> dict:
    body: dict = {"Item": items}
    if token is not None:
        body["NextToken"] = token
    return body


def _campaign(app: Application, campaign_id: str) -> Campaign:
    for campaign in app.campaigns:
        if campaign.id == campaign_id:
            return campaign
    raise not_found("campaign", campaign_id)


def _journey(app: Application, journey_id: str) -> Journey:
    for journey in app.journeys:
        if journey.id == journey_id:
            return journey
    raise not_found("journey", journey_id)
