"""client.py: ClientOptions, checked when made, and accepted by everything that talks to Pinpoint.

The wire tests go through the session emulator with real boto3 clients.
"""

from __future__ import annotations

import dataclasses

import boto3
import botocore.session
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.client import ClientOptions, client_options
from pinpoint_kpi_pandas.errors import ArgumentTypeError, InvalidArgumentError

KPI = "successful-delivery-rate-grouped-by-date"
RANGE = ("2026-10-01", "2026-10-28")


@pytest.mark.parametrize(
    ("fields", "error", "match"),
    [
        ({"client": "pinpoint"}, ArgumentTypeError, r"boto3\.client\('pinpoint'\).* not str"),
        ({"client": object()}, ArgumentTypeError, r"client must be a boto3 Pinpoint client"),
        ({"boto3_session": "default"}, ArgumentTypeError, r"boto3\.Session\(profile_name="),
        ({"region_name": 1}, ArgumentTypeError, r"region_name must be a str .*'us-east-1'"),
        ({"endpoint_url": b"http://x"}, ArgumentTypeError, r"endpoint_url must be a str"),
        ({"max_attempts": 0}, InvalidArgumentError, r"max_attempts must be .* at least 1"),
        ({"max_attempts": True}, InvalidArgumentError, r"max_attempts"),
    ],
)
def test_wrong_types_are_refused_naming_what_to_pass(fields, error, match):
    with pytest.raises(error, match=match):
        ClientOptions(**fields)


def test_a_botocore_session_is_refused_with_how_to_wrap_it():
    with pytest.raises(ArgumentTypeError, match=r"boto3\.Session\(botocore_session=\.\.\.\)"):
        ClientOptions(boto3_session=botocore.session.get_session())


def test_options_are_frozen_and_hold_no_credentials():
    reach = ClientOptions(region_name="eu-west-1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        reach.region_name = "us-east-1"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(ClientOptions)] == [
        "client",
        "boto3_session",
        "region_name",
        "endpoint_url",
        "max_attempts",
    ]


def test_separate_arguments_fill_in_and_conflicts_are_refused():
    base = ClientOptions(region_name="eu-west-1", max_attempts=3)
    merged = client_options(base, endpoint_url="http://127.0.0.1:9")
    assert (merged.region_name, merged.endpoint_url, merged.max_attempts) == (
        "eu-west-1",
        "http://127.0.0.1:9",
        3,
    )
    assert client_options(base, region_name="eu-west-1") == base  # the same value agrees
    with pytest.raises(InvalidArgumentError, match=r"region_name given both"):
        client_options(base, region_name="us-east-1")
    with pytest.raises(ArgumentTypeError, match=r"client_options must be a .*ClientOptions"):
        client_options({"region_name": "eu-west-1"})  # type: ignore[arg-type]
    assert client_options() == ClientOptions()


def test_the_client_built_uses_the_options(emulator):
    client = ClientOptions(endpoint_url=emulator.endpoint_url, max_attempts=4).make_client()
    assert client.meta.endpoint_url == emulator.endpoint_url
    assert client.meta.config.retries["total_max_attempts"] == 4
    given = ClientOptions(client=client)
    assert given.make_client() is client


def test_every_function_that_talks_to_pinpoint_takes_client_options(emulator, sample_app):
    session = boto3.session.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name="us-east-1"
    )
    reach = ClientOptions(endpoint_url=emulator.endpoint_url, boto3_session=session)
    ids = [c.id for c in sample_app.campaigns[1:3]]
    assert sample_app.id in ppk.list_applications(client_options=reach).index
    assert len(ppk.list_campaigns(sample_app.id, client_options=reach)) == len(sample_app.campaigns)
    assert len(ppk.list_journeys(sample_app.id, client_options=reach)) == len(sample_app.journeys)
    frame = ppk.read_pinpoint_kpi(sample_app.id, KPI, *RANGE, campaign_id=ids, client_options=reach)
    expected = ppk.read_pinpoint_kpi(
        sample_app.id, KPI, *RANGE, campaign_id=ids, endpoint_url=emulator.endpoint_url
    )
    assert frame.equals(expected)
    labelled = frame.pinpoint.label(client_options=reach)
    assert set(labelled.index.get_level_values("CampaignId")) == {
        c.name for c in sample_app.campaigns[1:3]
    }


def test_bad_options_are_refused_before_any_request(emulator, sample_app):
    before = len(emulator.request_log)
    with pytest.raises(ArgumentTypeError, match="boto3_session must be"):
        ppk.read_pinpoint_kpi(
            sample_app.id, KPI, *RANGE, campaign_id=["c1"], client_options=ClientOptions(),
            boto3_session="default",
        )  # fmt: skip
    with pytest.raises(InvalidArgumentError, match="endpoint_url given both"):
        ppk.list_campaigns(
            sample_app.id,
            client_options=ClientOptions(endpoint_url=emulator.endpoint_url),
            endpoint_url="http://127.0.0.1:9",
        )
    assert len(emulator.request_log) == before
