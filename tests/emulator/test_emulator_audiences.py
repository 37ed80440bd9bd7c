"""Concrete audiences: the API's unique KPIs count the very endpoints the world's slots name.

The expectations are derived message by message from the world's public audience API
(``World.sendings``: who each message went to, who opened, who clicked), as an event archive
writer would, and compared with what the real boto3 client gets from the emulator.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from pinpoint_kpi_pandas import emulator as emulator_module
from pinpoint_kpi_pandas.emulator.audiences import Audience, union_size
from pinpoint_kpi_pandas.errors import ArgumentTypeError, InvalidArgumentError

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")
SCALE = 0.05  # small enough to list every recipient of every slot quickly


@pytest.fixture(scope="module")
def small(kpi_caller):
    """A running emulator of the small world, and a KpiCaller for its sample project."""
    with emulator_module.running(scale=SCALE) as emu:
        yield emu, kpi_caller(emu.endpoint_url, emu.world.applications[0].id)


def _days(first: str, last: str) -> list[dt.date]:
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    out = []
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def _distinct(emu, keys, first, last, group_by, what="delivered"):
    """{group: distinct endpoint ids} over the slots of some senders in a window, from the world.

    ``group_by(sending)`` gives the group (None for one group); ``what`` picks the endpoints:
    the recipients of delivered messages, or the openers / clickers of transactional email.
    """
    today, fraction = emu.clock.today(), emu.clock.day_fraction()
    out: dict = {}
    for key in keys:
        for day in _days(first, last):
            if day > today:
                continue
            for s in emu.world.sendings(key, day, fraction if day == today else 1.0):
                if what == "delivered":
                    ids = s.recipients()[: s.delivered]
                else:
                    ids = s.openers() if what == "opened" else s.clickers()
                out.setdefault(group_by(s), set()).update(ids)
    return {group: len(ids) for group, ids in out.items() if ids}


# Windows: a whole month of full days, and one ending on the clock's partial day.
WINDOWS = [("2026-09-20", "2026-10-18"), ("2026-10-15", "2026-10-31")]


@pytest.mark.parametrize(("first", "last"), WINDOWS)
def test_application_unique_deliveries_count_the_endpoints_reached(small, first, last):
    emu, kpi = small
    app = emu.world.applications[0]
    keys = [c.id for c in app.campaigns]
    window = {"start": first, "end": last}
    assert (
        kpi.value("unique-deliveries", **window)
        == _distinct(emu, keys, first, last, lambda s: None)[None]
    )
    assert kpi.values("unique-deliveries-grouped-by-date", **window) == _distinct(
        emu, keys, first, last, lambda s: s.day.isoformat()
    )
    assert kpi.values("unique-deliveries-grouped-by-campaign", **window) == _distinct(
        emu, keys, first, last, lambda s: s.sender_id
    )


@pytest.mark.parametrize(("first", "last"), WINDOWS)
def test_campaign_unique_deliveries_count_the_endpoints_reached(small, first, last):
    emu, kpi = small
    app = emu.world.applications[0]
    window = {"start": first, "end": last}
    for name in ("Cart Reminder SMS", "Weekly Newsletter Email", "App Re-engagement Push"):
        campaign = app.campaign(name).id
        by = {"campaign": campaign, **window}
        assert (
            kpi.value("unique-deliveries", **by)
            == _distinct(emu, [campaign], first, last, lambda s: None)[None]
        )
        assert kpi.values("unique-deliveries-grouped-by-date", **by) == _distinct(
            emu, [campaign], first, last, lambda s: s.day.isoformat()
        )
        assert kpi.values("unique-deliveries-grouped-by-campaign-activity", **by) == _distinct(
            emu, [campaign], first, last, lambda s: s.label
        )


@pytest.mark.parametrize(("first", "last"), WINDOWS)
@pytest.mark.parametrize("what", ["opens", "clicks"])
def test_transactional_unique_opens_and_clicks_count_the_endpoints(small, first, last, what):
    emu, kpi = small
    app = emu.world.applications[0]
    window = {"start": first, "end": last}
    kind = "opened" if what == "opens" else "clicked"
    keys = [app.txn_email_key]
    assert (
        kpi.value(f"txn-emails-unique-{what}", **window)
        == _distinct(emu, keys, first, last, lambda s: None, kind)[None]
    )
    assert kpi.values(f"txn-emails-unique-{what}-grouped-by-date", **window) == _distinct(
        emu, keys, first, last, lambda s: s.day.isoformat(), kind
    )


def test_full_size_world_counts_exactly_too(emulator, kpi, sample_app):
    campaign = sample_app.campaign("Cart Reminder SMS").id
    first, last = "2026-10-01", "2026-10-28"
    expected = _distinct(emulator, [campaign], first, last, lambda s: None)[None]
    assert kpi.value("unique-deliveries", campaign=campaign, start=first, end=last) == expected


def test_each_message_has_a_recipient_and_the_counts_hold(emulator, sample_app):
    world = emulator.world
    day = dt.date(2026, 10, 20)
    for key in world.sender_keys(sample_app):
        for s in world.sendings(key, day):
            recipients = s.recipients()
            assert len(recipients) == s.messages
            assert [s.recipient(k) for k in (0, s.messages - 1)] == [
                recipients[0],
                recipients[-1],
            ]
            delivered = set(recipients[: s.delivered])
            assert len(delivered) == s.reach <= s.delivered <= s.messages
            assert set(s.reached()) == delivered
            assert union_size(s.spans()) == s.reach
            assert set(s.clickers()) <= set(s.openers()) <= delivered
            assert s.counters is dict(world.counters(key, day))[s.label]
            assert s.application_id == sample_app.id and s.day == day
    txn = world.sendings(sample_app.txn_email_key, day)[0]
    assert 0 < txn.clicked < txn.opened == txn.counters["unique_opens"]
    sms = world.sendings(sample_app.campaign("Cart Reminder SMS").id, day)[0]
    assert sms.reach == sms.counters["unique_deliveries"] < sms.delivered  # duplicates


def test_endpoint_ids_are_uuid_shaped_deterministic_and_per_project():
    world = emulator_module.build_world(0)
    retail, bank = world.applications[:2]
    ids = [world.endpoint_id(retail.id, p) for p in range(2000)]
    assert all(UUID.match(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert ids == [emulator_module.build_world(0).endpoint_id(retail.id, p) for p in range(2000)]
    assert not set(ids) & {world.endpoint_id(bank.id, p) for p in range(2000)}
    other = emulator_module.build_world(1)
    assert other.endpoint_id(other.applications[0].id, 0) not in ids


def test_audiences_are_ranges_of_the_project_space(emulator, sample_app):
    world = emulator.world
    for key in world.sender_keys(sample_app):
        audience = world.audience(key)
        assert audience.space == sample_app.audience
        assert 1 <= audience.size <= audience.space
    for campaign in sample_app.campaigns:
        assert world.audience(campaign.id).size == campaign.audience
    assert world.audience(sample_app.txn_email_key).size == sample_app.txn_audience
    wrapping = Audience(space=10, first=7, size=6)
    assert [wrapping.position(i) for i in range(6)] == [7, 8, 9, 0, 1, 2]
    assert wrapping.spans(4, 5) == [(1, 3), (7, 10)]  # members 4, 5, 0, 1, 2: positions 1, 2, 7-9
    assert union_size(wrapping.spans(0, 60)) == 6


def test_scale_shrinks_audiences_and_volumes_and_keeps_ids():
    full, small = emulator_module.build_world(0), emulator_module.build_world(0, scale=0.02)
    assert small.scale == 0.02
    for big_app, small_app in zip(full.applications, small.applications, strict=True):
        assert [c.id for c in big_app.campaigns] == [c.id for c in small_app.campaigns]
        assert small_app.audience == round(big_app.audience * 0.02)
        for big, little in zip(big_app.campaigns, small_app.campaigns, strict=True):
            assert [a.id for a in big.activities] == [a.id for a in little.activities]
            assert little.audience == max(1, round(big.audience * 0.02))
    retail_full, retail_small = full.applications[0], small.applications[0]
    day = dt.date(2026, 10, 20)
    sent_full = sum(s.messages for s in full.iter_sendings(retail_full, day, day))
    sent_small = sum(s.messages for s in small.iter_sendings(retail_small, day, day))
    assert 0.018 * sent_full < sent_small < 0.022 * sent_full


def test_the_server_serves_the_scaled_world(small, kpi):
    emu, small_kpi = small
    window = {"start": "2026-10-01", "end": "2026-10-28"}
    full = kpi.value("txn-emails-sent", **window)
    assert 0.045 * full < small_kpi.value("txn-emails-sent", **window) < 0.055 * full
    assert emu.world is emulator_module.build_world(0, scale=SCALE)


@pytest.mark.parametrize("bad", [0, -0.5, 1.5, float("nan"), float("inf")])
def test_a_bad_scale_is_refused_naming_it(bad):
    for make in (
        lambda: emulator_module.build_world(0, scale=bad),
        lambda: emulator_module.Emulator(scale=bad),
    ):
        with pytest.raises(InvalidArgumentError, match="scale"):
            make()


def test_a_scale_of_the_wrong_type_is_refused():
    with pytest.raises(ArgumentTypeError, match="scale must be a number"):
        emulator_module.build_world(0, scale="0.5")


def test_cli_scale_serves_the_same_world_and_refuses_bad_values(kpi_caller, small):
    _, small_kpi = small
    cmd = [sys.executable, "-m", "pinpoint_kpi_pandas.cli", "emulator", "--quiet", "--scale",
           str(SCALE)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        cli_kpi = kpi_caller(url, small_kpi.app_id)
        window = {"start": "2026-10-01", "end": "2026-10-28"}
        for name in ("unique-deliveries-grouped-by-campaign", "txn-emails-unique-opens"):
            assert cli_kpi.rows(name, **window) == small_kpi.rows(name, **window)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    for bad in ("0", "2", "x"):
        done = subprocess.run([*cmd[:-1], bad], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2
        assert "--scale" in done.stderr and "Traceback" not in done.stderr
