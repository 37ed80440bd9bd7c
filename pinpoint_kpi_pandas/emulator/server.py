"""The HTTP server: routing, SigV4 presence check, and Pinpoint's rest-json wire format.

On the wire the body is the *inner* object (``{"ApplicationId": ..., "KpiResult": ...}``);
boto3 and the AWS CLI wrap it under the payload member name. Error answers carry
``{"Message", "RequestID"}`` and the ``x-amzn-ErrorType`` header, from which botocore builds a
``ClientError`` with that code. Every answer has ``x-amzn-RequestId`` and a ``Date`` header taken
from the emulator's clock (frozen by default), not the wall clock.

Speed: a ``ThreadingHTTPServer`` on HTTP/1.1 keep-alive, writing each whole answer (status line,
headers and body) with one ``send``. Writing headers and body separately stalls each request
about 40 ms on a keep-alive connection (Nagle's algorithm meets delayed ACK).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http
import json
import socket
import sys
import threading
import traceback
import uuid
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .. import __version__
from ..endpoint import EMULATOR_IDENTITY_PATH, emulator_identity
from .clock import Clock
from .faults import Faults
from .kpis import KpiEngine
from .payloads import activity_payload, app_payload, campaign_payload, journey_payload
from .requestlog import LoggedRequest, RequestLog
from .rules import ApiError, not_found, page, resolve_kpi, resolve_window
from .world import Application, Campaign, Journey, World, build_world

__all__ = ["OPERATIONS", "Emulator", "running"]

# (path template, operation). Placeholders name the LoggedRequest fields they fill.
_ROUTES = (
    ("/v1/apps", "GetApps"),
    ("/v1/apps/{application_id}", "GetApp"),
    ("/v1/apps/{application_id}/campaigns", "GetCampaigns"),
    ("/v1/apps/{application_id}/campaigns/{campaign_id}", "GetCampaign"),
    ("/v1/apps/{application_id}/campaigns/{campaign_id}/activities", "GetCampaignActivities"),
    ("/v1/apps/{application_id}/journeys", "ListJourneys"),
    ("/v1/apps/{application_id}/journeys/{journey_id}", "GetJourney"),
    ("/v1/apps/{application_id}/kpis/daterange/{kpi_name}", "GetApplicationDateRangeKpi"),
    (
        "/v1/apps/{application_id}/campaigns/{campaign_id}/kpis/daterange/{kpi_name}",
        "GetCampaignDateRangeKpi",
    ),
    (
        "/v1/apps/{application_id}/journeys/{journey_id}/kpis/daterange/{kpi_name}",
        "GetJourneyDateRangeKpi",
    ),
)
OPERATIONS = tuple(op for _, op in _ROUTES)
"""The operations the emulator serves, all ``GET``."""

_ROUTE_TABLE: dict[int, list[tuple[tuple[str, ...], str]]] = {
    len(template.strip("/").split("/")): [] for template, _ in _ROUTES
}  # segment count -> [(segments, operation)]
for _template, _op in _ROUTES:
    _segments = tuple(_template.strip("/").split("/"))
    _ROUTE_TABLE[len(_segments)].append((_segments, _op))

_KPI_SCOPES = {
    "GetApplicationDateRangeKpi": "application",
    "GetCampaignDateRangeKpi": "campaign",
    "GetJourneyDateRangeKpi": "journey",
}


def route(path: str) -> tuple[str, dict[str, str]] | None:
    """The operation and path parameters for a path, or None for an unknown path.

    Examples
    --------
    >>> route("/v1/apps/abc/campaigns/def/kpis/daterange/email-open-rate")
    ('GetCampaignDateRangeKpi', {'application_id': 'abc', 'campaign_id': 'def', 'kpi_name': 'email-open-rate'})
    >>> route("/v2/anything") is None
    True
    """  # noqa: E501
    parts = [unquote(p) for p in path.strip("/").split("/")]
    for segments, operation in _ROUTE_TABLE.get(len(parts), ()):
        params = {}
        for want, got in zip(segments, parts, strict=True):
            if want.startswith("{"):
                if not got:
                    break
                params[want[1:-1]] = got
            elif want != got:
                break
        else:
            return operation, params
    return None


class Emulator:
    """A local Amazon Pinpoint analytics server speaking the real wire format.

    Point boto3 (``endpoint_url=emu.endpoint_url``) or the AWS CLI (``--endpoint-url``) at it.
    Any SigV4-signed request is accepted, whatever the credentials.

    Parameters
    ----------
    seed : int
        Seeds the world (ids, names, every counter) and the error draws.
    now : datetime, str or None
        The clock: None for the frozen :data:`~.clock.DEFAULT_NOW` (2026-10-29T12:00:00Z), an
        aware datetime or ISO string for another frozen instant, ``"system"`` for the wall clock.
    latency_ms : float
        Fixed delay per request.
    rate_limit : float or None
        Requests per second per operation before 429 TooManyRequestsException.
    burst : float or None
        Token-bucket size; default ``rate_limit``.
    error_rate : float
        Seeded share of requests answered 500 InternalServerErrorException.
    failing_ids : iterable of str
        Application, campaign or journey ids whose KPI requests always answer 500.
    throttle_rate : float
        Seeded share of requests answered 429 TooManyRequestsException, independent of timing.
    campaigns_per_project : int
        Campaigns in the main sample project.
    host : str
        Address to bind; loopback by default.
    port : int
        Port to bind; 0 picks a free one.

    Attributes
    ----------
    world : World
        The data served; ``world.applications[0]`` is the main sample.
    peak_in_flight : int
        The most requests the server was handling at once (since the last :meth:`clear_log`):
        shows a client's real concurrency.
    request_log : RequestLog
        Every request answered, oldest first.
    clock : Clock
        The emulator's clock.
    faults : Faults
        The injected faults.

    Examples
    --------
    >>> emu = Emulator(seed=0).start()
    >>> emu.endpoint_url.startswith("http://127.0.0.1:")
    True
    >>> emu.world.applications[0].name
    'Acme Retail'
    >>> emu.stop()
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        now: dt.datetime | str | None = None,
        latency_ms: float = 0,
        rate_limit: float | None = None,
        burst: float | None = None,
        error_rate: float = 0.0,
        failing_ids: Iterable[str] = (),
        campaigns_per_project: int = 12,
        host: str = "127.0.0.1",
        port: int = 0,
        throttle_rate: float = 0.0,
    ):
        self.seed = seed
        self.clock = Clock(now)
        self.world: World = build_world(seed, self.clock.today(), campaigns_per_project)
        self.engine = KpiEngine(self.world)
        self.faults = Faults(
            latency_ms, rate_limit, burst, error_rate, failing_ids, seed, throttle_rate
        )
        self.request_log = RequestLog()
        self.peak_in_flight = 0
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind and serve in a background thread; returns self.

        Examples
        --------
        >>> emu = Emulator().start()
        >>> emu.port > 0
        True
        >>> emu.stop()
        """
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server_class = _Server6 if ":" in self.host else _Server
        self._server = server_class((self.host, self.port), _Handler, self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"pinpoint-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection (idempotent).

        Examples
        --------
        >>> emu = Emulator().start()
        >>> emu.stop(); emu.stop()
        """
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait(self) -> None:
        """Block until :meth:`stop` is called from another thread (or a signal handler)."""
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(timeout=0.2)

    def __enter__(self) -> Emulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        """The URL to pass as ``endpoint_url``, e.g. ``http://127.0.0.1:54321``."""
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def clear_log(self) -> None:
        """Forget the requests logged so far (and the peak of requests in flight)."""
        self.request_log.clear()
        with self._in_flight_lock:
            self.peak_in_flight = self._in_flight

    def _arrived(self) -> None:
        with self._in_flight_lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)

    def _answered(self) -> None:
        with self._in_flight_lock:
            self._in_flight -= 1

    def __repr__(self) -> str:
        state = self.endpoint_url if self._server is not None else "stopped"
        return f"<Emulator seed={self.seed} {self.clock!r} {state}>"

    # -- operations -----------------------------------------------------------------------

    def handle(self, operation: str, params: dict[str, str], query: dict[str, str]) -> dict:
        """Answer one operation: the body of a 200 answer, or raise :class:`ApiError`."""
        self.faults.before(operation)
        if operation == "GetApps":
            items, token = page(list(self.world.applications), query.get("token"),
                                query.get("page-size"))  # fmt: skip
            return _listing([app_payload(a) for a in items], token)
        app = self._app(params["application_id"])
        if operation in _KPI_SCOPES:
            return self._kpi(_KPI_SCOPES[operation], app, params, query)
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
            return journey_payload(self._journey(app, params["journey_id"]))
        campaign = self._campaign(app, params["campaign_id"])
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
            entity_id = self._campaign(app, params["campaign_id"]).id
            body["CampaignId"] = entity_id
        elif scope == "journey":
            entity_id = self._journey(app, params["journey_id"]).id
        self.faults.check_ids(app.id, entity_id)
        kpi = resolve_kpi(params["kpi_name"], scope)
        now = self.clock.now()
        window = resolve_window(query.get("start-time"), query.get("end-time"), now)
        rows = self.engine.rows(
            kpi,
            app,
            entity_id,
            window.first_day,
            window.last_day,
            today=now.date(),
            fraction=self.clock.day_fraction(now),
        )
        body["EndTime"] = _wire_time(window.end)
        if scope == "journey":
            body["JourneyId"] = entity_id
        body["KpiName"] = kpi.name
        body["KpiResult"] = {"Rows": rows}
        body["NextToken"] = None
        body["StartTime"] = _wire_time(window.start)
        return body

    def _app(self, application_id: str) -> Application:
        for app in self.world.applications:
            if app.id == application_id:
                return app
        raise not_found("application", application_id)

    @staticmethod
    def _campaign(app: Application, campaign_id: str) -> Campaign:
        for campaign in app.campaigns:
            if campaign.id == campaign_id:
                return campaign
        raise not_found("campaign", campaign_id)

    @staticmethod
    def _journey(app: Application, journey_id: str) -> Journey:
        for journey in app.journeys:
            if journey.id == journey_id:
                return journey
        raise not_found("journey", journey_id)


@contextlib.contextmanager
def running(
    seed: int = 0,
    now: dt.datetime | str | None = None,
    latency_ms: float = 0,
    rate_limit: float | None = None,
    burst: float | None = None,
    error_rate: float = 0.0,
    failing_ids: Iterable[str] = (),
    campaigns_per_project: int = 12,
    host: str = "127.0.0.1",
    port: int = 0,
    throttle_rate: float = 0.0,
) -> Iterator[Emulator]:
    """Run an :class:`Emulator` for the duration of a ``with`` block.

    Parameters are those of :class:`Emulator`.

    Yields
    ------
    Emulator
        Started; stopped when the block exits.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import emulator
    >>> with emulator.running(seed=0) as emu:
    ...     sample = emu.world.applications[0]
    ...     url = emu.endpoint_url
    >>> sample.name, url.startswith("http://127.0.0.1:")
    ('Acme Retail', True)

    With boto3::

        with emulator.running() as emu:
            client = boto3.client("pinpoint", endpoint_url=emu.endpoint_url,
                                  region_name="us-east-1", aws_access_key_id="testing",
                                  aws_secret_access_key="testing")
            app_id = emu.world.applications[0].id
            client.get_application_date_range_kpi(ApplicationId=app_id,
                                                   KpiName="txn-emails-sent-grouped-by-date")
    """
    emu = Emulator(
        seed=seed,
        now=now,
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        burst=burst,
        error_rate=error_rate,
        failing_ids=failing_ids,
        campaigns_per_project=campaigns_per_project,
        host=host,
        port=port,
        throttle_rate=throttle_rate,
    ).start()
    try:
        yield emu
    finally:
        emu.stop()


def _listing(items: list[dict], token: str | None) -> dict:
    body: dict = {"Item": items}
    if token is not None:
        body["NextToken"] = token
    return body


def _wire_time(value: dt.datetime) -> str:
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------
# HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, handler, emulator: Emulator):
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake idle keep-alive handler threads so they end."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Server6(_Server):
    address_family = socket.AF_INET6


_IDENTITY = json.dumps(emulator_identity(__version__)).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PinpointEmulator"
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        emu = self.server.emulator
        emu._arrived()
        try:
            self._serve()
        finally:
            emu._answered()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format, *args) -> None:
        pass  # quiet: the request log records what matters

    def _serve(self) -> None:
        emu = self.server.emulator
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        request_id = str(uuid.uuid4())
        if split.path == EMULATOR_IDENTITY_PATH:
            # Says what this server is, so clients sign with placeholder credentials (see
            # pinpoint_kpi_pandas.endpoint); answered before auth, faults and the request log.
            self._respond(200, _IDENTITY, request_id, None)
            return
        found = route(split.path)
        operation, params = found if found else (None, {})
        error_code = None
        try:
            auth = self.headers.get("Authorization")
            if not auth:
                raise ApiError(403, "ForbiddenException", "Missing Authentication Token")
            if not auth.startswith("AWS4-HMAC-SHA256 "):
                raise ApiError(
                    403,
                    "ForbiddenException",
                    "Authorization header is not an AWS Signature Version 4 signature",
                )
            if operation is None:
                raise ApiError(
                    404, "NotFoundException", f"No such resource: {self.command} {split.path}"
                )
            if self.command != "GET":
                raise ApiError(
                    405,
                    "MethodNotAllowedException",
                    f"{self.command} is not allowed on {split.path} (operation {operation} is a "
                    "GET; this emulator serves read-only analytics operations)",
                )
            status, body = 200, emu.handle(operation, params, query)
        except ApiError as err:
            status, error_code = err.status, err.code
            body = {"Message": err.message, "RequestID": request_id}
        except Exception as exc:  # a bug in the emulator: answer like the service would
            traceback.print_exc(file=sys.stderr)
            status, error_code = 500, "InternalServerErrorException"
            body = {"Message": f"Internal server error: {exc!r}", "RequestID": request_id}
        # Logged before answering, so a client that has its answer finds it in the log.
        emu.request_log.append(
            LoggedRequest(
                operation=operation,
                method=self.command,
                path=split.path,
                query=query,
                status=status,
                error_code=error_code,
                application_id=params.get("application_id"),
                campaign_id=params.get("campaign_id"),
                journey_id=params.get("journey_id"),
                kpi_name=params.get("kpi_name"),
                request_id=request_id,
            )
        )
        self._respond(status, json.dumps(body, separators=(",", ":")).encode(), request_id,
                      error_code)  # fmt: skip

    def _respond(self, status: int, body: bytes, request_id: str, error_code: str | None) -> None:
        # One buffer, one send: see the module docstring.
        lines = [
            f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
            f"Date: {self.server.emulator.clock.http_date()}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            f"x-amzn-RequestId: {request_id}",
        ]
        if error_code:
            lines.append(f"x-amzn-ErrorType: {error_code}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        with contextlib.suppress(OSError):
            self.wfile.write(head if self.command == "HEAD" else head + body)
