"""Helpers for the emulator's tests: raw HTTP requests, and picking entities with data."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

# Any SigV4-shaped Authorization header is accepted (credentials are not checked).
FAKE_SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=testing/20261029/us-east-1/mobiletargeting/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: dict

    @property
    def error_type(self) -> str | None:
        return self.headers.get("x-amzn-errortype")


def raw_request(endpoint_url: str, path: str, query=None, *, method="GET", signed=True):
    """Send one request with urllib (no botocore), returning status, headers, parsed body."""
    url = endpoint_url + urllib.parse.quote(path)
    if query:
        url += "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, method=method)
    if signed:
        request.add_header("Authorization", FAKE_SIGV4)
        request.add_header("X-Amz-Date", "20261029T120000Z")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, data = response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        status, headers, data = err.code, err.headers, err.read()
    lowered = {k.lower(): v for k, v in headers.items()}
    return RawResponse(status, lowered, json.loads(data) if data else {})


@pytest.fixture
def raw(emulator):
    """``raw(path, query=None, method="GET", signed=True)`` against the session emulator."""

    def send(path, query=None, **kwargs):
        return raw_request(emulator.endpoint_url, path, query, **kwargs)

    return send


class KpiCaller:
    """Calls the KPI operations through boto3; the scope follows from the ids given.

    Dates are ``"YYYY-MM-DD"`` strings: ``start`` means 00:00:00, ``end`` 23:59:59 (UTC).
    """

    def __init__(self, client, app_id: str):
        self.client = client
        self.app_id = app_id

    def response(self, name, *, campaign=None, journey=None, start=None, end=None, app_id=None):
        """The inner payload (``...DateRangeKpiResponse``) of one call."""
        kwargs = {"ApplicationId": app_id or self.app_id, "KpiName": name}
        if start:
            kwargs["StartTime"] = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
        if end:
            day = dt.datetime.fromisoformat(end).replace(tzinfo=dt.UTC)
            kwargs["EndTime"] = day.replace(hour=23, minute=59, second=59)
        if campaign:
            answer = self.client.get_campaign_date_range_kpi(CampaignId=campaign, **kwargs)
            return answer["CampaignDateRangeKpiResponse"]
        if journey:
            answer = self.client.get_journey_date_range_kpi(JourneyId=journey, **kwargs)
            return answer["JourneyDateRangeKpiResponse"]
        answer = self.client.get_application_date_range_kpi(**kwargs)
        return answer["ApplicationDateRangeKpiResponse"]

    def rows(self, name, **kwargs) -> list[dict]:
        """The Rows of one call."""
        return self.response(name, **kwargs)["KpiResult"]["Rows"]

    def values(self, name, **kwargs) -> dict:
        """{grouping value, or None when ungrouped: float value} of one call."""
        out = {}
        for row in self.rows(name, **kwargs):
            group = row["GroupedBys"][0]["Value"] if row.get("GroupedBys") else None
            out[group] = float(row["Values"][0]["Value"])
        return out

    def value(self, name, **kwargs) -> float:
        """The single value of an ungrouped KPI (0.0 when there are no rows)."""
        return self.values(name, **kwargs).get(None, 0.0)


@pytest.fixture
def kpi(pinpoint_client, sample_app):
    """A :class:`KpiCaller` for the sample project on the session emulator."""
    return KpiCaller(pinpoint_client, sample_app.id)


@pytest.fixture(scope="session")
def kpi_caller(pinpoint_client_factory):
    """``kpi_caller(endpoint_url, app_id)`` -> a :class:`KpiCaller` for another emulator."""

    def make(endpoint_url: str, app_id: str) -> KpiCaller:
        return KpiCaller(pinpoint_client_factory(endpoint_url), app_id)

    return make
