"""Faults on demand: latency, rate limit (429), a seeded share of 500s, ids that always fail."""

from __future__ import annotations

import concurrent.futures
import time

import pytest
from botocore.exceptions import ClientError

from pinpoint_kpi_pandas import emulator as emulator_module


def _status(call, **kwargs) -> int:
    try:
        call(**kwargs)
    except ClientError as err:
        return err.response["ResponseMetadata"]["HTTPStatusCode"]
    return 200


def test_latency_delays_each_request(pinpoint_client_factory):
    with emulator_module.running(latency_ms=150) as emu:
        client = pinpoint_client_factory(emu.endpoint_url)
        app_id = emu.world.applications[0].id
        client.get_app(ApplicationId=app_id)  # connect first
        started = time.perf_counter()
        client.get_application_date_range_kpi(ApplicationId=app_id, KpiName="txn-sms-sent")
        assert time.perf_counter() - started >= 0.14  # loose: only a lower bound


def test_latency_overlaps_across_concurrent_requests(pinpoint_client_factory):
    # Eight clients at once, each answer held 400 ms: a concurrent server has them all in
    # flight together (a serial one would peak at one).
    with emulator_module.running(latency_ms=400) as emu:
        client = pinpoint_client_factory(emu.endpoint_url, max_pool_connections=8)
        app_id = emu.world.applications[0].id
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: client.get_app(ApplicationId=app_id), range(8)))
        assert emu.peak_in_flight == 8


def test_rate_limit_answers_429_past_the_burst(pinpoint_client_factory):
    with emulator_module.running(rate_limit=2, burst=5) as emu:
        client = pinpoint_client_factory(emu.endpoint_url)
        app_id = emu.world.applications[0].id
        statuses = [
            _status(client.get_application_date_range_kpi, ApplicationId=app_id,
                    KpiName="txn-sms-sent")
            for _ in range(12)
        ]  # fmt: skip
        assert statuses[:5] == [200] * 5
        assert statuses.count(429) >= 5
        with pytest.raises(ClientError) as info:
            client.get_application_date_range_kpi(ApplicationId=app_id, KpiName="txn-sms-sent")
        assert info.value.response["Error"]["Code"] == "TooManyRequestsException"
        # The bucket is per operation: listing still works.
        assert _status(client.get_apps) == 200
        assert emu.request_log.count(status=429) >= 6


def test_botocore_retries_recover_from_the_rate_limit(pinpoint_client_factory):
    with emulator_module.running(rate_limit=20, burst=1) as emu:
        client = pinpoint_client_factory(
            emu.endpoint_url, retries={"mode": "standard", "total_max_attempts": 10}
        )
        app_id = emu.world.applications[0].id
        for _ in range(4):
            client.get_application_date_range_kpi(ApplicationId=app_id, KpiName="txn-sms-sent")
        assert emu.request_log.count(status=200) == 4


def _statuses_with_errors(pinpoint_client_factory, seed, count=200):
    with emulator_module.running(seed=seed, error_rate=0.3) as emu:
        client = pinpoint_client_factory(emu.endpoint_url)
        app_id = emu.world.applications[0].id
        return [
            _status(client.get_application_date_range_kpi, ApplicationId=app_id,
                    KpiName="txn-emails-sent")
            for _ in range(count)
        ]  # fmt: skip


def test_error_rate_is_a_seeded_share_of_500s(pinpoint_client_factory):
    first = _statuses_with_errors(pinpoint_client_factory, seed=7)
    assert set(first) == {200, 500}
    assert 0.2 <= first.count(500) / len(first) <= 0.4
    # Deterministic: same seed, same request order, same failures.
    assert _statuses_with_errors(pinpoint_client_factory, seed=7) == first


def test_error_rate_applies_to_listing_operations(pinpoint_client_factory):
    with emulator_module.running(error_rate=1.0) as emu:
        client = pinpoint_client_factory(emu.endpoint_url)
        with pytest.raises(ClientError) as info:
            client.get_apps()
        assert info.value.response["Error"]["Code"] == "InternalServerErrorException"


def test_failing_ids_fail_their_kpi_requests_only(pinpoint_client_factory):
    world = emulator_module.build_world(0)
    app = world.applications[0]
    bad_campaign, good_campaign = app.campaigns[1], app.campaigns[2]
    bank = world.application("Acme Bank")
    with emulator_module.running(failing_ids=[bad_campaign.id, bank.id]) as emu:
        client = pinpoint_client_factory(emu.endpoint_url)

        def campaign_kpi(campaign):
            return _status(client.get_campaign_date_range_kpi, ApplicationId=app.id,
                           CampaignId=campaign.id, KpiName="unique-deliveries")  # fmt: skip

        assert [campaign_kpi(bad_campaign) for _ in range(3)] == [500] * 3
        assert campaign_kpi(good_campaign) == 200
        # Labelling operations on a failing id still work.
        assert _status(client.get_campaign, ApplicationId=app.id, CampaignId=bad_campaign.id) == 200
        # A failing application fails every KPI request in it, at every scope.
        assert _status(client.get_application_date_range_kpi, ApplicationId=bank.id,
                       KpiName="txn-sms-sent") == 500  # fmt: skip
        bank_kpi = {"CampaignId": bank.campaigns[0].id, "KpiName": "unique-deliveries"}
        assert _status(client.get_campaign_date_range_kpi, ApplicationId=bank.id, **bank_kpi) == 500
        assert _status(client.get_app, ApplicationId=bank.id) == 200


def test_throttle_rate_is_a_seeded_share_of_429s(pinpoint_client_factory):
    def statuses():
        with emulator_module.running(seed=3, throttle_rate=0.2, error_rate=0.1) as emu:
            client = pinpoint_client_factory(emu.endpoint_url)
            return [_status(client.get_apps) for _ in range(150)]

    first = statuses()
    assert 0.1 <= first.count(429) / len(first) <= 0.3
    assert 0.03 <= first.count(500) / len(first) <= 0.2
    assert statuses() == first
