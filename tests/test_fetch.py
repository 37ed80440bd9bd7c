"""Many requests at once: faults, partial failures, whole projects, progress (issue 4).

Everything goes through boto3 against emulators started with fault options.
"""

import subprocess
import sys
import warnings

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog
from pinpoint_kpi_pandas import emulator as emulator_module
from pinpoint_kpi_pandas.errors import FetchError, MissingFromStoreError, ServiceError
from pinpoint_kpi_pandas.reader import PartialResultWarning

KPI = "successful-delivery-rate-grouped-by-date"
RANGE = ("2026-08-01", "2026-10-28")  # 89 days: 3 windows per campaign


def kpi_calls(emu, campaign_id=None):
    return [
        r
        for r in emu.request_log
        if r.operation.endswith("DateRangeKpi")
        and (campaign_id is None or r.campaign_id == campaign_id)
    ]


@pytest.fixture(scope="module")
def fault_free_frame():
    with emulator_module.running(seed=0) as emu:
        app = emu.world.applications[0]
        ids = [c.id for c in app.campaigns]
        frame = ppk.read_pinpoint_kpi(
            app.id,
            [KPI, "unique-deliveries-grouped-by-date"],
            *RANGE,
            campaign_id=ids,
            endpoint_url=emu.endpoint_url,
        )
    return app, ids, frame


def test_throttling_and_server_errors_are_retried_to_the_same_frame(fault_free_frame):
    # botocore backs off throttling from 1 s, so a few campaigns keep this test short
    app, ids, expected = fault_free_frame
    some = ids[:4]
    with emulator_module.running(seed=0, throttle_rate=0.3, error_rate=0.1) as emu:
        frame = ppk.read_pinpoint_kpi(
            app.id,
            [KPI, "unique-deliveries-grouped-by-date"],
            *RANGE,
            campaign_id=some,
            endpoint_url=emu.endpoint_url,
        )
        statuses = [r.status for r in kpi_calls(emu)]
    pd.testing.assert_frame_equal(frame, expected.loc[some])
    assert statuses.count(429) > 0 and statuses.count(500) > 0  # the faults really happened
    assert statuses.count(200) == 2 * len(some) * 3


def test_results_are_assembled_in_plan_order_whatever_order_they_arrive(fault_free_frame):
    app, ids, expected = fault_free_frame
    with emulator_module.running(seed=0, latency_ms=5) as emu:
        concurrent = ppk.read_pinpoint_kpi(
            app.id,
            [KPI, "unique-deliveries-grouped-by-date"],
            *RANGE,
            campaign_id=ids,
            max_workers=16,
            endpoint_url=emu.endpoint_url,
        )
        sequential = ppk.read_pinpoint_kpi(
            app.id,
            [KPI, "unique-deliveries-grouped-by-date"],
            *RANGE,
            campaign_id=ids,
            max_workers=1,
            endpoint_url=emu.endpoint_url,
        )
    pd.testing.assert_frame_equal(concurrent, expected)
    pd.testing.assert_frame_equal(sequential, expected)


@pytest.fixture(scope="module")
def project_with_a_failing_campaign(pinpoint_client_factory):
    world = emulator_module.build_world(seed=0)
    app = world.applications[0]
    failing = app.campaigns[3]
    with emulator_module.running(seed=0, failing_ids=[failing.id]) as emu:
        # A persistent 500 is retried with backoff up to the library's 10 attempts; two keep
        # these tests quick. The client is injected the way a user would inject their own.
        emu.client = pinpoint_client_factory(
            emu.endpoint_url,
            retries={"mode": "standard", "max_attempts": 2},
            max_pool_connections=8,
        )
        yield emu, app, failing


def test_errors_raise_waits_for_every_request_then_lists_each_failure(
    project_with_a_failing_campaign,
):
    emu, app, failing = project_with_a_failing_campaign
    emu.clear_log()
    with pytest.raises(FetchError) as info:
        ppk.read_pinpoint_kpi(app.id, KPI, *RANGE, campaign_id="all", client=emu.client)
    failures = info.value.failures
    assert len(failures) == 3  # the failing campaign's three windows, nothing else
    assert all(isinstance(f, ServiceError) and f.status == 500 for f in failures)
    assert {f.request.campaign_id for f in failures} == {failing.id}
    message = str(info.value)
    assert "3 of 36 Pinpoint requests failed" in message
    assert failing.id in message and KPI in message and "2026-09-01T00:00:00Z" in message
    assert "InternalServerErrorException" in message
    # every other request was still made
    ok = {(r.campaign_id, r.query["start-time"]) for r in kpi_calls(emu) if r.status == 200}
    assert len(ok) == 33


def test_errors_warn_returns_the_rest_and_records_the_failures(project_with_a_failing_campaign):
    emu, app, failing = project_with_a_failing_campaign
    with pytest.warns(PartialResultWarning, match=failing.id):
        frame = ppk.read_pinpoint_kpi(
            app.id, KPI, *RANGE, campaign_id="all", errors="warn", client=emu.client
        )
    present = set(frame.index.get_level_values("CampaignId"))
    assert failing.id not in present
    assert len(present) >= 10
    failed = frame.attrs["pinpoint"]["failed"]
    assert len(failed) == 3 and all(failing.id in line for line in failed)


def test_a_rerun_with_the_store_fetches_only_what_failed(project_with_a_failing_campaign, tmp_path):
    emu, app, failing = project_with_a_failing_campaign
    with pytest.warns(PartialResultWarning):
        ppk.read_pinpoint_kpi(
            app.id, KPI, *RANGE, campaign_id="all", errors="warn", cache=tmp_path, client=emu.client
        )
    with emulator_module.running(seed=0) as healthy:
        frame = ppk.read_pinpoint_kpi(
            app.id,
            KPI,
            *RANGE,
            campaign_id="all",
            cache=tmp_path,
            endpoint_url=healthy.endpoint_url,
        )
        fetched = kpi_calls(healthy)
        assert {r.campaign_id for r in fetched} == {failing.id} and len(fetched) == 3
        complete = ppk.read_pinpoint_kpi(
            app.id, KPI, *RANGE, campaign_id="all", endpoint_url=healthy.endpoint_url
        )
    pd.testing.assert_frame_equal(frame, complete)
    assert frame.attrs["pinpoint"]["source"] == "api+cache"


def test_offline_rerun_with_the_emulator_stopped_gives_the_identical_frame(tmp_path):
    with emulator_module.running(seed=0) as emu:
        app = emu.world.applications[0]
        online = ppk.read_pinpoint_kpi(
            app.id,
            [KPI, "unique-deliveries-grouped-by-date"],
            *RANGE,
            campaign_id="all",
            cache=tmp_path,
            endpoint_url=emu.endpoint_url,
        )
        url = emu.endpoint_url
    # the server is gone; a call would fail to connect
    offline = ppk.read_pinpoint_kpi(
        app.id,
        [KPI, "unique-deliveries-grouped-by-date"],
        *RANGE,
        campaign_id="all",
        cache=tmp_path,
        offline=True,
        endpoint_url=url,
    )
    pd.testing.assert_frame_equal(offline, online)
    assert offline.attrs["pinpoint"]["source"] == "cache"
    assert offline.attrs["pinpoint"]["calls"] == 0
    # the store is what read_pinpoint_kpi_json reads too
    saved = ppk.read_pinpoint_kpi_json(tmp_path / app.id / "campaign")
    pd.testing.assert_frame_equal(
        saved, online.sort_index(level="CampaignId", sort_remaining=False).reindex(saved.index)
    )


def test_offline_names_every_missing_request(tmp_path):
    with emulator_module.running(seed=0) as emu:
        app = emu.world.applications[0]
        ppk.read_pinpoint_kpi(
            app.id,
            KPI,
            "2026-08-01",
            "2026-08-31",
            campaign_id=app.campaigns[1].id,
            cache=tmp_path,
            endpoint_url=emu.endpoint_url,
        )
    with pytest.raises(MissingFromStoreError) as info:
        ppk.read_pinpoint_kpi(
            app.id, KPI, *RANGE, campaign_id=app.campaigns[1].id, cache=tmp_path, offline=True
        )
    assert len(info.value.missing) == 2  # September and October; August is stored
    assert "from 2026-09-01T00:00:00Z to 2026-09-30T23:59:59Z" in str(info.value)
    assert "from 2026-10-01T00:00:00Z to 2026-10-28T23:59:59Z" in str(info.value)


def test_a_truncated_store_file_is_reported_and_refetched(tmp_path):
    with emulator_module.running(seed=0) as emu:
        app = emu.world.applications[0]
        args = (app.id, KPI, "2026-08-01", "2026-08-31")
        first = ppk.read_pinpoint_kpi(
            *args, campaign_id=app.campaigns[1].id, cache=tmp_path, endpoint_url=emu.endpoint_url
        )
        (stored,) = tmp_path.rglob("*.json")
        text = stored.read_text()
        stored.write_text(text[: len(text) // 2])
        emu.clear_log()
        with pytest.warns(ppk.store.StoreWarning, match="corrupt or truncated"):
            again = ppk.read_pinpoint_kpi(
                *args,
                campaign_id=app.campaigns[1].id,
                cache=tmp_path,
                endpoint_url=emu.endpoint_url,
            )
        assert len(kpi_calls(emu)) == 1
    pd.testing.assert_frame_equal(again, first)
    assert stored.read_text() == text  # repaired


def test_answers_inside_the_data_latency_are_provisional_and_refetched(tmp_path):
    # the clock is 2026-10-29T12:00Z: a window ending today may still grow
    with emulator_module.running(seed=0) as emu:
        app = emu.world.applications[0]
        args = (app.id, "txn-emails-sent-grouped-by-date", "2026-10-01", "2026-10-29")
        with pytest.warns(ppk.errors.ProvisionalDataWarning, match="2026-10-29"):
            online = ppk.read_pinpoint_kpi(*args, cache=tmp_path, endpoint_url=emu.endpoint_url)
        assert online.attrs["pinpoint"]["provisional_days"] == ["2026-10-29"]
        assert [p.name for p in tmp_path.rglob("*.json")] == [
            "20261001T000000Z--20261029T235959Z.asof-20261029T120000Z.provisional.json"
        ]
        emu.clear_log()
        with pytest.warns(ppk.errors.ProvisionalDataWarning):
            ppk.read_pinpoint_kpi(*args, cache=tmp_path, endpoint_url=emu.endpoint_url)
        assert len(kpi_calls(emu)) == 1  # not treated as final
        final_args = (app.id, "txn-emails-sent-grouped-by-date", "2026-10-01", "2026-10-28")
        ppk.read_pinpoint_kpi(*final_args, cache=tmp_path, endpoint_url=emu.endpoint_url)
        emu.clear_log()
        ppk.read_pinpoint_kpi(*final_args, cache=tmp_path, endpoint_url=emu.endpoint_url)
        assert len(kpi_calls(emu)) == 0  # final: served from the store
    with pytest.warns(ppk.errors.ProvisionalDataWarning, match="data latency") as caught:
        offline = ppk.read_pinpoint_kpi(*args, cache=tmp_path, offline=True)
    assert len(caught) == 1  # once per read
    assert offline.index.max() == pd.Timestamp("2026-10-29")
    assert offline.attrs["pinpoint"]["provisional_days"] == ["2026-10-29"]  # as when fetched
    # a day later the same window is final and bigger on its last day
    with emulator_module.running(seed=0, now="2026-10-30T12:00:00Z") as later:
        refreshed = ppk.read_pinpoint_kpi(*args, cache=tmp_path, endpoint_url=later.endpoint_url)
    assert refreshed.loc["2026-10-29"].iloc[0] > offline.loc["2026-10-29"].iloc[0]
    assert [p.name for p in tmp_path.rglob("*provisional*")] == []


FILL_STORE = """
import sys, pinpoint_kpi_pandas as ppk
ppk.read_pinpoint_kpi(sys.argv[1], "successful-delivery-rate-grouped-by-date", "2026-08-01",
                      "2026-10-28", campaign_id="all", cache=sys.argv[2], endpoint_url=sys.argv[3])
"""


def test_two_processes_filling_one_store_corrupt_nothing(tmp_path):
    with emulator_module.running(seed=0, latency_ms=2) as emu:
        app = emu.world.applications[0]
        env = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "PATH": "",
        }
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", FILL_STORE, app.id, str(tmp_path), emu.endpoint_url], env=env
            )
            for _ in range(2)
        ]
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
        expected = ppk.read_pinpoint_kpi(
            app.id, KPI, *RANGE, campaign_id="all", endpoint_url=emu.endpoint_url
        )
    assert not list(tmp_path.rglob("*.tmp"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no corrupt file reported
        offline = ppk.read_pinpoint_kpi(
            app.id, KPI, *RANGE, campaign_id="all", cache=tmp_path, offline=True
        )
    pd.testing.assert_frame_equal(offline, expected)


def test_a_whole_project_and_its_listings(emulator, sample_app):
    campaigns = ppk.list_campaigns(sample_app.id, endpoint_url=emulator.endpoint_url)
    assert campaigns.index.name == "Id"
    assert campaigns.index.tolist() == [c.id for c in sample_app.campaigns]
    assert campaigns["Name"].tolist() == [c.name for c in sample_app.campaigns]
    assert set(campaigns["Channel"]) == {"EMAIL", "SMS", "PUSH"}
    assert str(campaigns["CreationDate"].dtype).startswith("datetime64")
    journeys = ppk.list_journeys(sample_app.id, endpoint_url=emulator.endpoint_url)
    assert journeys["Name"].tolist() == [j.name for j in sample_app.journeys]
    apps = ppk.list_applications(endpoint_url=emulator.endpoint_url)
    assert apps.index.tolist() == [a.id for a in emulator.world.applications]
    frame = ppk.read_pinpoint_kpi(
        sample_app.id,
        "journey-emails-sent",
        "2026-10-01",
        "2026-10-28",
        journey_id="all",
        endpoint_url=emulator.endpoint_url,
    )
    assert frame.index.tolist() == journeys.index.tolist()


def test_listings_follow_every_page():
    with emulator_module.running(seed=0, campaigns_per_project=130) as emu:
        app = emu.world.applications[0]
        campaigns = ppk.list_campaigns(app.id, endpoint_url=emu.endpoint_url)
        pages = [r for r in emu.request_log if r.operation == "GetCampaigns"]
    assert len(campaigns) == 130 == campaigns.index.nunique()
    assert len(pages) >= 2


def test_progress_bar_only_when_asked_or_interactive(emulator, sample_app, capsys):
    args = (sample_app.id, KPI, *RANGE)
    ids = [c.id for c in sample_app.campaigns[:4]]
    ppk.read_pinpoint_kpi(*args, campaign_id=ids, endpoint_url=emulator.endpoint_url)
    assert capsys.readouterr().err == ""  # non-interactive: silent by default
    ppk.read_pinpoint_kpi(*args, campaign_id=ids, progress=True, endpoint_url=emulator.endpoint_url)
    assert "Pinpoint KPI requests" in capsys.readouterr().err


def test_client_side_rate_ceiling_keeps_under_the_servers_limit():
    # The server allows 40 requests/s with a burst of 5: 8 workers starting at once would trip
    # it, a 25 req/s ceiling never does (the burst absorbs threads a loaded machine bunches up).
    with emulator_module.running(seed=0, rate_limit=40, burst=5) as emu:
        app = emu.world.applications[0]
        ppk.read_pinpoint_kpi(
            app.id,
            KPI,
            "2026-10-01",
            "2026-10-28",
            campaign_id=[c.id for c in app.campaigns],
            max_rate=25,
            max_workers=8,
            endpoint_url=emu.endpoint_url,
        )
        statuses = [r.status for r in kpi_calls(emu)]
    assert statuses == [200] * 12


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def answers(pacer, clock, statuses, seconds):
    """Feed ``statuses`` evenly over ``seconds`` of fake time."""
    step = seconds / len(statuses)
    for status in statuses:
        clock.now += step
        pacer.observe(response_dict={"status_code": status})


def test_pacer_waits_for_a_full_second_of_answers_before_pacing():
    from pinpoint_kpi_pandas.fetch import RequestPacer

    clock = FakeClock()
    pacer = RequestPacer(clock=clock)
    pacer.wait()
    # 429s before anything succeeded (a drained quota): no pace from no evidence
    answers(pacer, clock, [429] * 15 + [200], 0.05)
    assert pacer.rate is None and pacer.throttled == 15
    answers(pacer, clock, [200] * 80 + [429], 1.0)  # a full second: ~80 successes
    assert pacer.rate == pytest.approx(81, abs=1)


class Bucket:
    """A token bucket on the fake clock, as a rate-limited service."""

    def __init__(self, rate, burst, clock):
        self.rate, self.burst, self.tokens, self.clock, self.last = (
            rate,
            burst,
            burst,
            clock,
            clock(),
        )

    def status(self):
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 200
        return 429


def drive(pacer, clock, answer, seconds, capacity=300.0):
    """A client that could send ``capacity`` attempts/s, paced by ``pacer``; fake time only."""
    import pinpoint_kpi_pandas.fetch as fetch_module

    end, free, statuses = clock.now + seconds, clock.now, []
    sleep = fetch_module.time.sleep
    fetch_module.time.sleep = lambda s: None
    try:
        while clock.now < end:
            clock.now = max(free, pacer.next_slot if pacer.rate else free)
            pacer.wait()
            free = clock.now + 1 / capacity
            statuses.append(answer())
            pacer.observe(response_dict={"status_code": statuses[-1]})
    finally:
        fetch_module.time.sleep = sleep
    return statuses


@pytest.mark.parametrize("burst", [1, 100, 300])
def test_pacer_settles_near_a_rate_limit_whatever_its_burst(burst):
    from pinpoint_kpi_pandas.fetch import RequestPacer

    clock = FakeClock()
    pacer = RequestPacer(clock=clock)
    bucket = Bucket(100, burst, clock)
    statuses = drive(pacer, clock, bucket.status, seconds=10)
    assert not pacer.gave_up
    assert 80 <= pacer.rate <= 125  # near the limit
    last_seconds = statuses[-250:]
    assert last_seconds.count(429) / len(last_seconds) < 0.2  # few 429s once settled


@pytest.mark.parametrize("share", [0.1, 0.3])
def test_pacer_steps_aside_when_429s_are_not_about_the_rate(share):
    import random

    from pinpoint_kpi_pandas.fetch import RequestPacer

    clock = FakeClock()
    pacer = RequestPacer(clock=clock)
    draw = random.Random(1).random
    statuses = drive(pacer, clock, lambda: 429 if draw() < share else 200, seconds=10)
    assert pacer.gave_up and pacer.rate is None
    successes = statuses.count(200) / 10
    assert successes > 0.8 * 300 * (1 - share)  # paced only briefly


def test_pacer_gives_up_when_throttling_is_not_about_the_rate():
    from pinpoint_kpi_pandas.fetch import RequestPacer

    clock = FakeClock()
    pacer = RequestPacer(clock=clock)
    pacer.wait()
    answers(pacer, clock, [200] * 100, 1.0)
    answers(pacer, clock, ([429] + [200] * 2) * 40, 2.0)  # a third throttled, paced or not
    assert pacer.gave_up and pacer.rate is None


def test_pacer_holds_a_fixed_ceiling_and_ignores_server_errors():
    from pinpoint_kpi_pandas.fetch import RequestPacer

    clock = FakeClock()
    capped = RequestPacer(max_rate=10.0, clock=clock)
    assert capped.rate == 10.0
    answers(capped, clock, [200] * 100 + [429], 1.2)
    assert capped.rate == 10.0
    plain = RequestPacer(clock=clock)
    answers(plain, clock, [500] * 50 + [200] * 50, 1.5)
    assert plain.rate is None and plain.throttled == 0


def test_a_drained_quota_is_read_completely(fault_free_frame):
    # the bucket starts empty (burst 1): the first answers are all 429s
    app, ids, expected = fault_free_frame
    with emulator_module.running(seed=0, rate_limit=60, burst=1) as emu:
        frame = ppk.read_pinpoint_kpi(
            app.id,
            [KPI, "unique-deliveries-grouped-by-date"],
            *RANGE,
            campaign_id=ids[:6],
            endpoint_url=emu.endpoint_url,
        )
        statuses = [r.status for r in kpi_calls(emu)]
    pd.testing.assert_frame_equal(frame, expected.loc[ids[:6]])
    assert 429 in statuses


def test_pacer_hooks_are_removed_after_the_read(emulator, sample_app, pinpoint_client):
    from pinpoint_kpi_pandas.fetch import RequestPacer

    pacer = RequestPacer()
    with pacer.attached(pinpoint_client):
        pinpoint_client.get_apps()
    pinpoint_client.get_apps()
    assert pacer.recent_answers == 1  # saw the call inside the block only


def test_an_interrupt_stops_the_read_without_sending_the_queued_requests():
    import _thread
    import threading

    with emulator_module.running(seed=0, latency_ms=200) as emu:
        app = emu.world.applications[0]
        timer = threading.Timer(0.5, _thread.interrupt_main)
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            ppk.read_pinpoint_kpi(
                app.id,
                [KPI, "unique-deliveries-grouped-by-date"],
                *RANGE,
                campaign_id="all",
                max_workers=4,
                endpoint_url=emu.endpoint_url,
            )
        timer.cancel()
        sent = len(kpi_calls(emu))
    assert sent < 2 * 12 * 3  # 72 planned; the queue was dropped, not drained


def test_a_failed_kpi_takes_the_other_kpis_rows_for_that_id_and_window_with_it(
    pinpoint_client_factory,
):
    # a rate and its counts must come from the same windows, or totals are nonsense
    kpis = [
        "attempted-deliveries-grouped-by-campaign-activity",
        "successful-deliveries-grouped-by-campaign-activity",
    ]
    with emulator_module.running(seed=0) as healthy:
        app = healthy.world.applications[0]
        ids = [c.id for c in app.campaigns]
        complete = ppk.read_pinpoint_kpi(
            app.id, kpis, *RANGE, campaign_id=ids, keep_windows=True,
            endpoint_url=healthy.endpoint_url,
        )  # fmt: skip
    with emulator_module.running(seed=0, error_rate=0.3) as emu:
        once = pinpoint_client_factory(emu.endpoint_url, retries={"total_max_attempts": 1})
        with pytest.warns(PartialResultWarning, match="left out too"):
            partial = ppk.read_pinpoint_kpi(
                app.id, kpis, *RANGE, campaign_id=ids, keep_windows=True, errors="warn",
                client=once, max_workers=1,
            )  # fmt: skip
    assert partial.attrs["pinpoint"]["left_out"] > 0
    assert partial.notna().all().all()  # no row holds one KPI without the other
    pd.testing.assert_frame_equal(partial, complete.loc[partial.index], check_dtype=False)


def test_a_store_filled_by_an_all_read_reads_back_whole(tmp_path):
    with emulator_module.running(seed=0) as emu:
        app = emu.world.applications[0]
        online = ppk.read_pinpoint_kpi(
            app.id, KPI, *RANGE, campaign_id="all", cache=tmp_path, endpoint_url=emu.endpoint_url
        )
    assert (tmp_path / app.id / "campaigns.json").exists()  # the listing is saved beside
    saved = ppk.read_pinpoint_kpi_json(tmp_path)  # ... and skipped when reading the folder
    pd.testing.assert_frame_equal(
        saved, online.sort_index(level="CampaignId", sort_remaining=False).reindex(saved.index)
    )
    names = ppk.list_campaigns(app.id, cache=tmp_path, offline=True)  # no server needed
    assert names["Name"].tolist() == [c.name for c in app.campaigns]


def test_reading_a_provisional_answer_from_files_warns(tmp_path):
    with emulator_module.running(seed=0) as emu:
        app = emu.world.applications[0]
        ppk.read_pinpoint_kpi(
            app.id,
            "txn-emails-sent-grouped-by-date",
            "2026-10-20",
            "2026-10-29",
            cache=tmp_path,
            endpoint_url=emu.endpoint_url,
        )
    with pytest.warns(ppk.errors.ProvisionalDataWarning, match="2026-10-29"):
        frame = ppk.read_pinpoint_kpi_json(tmp_path)
    assert frame.index.max() == pd.Timestamp("2026-10-29")
    assert frame.attrs["pinpoint"]["provisional_days"] == ["2026-10-29"]


def test_listing_failures_name_the_listing_not_a_kpi(tmp_path, pinpoint_client_factory):
    with emulator_module.running(seed=0) as emu:
        url = emu.endpoint_url
    once = pinpoint_client_factory(url, retries={"total_max_attempts": 1})  # the server is gone
    with pytest.raises(ServiceError, match=r"listing the campaigns of application a1 failed"):
        ppk.list_campaigns("a1", client=once)
    with pytest.raises(MissingFromStoreError, match="needs the project's journeys listing"):
        ppk.list_journeys("a1", cache=tmp_path, offline=True)


@pytest.mark.parametrize("workers", [1, 5])
def test_max_workers_bounds_the_requests_in_flight(workers):
    with emulator_module.running(seed=0, latency_ms=50) as emu:
        app = emu.world.applications[0]
        ppk.read_pinpoint_kpi(
            app.id,
            KPI,
            *RANGE,
            campaign_id="all",
            max_workers=workers,
            endpoint_url=emu.endpoint_url,
        )
        assert emu.peak_in_flight == workers


def test_our_clients_retry_every_request_fully_however_many_fail(pinpoint_client_factory):
    # botocore's standard mode shares a retry budget per client (500 units, 5 or 14 per retry
    # after a 500, by botocore version): a read of many failing requests empties it and later
    # requests are not retried. Three retries of 48 requests cost at least 720 units.
    from pinpoint_kpi_pandas.client import make_client

    kpis = [k.name for k in catalog.kpis("application") if k.is_date_grouped]
    world = emulator_module.build_world(seed=0)
    app = world.applications[0]
    with emulator_module.running(seed=0, failing_ids=[app.id]) as emu:
        attempts = {}
        for name, client in [
            ("botocore", pinpoint_client_factory(emu.endpoint_url, retries={
                "mode": "standard", "total_max_attempts": 4})),
            ("library", make_client(endpoint_url=emu.endpoint_url, max_attempts=4)),
        ]:  # fmt: skip
            emu.clear_log()
            with pytest.warns(PartialResultWarning):
                ppk.read_pinpoint_kpi(app.id, kpis, *RANGE, errors="warn", client=client)
            attempts[name] = len(kpi_calls(emu))
    requests = len(kpis) * 3
    assert attempts["library"] == 4 * requests  # every request tried four times
    assert attempts["botocore"] < 4 * requests  # the shared budget ran out
