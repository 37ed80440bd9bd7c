"""Pinpoint's rest-json service on top of the HTTP core: routing, SigV4 presence, error shape.

On the wire the body is the *inner* object (``{"ApplicationId": ..., "KpiResult": ...}``);
boto3 and the AWS CLI wrap it under the payload member name. Error answers carry
``{"Message", "RequestID"}`` and the ``x-amzn-ErrorType`` header, from which botocore builds a
``ClientError`` with that code. Every answer has ``x-amzn-RequestId`` and a ``Date`` header taken
from the emulator's clock (frozen by default), not the wall clock. Malformed requests (bad
framing, an undecodable path or query) answer 400 BadRequestException in the same shape.
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
import traceback
import uuid
from urllib.parse import unquote, urlsplit

from .._version import __version__
from ..endpoint import EMULATOR_IDENTITY_PATH, emulator_identity
from .clock import Clock
from .httpcore import Answer, Malformed, Request
from .operations import Operations, encode
from .requestlog import LoggedRequest, RequestLog
from .rules import ApiError, bad_request

__all__ = ["OPERATIONS", "Service", "route"]

_IDENTITY = encode(emulator_identity(__version__))

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

_ROUTE_TABLE: dict[int, list[tuple[tuple[str, ...], str]]] = {}  # segment count -> routes
for _template, _op in _ROUTES:
    _segments = tuple(_template.strip("/").split("/"))
    _ROUTE_TABLE.setdefault(len(_segments), []).append((_segments, _op))

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MISSING_AUTH = ApiError(403, "ForbiddenException", "Missing Authentication Token")
_NOT_SIGV4 = ApiError(
    403, "ForbiddenException", "Authorization header is not an AWS Signature Version 4 signature"
)


def route(path: str) -> tuple[str, dict[str, str]] | None:
    """The operation and path parameters for a decoded-segment path, or None for an unknown path.

    Examples
    --------
    >>> route("/v1/apps/abc/campaigns/def/kpis/daterange/email-open-rate")
    ('GetCampaignDateRangeKpi', {'application_id': 'abc', 'campaign_id': 'def', 'kpi_name': 'email-open-rate'})
    >>> route("/v2/anything") is None
    True
    """  # noqa: E501
    parts = [unquote(p) if "%" in p else p for p in path.strip("/").split("/")]
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


def split_target(target: str) -> tuple[str, dict[str, str]]:
    """The path and the query parameters of a request target, checked.

    Raises
    ------
    ApiError
        400 BadRequestException: not an origin-form or absolute-form target, a bad percent
        escape, bytes that are not UTF-8, a query field without ``=``, a parameter twice.

    Examples
    --------
    >>> split_target("/v1/apps?page-size=5")
    ('/v1/apps', {'page-size': '5'})
    >>> split_target("/v1/apps?start-time=%ZZ")
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.emulator.rules.ApiError: Malformed query string: ...
    """
    if target.startswith(("http://", "https://")):
        split = urlsplit(target)
        path, query = split.path or "/", split.query
    elif target.startswith("/"):
        path, _, query = target.partition("?")
    else:
        raise bad_request(f"Malformed request target {target[:80]!r}: it must start with '/'.")
    if _BAD_ESCAPE.search(path):
        raise bad_request(f"Malformed path {path[:80]!r}: bad percent-encoding.")
    if "%" in path and not _utf8(path):
        raise bad_request(f"Malformed path {path[:80]!r}: it does not decode as UTF-8.")
    pairs = _query_pairs(query)
    params = dict(pairs)
    if len(params) < len(pairs):
        names = [name for name, _ in pairs]
        twice = sorted({n for n in names if names.count(n) > 1})
        raise bad_request(f"Malformed query string: {', '.join(twice)} given more than once.")
    return path, params


def _query_pairs(query: str) -> list[tuple[str, str]]:
    """``name=value`` pairs joined by ``&``, decoded as forms are (``+`` is a space)."""
    if not query:
        return []
    if _BAD_ESCAPE.search(query):
        raise bad_request(f"Malformed query string: bad percent-encoding in {query[:80]!r}.")
    pairs = []
    for field in query.split("&"):
        name, equals, value = field.partition("=")
        if not equals or not name:
            raise bad_request(
                f"Malformed query string: {query[:80]!r} is not name=value pairs joined by '&'."
            )
        try:
            pairs.append((_decode(name), _decode(value)))
        except UnicodeDecodeError:
            raise bad_request(
                f"Malformed query string: {query[:80]!r} does not decode as UTF-8."
            ) from None
    return pairs


def _decode(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="strict") if "%" in text else text


def _utf8(path: str) -> bool:
    try:
        unquote(path, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


class Service:
    """The HTTP core's application: decodes, routes, checks the signature, answers, logs.

    Parameters
    ----------
    operations : Operations
        Answers the operations.
    clock : Clock
        Dates the answers.
    request_log : RequestLog
        Every request answered goes here, before its answer is sent.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.emulator import Clock, Faults, RequestLog, build_world
    >>> from pinpoint_kpi_pandas.emulator.httpcore import Request
    >>> service = Service(Operations(build_world(0), Clock(), Faults()), Clock(), RequestLog())
    >>> service.answer(Request("GET", "/v1/apps", "HTTP/1.1", {})).status  # unsigned
    403
    """

    def __init__(self, operations: Operations, clock: Clock, request_log: RequestLog):
        self.operations = operations
        self.clock = clock
        self.request_log = request_log
        self.peak_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        # Request ids: a random prefix per emulator and a counter (uuid4 per request cost a
        # system call each); itertools.count's next() is atomic under the GIL.
        prefix = uuid.uuid4().hex
        self._id_prefix = f"{prefix[:8]}-{prefix[8:12]}-{prefix[12:16]}-{prefix[16:20]}-"
        self._id_counter = itertools.count()

    def answer(self, request: Request) -> Answer:
        """The answer to one well-framed request."""
        with self._lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            return self._answer(request)
        finally:
            with self._lock:
                self._in_flight -= 1

    def malformed(self, error: Malformed) -> Answer:
        """The 400 answer to a request the core could not frame (the connection then closes)."""
        path = error.target.partition("?")[0]
        api_error = bad_request(f"Malformed request: {error.message}")
        return self._finish(None, error.method or "?", path, {}, {}, api_error, close=True)

    def http_date(self) -> str:
        """The ``Date`` header value: the emulator's clock."""
        return self.clock.http_date()

    def reset_peak(self) -> None:
        """Start counting the peak of requests in flight afresh."""
        with self._lock:
            self.peak_in_flight = self._in_flight

    def _answer(self, request: Request) -> Answer:
        method = request.method
        try:
            path, query = split_target(request.target)
        except ApiError as err:
            return self._finish(None, method, request.target.partition("?")[0], {}, {}, err)
        if path == EMULATOR_IDENTITY_PATH:
            # Says what this server is, so clients sign with placeholder credentials (see
            # pinpoint_kpi_pandas.endpoint); answered before auth, faults and the request log.
            return Answer(200, _IDENTITY)
        found = route(path)
        operation, params = found if found else (None, {})
        try:
            auth = request.headers.get("authorization")
            if not auth:
                raise _MISSING_AUTH
            if not auth.startswith("AWS4-HMAC-SHA256 "):
                raise _NOT_SIGV4
            if operation is None:
                raise ApiError(404, "NotFoundException", f"No such resource: {method} {path}")
            if method != "GET":
                raise ApiError(
                    405,
                    "MethodNotAllowedException",
                    f"{method} is not allowed on {path} (operation {operation} is a GET; this "
                    "emulator serves read-only analytics operations)",
                )
            body = self.operations.body(operation, params, query)
        except ApiError as err:
            return self._finish(operation, method, path, query, params, err)
        except Exception as exc:  # a bug in the emulator: answer like the service would
            traceback.print_exc(file=sys.stderr)
            bug = ApiError(500, "InternalServerErrorException", f"Internal server error: {exc!r}")
            return self._finish(operation, method, path, query, params, bug)
        return self._finish(operation, method, path, query, params, body)

    def _finish(self, operation, method, path, query, params, outcome, close=False) -> Answer:
        request_id = f"{self._id_prefix}{next(self._id_counter):012x}"
        headers: tuple[tuple[str, str], ...] = (("x-amzn-RequestId", request_id),)
        if isinstance(outcome, ApiError):
            status, error_code = outcome.status, outcome.code
            data = encode({"Message": outcome.message, "RequestID": request_id})
            headers += (("x-amzn-ErrorType", error_code),)
        else:
            status, error_code, data = 200, None, outcome
        # Logged before answering, so a client that has its answer finds it in the log.
        self.request_log.append(
            LoggedRequest(
                operation=operation,
                method=method,
                path=path,
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
        return Answer(status, data, headers, close)
