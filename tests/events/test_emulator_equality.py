"""The headline: an emulator archive read from events equals the emulator's API, KPI by KPI.

For every catalog KPI, at every scope, grouped as the catalog groups it, ``read_pinpoint_events``
of the archive the emulator writes equals ``read_pinpoint_kpi`` against an emulator of the same
seed, clock and scale: counts and unique counts exactly, rates exactly too (both divide the same
integer sums). The only differences allowed are the source's own fields of the contract (source,
engine, requests, ...) and, for the four groupings whose rows come in an order of the API's own (not
in any event), the row order.

(SMS campaigns have no clicks on either side: Pinpoint streams no SMS click event.)
"""

from __future__ import annotations

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import catalog

# The second range holds the clock's own day: both sides call it provisional, and warn.
pytestmark = pytest.mark.filterwarnings("ignore::pinpoint_kpi_pandas.errors.ProvisionalDataWarning")

RANGES = [("2026-10-01", "2026-10-28"), ("2026-10-20", "2026-10-29")]  # the second holds today
LISTING_ORDER = {"CampaignId", "CountryCode", "ErrorCode", "JourneyActivityId"}
SOURCE_FIELDS = {
    "source",
    "engine",
    "archive",
    "objects",
    "calls",
    "requests",
    "retrieved_at",
    "coverage",
    "skipped_files",
}


def groupings(scope):
    out: dict = {}
    for kpi in catalog.kpis(scope):
        out.setdefault(kpi.grouped_by, []).append(kpi.name)
    return sorted(out.items(), key=lambda item: str(item[0]))


CASES = [
    pytest.param(app, scope, grouping, names, span, id=f"app{app}-{scope}-{grouping}-{span[0]}")
    for app in (0, 1)
    for scope in ("application", "campaign", "journey")
    for grouping, names in groupings(scope)
    for span in (RANGES if app == 0 else RANGES[:1])
]


def scope_ids(app, scope):
    if scope == "campaign":
        return {"campaign_id": [c.id for c in app.campaigns]}
    if scope == "journey":
        return {"journey_id": [j.id for j in app.journeys]}
    return {}


def assert_same_frame(events: pd.DataFrame, api: pd.DataFrame, grouping) -> None:
    if grouping in LISTING_ORDER:
        events, api = events.sort_index(), api.sort_index()
    pd.testing.assert_frame_equal(events, api, check_exact=True)


def assert_same_contract(events: pd.DataFrame, api: pd.DataFrame) -> None:
    mine, theirs = events.attrs["pinpoint"], api.attrs["pinpoint"]
    assert mine["source"] == "events" and mine["engine"] == "duckdb"
    for key in set(mine) | set(theirs):
        if key not in SOURCE_FIELDS:
            assert mine.get(key) == theirs.get(key), key


@pytest.mark.parametrize(("app_number", "scope", "grouping", "names", "span"), CASES)
def test_events_equal_the_api_for_every_catalog_kpi(
    small_emulator, emulator_archive, app_number, scope, grouping, names, span
):
    app = small_emulator.world.applications[app_number]
    ids = scope_ids(app, scope)
    if scope != "application" and not next(iter(ids.values())):
        pytest.skip(f"{app.name} has no {scope}s")
    api = ppk.read_pinpoint_kpi(
        app.id, names, *span, endpoint_url=small_emulator.endpoint_url, **ids
    )
    events = ppk.read_pinpoint_events(emulator_archive, app.id, names, *span, **ids)
    assert len(api), "the comparison would prove nothing on an empty frame"
    assert_same_frame(events, api, grouping)
    assert_same_contract(events, api)


def test_sms_campaigns_have_no_clicks_in_events(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    sms = [c.id for c in app.campaigns if c.channel == "SMS"]
    events = ppk.read_pinpoint_events(
        emulator_archive, app.id, "clicks-grouped-by-campaign-activity", *RANGES[0], campaign_id=sms
    )
    assert events["Clicks"].isna().all()


def test_several_kpis_are_one_scan_and_equal_single_reads(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    names = ["successful-delivery-rate-grouped-by-date", "unique-deliveries-grouped-by-date"]
    both = ppk.read_pinpoint_events(emulator_archive, app.id, names, *RANGES[0], campaign_id="all")
    assert both.attrs["pinpoint"]["requests"] == 1
    for name in names:
        alone = ppk.read_pinpoint_events(
            emulator_archive, app.id, name, *RANGES[0], campaign_id="all"
        )
        pd.testing.assert_series_equal(both[alone.columns[0]], alone[alone.columns[0]])


def test_all_campaigns_are_the_ones_that_sent_in_the_range(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    name = "successful-deliveries-grouped-by-campaign-activity"
    every = ppk.read_pinpoint_events(emulator_archive, app.id, name, *RANGES[0], campaign_id="all")
    api = ppk.read_pinpoint_kpi(
        app.id, name, *RANGES[0], campaign_id="all", endpoint_url=small_emulator.endpoint_url
    )
    sent = api.dropna().index.get_level_values("CampaignId").unique()
    assert sorted(every.attrs["pinpoint"]["campaign_ids"]) == sorted(sent)
    pd.testing.assert_frame_equal(every.sort_index(), api.dropna().sort_index(), check_exact=True)


def test_the_event_only_kpis_add_up_to_the_apis(small_emulator, emulator_archive):
    """Daily and per-treatment counts per campaign (the API has neither) sum to its totals."""
    app = small_emulator.world.applications[0]
    campaign = app.campaign("Weekly Newsletter Email")
    api = ppk.read_pinpoint_kpi(
        app.id,
        [
            "successful-deliveries-grouped-by-campaign-activity",
            "direct-email-opens-grouped-by-campaign-activity",
        ],
        *RANGES[0],
        campaign_id=campaign.id,
        endpoint_url=small_emulator.endpoint_url,
    ).sum()
    for grouping in ("date", "treatment"):
        names = [
            f"successful-deliveries-grouped-by-{grouping}",
            f"direct-email-opens-grouped-by-{grouping}",
        ]
        events = ppk.read_pinpoint_events(
            emulator_archive, app.id, names, *RANGES[0], campaign_id=campaign.id
        )
        assert events.sum().to_dict() == api.to_dict()
    ab = events.pinpoint.compare(metric="EmailOpenRate")  # by treatment: an entity level
    assert set(ab.index) == {"0", "1"} and ab["ci_low"].notna().all()


def test_weekly_rates_are_recomputed_from_daily_counts_exactly(small_emulator, emulator_archive):
    app = small_emulator.world.applications[0]
    names = [
        "email-open-rate-grouped-by-date",
        "direct-email-opens-grouped-by-date",
        "successful-deliveries-grouped-by-date",
    ]
    daily = ppk.read_pinpoint_events(
        emulator_archive,
        app.id,
        names,
        *RANGES[0],
        campaign_id=app.campaign("Welcome Series Email").id,
    )
    assert (
        daily["EmailOpenRate"] == daily["DirectEmailOpens"] / daily["SuccessfulDeliveries"]
    ).all()
    weekly = daily.pinpoint.resample("W")
    assert (
        weekly["EmailOpenRate"] == weekly["DirectEmailOpens"] / weekly["SuccessfulDeliveries"]
    ).all()
    assert weekly["SuccessfulDeliveries"].sum() == daily["SuccessfulDeliveries"].sum()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-10-05T12:00:00Z", "2026-10-07T06:00:00Z"),  # instants inside days
        (pd.Timestamp("2026-10-01", tz="Asia/Tokyo"), pd.Timestamp("2026-10-05", tz="Asia/Tokyo")),
    ],
    ids=["instants", "another-time-zone"],
)
@pytest.mark.parametrize(
    ("names", "scope"),
    [
        (["txn-emails-sent-grouped-by-date"], "application"),
        (["successful-deliveries-grouped-by-campaign-activity"], "campaign"),
        (["attempted-deliveries-grouped-by-date", "clicks-grouped-by-date"], "campaign"),
    ],
    ids=["daily", "per-run", "event-only-daily"],
)
def test_a_range_of_instants_counts_whole_utc_days_as_the_api_does(
    small_emulator, emulator_archive, start, end, names, scope
):
    # never part of a day labelled as the whole day: each day the range touches, whole
    app = small_emulator.world.applications[0]
    ids = {"campaign_id": [c.id for c in app.campaigns]} if scope == "campaign" else {}
    events = ppk.read_pinpoint_events(emulator_archive, app.id, names, start, end, **ids)
    whole = ppk.read_pinpoint_events(
        emulator_archive, app.id, names,
        pd.Timestamp(start).tz_convert("UTC").strftime("%Y-%m-%d"),
        pd.Timestamp(end).tz_convert("UTC").strftime("%Y-%m-%d"), **ids,
    )  # fmt: skip
    pd.testing.assert_frame_equal(events, whole, check_exact=True, check_like=False)
    if not any(n.endswith("grouped-by-date") and scope == "campaign" for n in names):
        api = ppk.read_pinpoint_kpi(
            app.id, names, start, end, endpoint_url=small_emulator.endpoint_url, **ids
        )
        pd.testing.assert_frame_equal(events, api, check_exact=True)
