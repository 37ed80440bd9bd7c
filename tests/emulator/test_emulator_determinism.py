"""Same seed, same world, same bytes; another seed, another world."""

from __future__ import annotations

import json
import urllib.request

from pinpoint_kpi_pandas import emulator as emulator_module

_SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261029/us-east-1/x/aws4_request"}


def _bodies(seed: int) -> list[bytes]:
    with emulator_module.running(seed=seed) as emu:
        app = emu.world.applications[0]
        campaign, journey = app.campaigns[3], app.journeys[1]
        paths = [
            "/v1/apps",
            f"/v1/apps/{app.id}/campaigns",
            f"/v1/apps/{app.id}/campaigns/{campaign.id}/activities",
            f"/v1/apps/{app.id}/journeys/{journey.id}",
            f"/v1/apps/{app.id}/kpis/daterange/unique-deliveries-grouped-by-date",
            f"/v1/apps/{app.id}/kpis/daterange/txn-sms-average-price-grouped-by-country",
            f"/v1/apps/{app.id}/campaigns/{campaign.id}/kpis/daterange/email-open-rate"
            "-grouped-by-campaign-activity?start-time=2026-09-01T00:00:00Z"
            "&end-time=2026-09-30T23:59:59Z",
            f"/v1/apps/{app.id}/journeys/{journey.id}/kpis/daterange/emails-opened-grouped-by-"
            "journey-activity",
        ]
        out = []
        for path in paths:
            request = urllib.request.Request(emu.endpoint_url + path, headers=_SIGNED)
            with urllib.request.urlopen(request, timeout=10) as response:
                out.append(response.read())
        return out


def test_same_seed_gives_identical_bodies():
    first, second = _bodies(0), _bodies(0)
    assert first == second
    assert all(json.loads(body) for body in first)


def test_another_seed_gives_other_ids_and_numbers_but_the_same_shape():
    zero, one = _bodies(0), _bodies(1)
    apps_zero, apps_one = json.loads(zero[0])["Item"], json.loads(one[0])["Item"]
    assert [a["Name"] for a in apps_zero] == [a["Name"] for a in apps_one]
    assert {a["Id"] for a in apps_zero}.isdisjoint(a["Id"] for a in apps_one)
    assert zero[5] != one[5]


def test_world_objects_are_deterministic_and_well_formed():
    world = emulator_module.build_world(0)
    again = emulator_module.build_world(0, campaigns_per_project=12)
    assert [c.id for c in world.applications[0].campaigns] == [
        c.id for c in again.applications[0].campaigns
    ]
    ids = []
    for app in world.applications:
        ids.append(app.id)
        for campaign in app.campaigns:
            assert campaign.channel in ("EMAIL", "SMS", "PUSH")
            ids += [campaign.id, *(a.id for a in campaign.activities)]
            starts = [a.start for a in campaign.activities]
            assert starts == sorted(starts)
        for journey in app.journeys:
            ids += [journey.id, *(a.id for a in journey.activities)]
    assert len(ids) == len(set(ids))
    assert all(len(i) == 32 and int(i, 16) >= 0 and i == i.lower() for i in ids)
    channels = {c.channel for c in world.applications[0].campaigns}
    assert channels == {"EMAIL", "SMS", "PUSH"}
    assert len(world.applications[1].campaigns) < len(world.applications[0].campaigns)


def test_campaigns_per_project_sizes_the_sample():
    world = emulator_module.build_world(0, campaigns_per_project=20)
    names = [c.name for c in world.applications[0].campaigns]
    assert len(names) == len(set(names)) == 20
    assert names[:12] == [c.name for c in emulator_module.build_world(0).applications[0].campaigns]
