"""Names travel with the data (issue 10, item 4).

The readers carry in the frame contract the names they know: their own listing for
``campaign_id="all"``, a listing saved among the files ``read_pinpoint_kpi_json`` reads (AWS CLI
``get-campaigns`` output, or a ``cache=`` store's), a ``cache=`` store's listing on a live read,
and ``names=``. ``compare()`` shows them in a column beside the ids (never instead), unique;
``label()`` needs no request when the frame already knows them. Frames come from the emulator
through boto3.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas.analysis import display_names

OCTOBER = ("2026-10-01", "2026-10-28")
COUNTS = [
    "direct-email-opens-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
]


def _names(frame: pd.DataFrame) -> dict:
    return frame.attrs["pinpoint"]["names"]


def test_a_read_of_all_campaigns_carries_the_names_of_its_own_listing(emulator, sample_app):
    frame = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id="all", endpoint_url=emulator.endpoint_url
    )
    assert _names(frame) == {c.id: c.name for c in sample_app.campaigns}


def test_explicit_ids_carry_names_given_and_only_those_of_the_frame(emulator, sample_app):
    chosen = sample_app.campaigns[3:5]
    reach = {"endpoint_url": emulator.endpoint_url}
    bare = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id=[c.id for c in chosen], **reach
    )
    assert _names(bare) == {}  # nothing listed, nothing stored: the read knows no names
    listing = ppk.list_campaigns(sample_app.id, **reach)
    named = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id=[c.id for c in chosen], names=listing, **reach
    )
    # the whole listing was given; the frame keeps the names of its own ids
    assert _names(named) == {c.id: c.name for c in chosen}


def test_names_given_are_checked_before_any_request(emulator, sample_app):
    emulator.clear_log()
    with pytest.raises(ppk.errors.InvalidArgumentError, match="names= must be a mapping"):
        ppk.read_pinpoint_kpi(
            sample_app.id, COUNTS, *OCTOBER, campaign_id=[sample_app.campaigns[0].id],
            names=["Spring sale"], endpoint_url=emulator.endpoint_url,
        )  # fmt: skip
    assert len(emulator.request_log) == 0


def test_a_cache_stores_listing_names_later_reads(emulator, sample_app, tmp_path):
    reach = {"endpoint_url": emulator.endpoint_url, "cache": tmp_path}
    ppk.read_pinpoint_kpi(sample_app.id, COUNTS, *OCTOBER, campaign_id="all", **reach)
    chosen = [c.id for c in sample_app.campaigns[:2]]
    for offline in (False, True):
        later = ppk.read_pinpoint_kpi(
            sample_app.id, COUNTS, *OCTOBER, campaign_id=chosen, offline=offline, **reach
        )
        assert _names(later) == {c.id: c.name for c in sample_app.campaigns[:2]}


def test_saved_files_take_names_from_a_store_or_an_aws_cli_listing_beside_them(
    emulator, sample_app, pinpoint_client, tmp_path
):
    store = tmp_path / "store"
    ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id="all", cache=store,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    everyone = {c.id: c.name for c in sample_app.campaigns}
    assert _names(ppk.read_pinpoint_kpi_json(store)) == everyone

    # `aws pinpoint get-campaigns > campaigns.json` beside exported answers, named explicitly
    exports = tmp_path / "exports"
    exports.mkdir()
    one = sample_app.campaigns[4]
    answer = pinpoint_client.get_campaign_date_range_kpi(
        ApplicationId=sample_app.id, CampaignId=one.id, KpiName=COUNTS[1],
        StartTime="2026-10-01T00:00:00Z", EndTime="2026-10-28T23:59:59Z",
    )  # fmt: skip
    (exports / "delivered.json").write_text(json.dumps(answer, default=str, indent=4))
    listing = pinpoint_client.get_campaigns(ApplicationId=sample_app.id, PageSize="100")
    listing_path = tmp_path / "campaigns.json"
    listing_path.write_text(json.dumps(listing, default=str, indent=4))
    frame = ppk.read_pinpoint_kpi_json([exports, listing_path])
    assert _names(frame) == {one.id: one.name}
    assert ppk.inventory([exports, listing_path])["status"].tolist() == ["ok", "listing"]
    # names= wins over a listing
    renamed = ppk.read_pinpoint_kpi_json([exports, listing_path], names={one.id: "Renamed"})
    assert _names(renamed) == {one.id: "Renamed"}


def test_compare_shows_names_beside_the_ids_and_takes_a_baseline_by_name(emulator, sample_app):
    frame = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id="all", endpoint_url=emulator.endpoint_url
    )
    table = frame.pinpoint.compare("EmailOpenRate", baseline="Weekly Newsletter Email")
    newsletter = sample_app.campaign("Weekly Newsletter Email").id
    assert table.index.name == "CampaignId" and newsletter in table.index  # ids stay the index
    assert table.columns[0] == "CampaignName"
    assert table.loc[newsletter, "baseline"]
    assert table["CampaignName"].tolist() == [sample_app.campaign(i).name for i in table.index]


def test_two_campaigns_with_one_name_stay_distinguishable(emulator, sample_app):
    email = [c for c in sample_app.campaigns if c.channel == "EMAIL"][1:4]  # sent in October
    same = {c.id: "Autumn sale" for c in email[:2]} | {email[2].id: email[2].name}
    frame = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id=[c.id for c in email], names=same,
        endpoint_url=emulator.endpoint_url,
    )  # fmt: skip
    table = frame.pinpoint.compare("EmailOpenRate", baseline=email[2].name)
    shown = table["CampaignName"].tolist()
    assert len(set(shown)) == 3
    assert {f"Autumn sale ({c.id[:8]})" for c in email[:2]} <= set(shown)
    with pytest.raises(ppk.errors.InvalidArgumentError, match="names 2 of the CampaignId"):
        frame.pinpoint.compare("EmailOpenRate", baseline="Autumn sale")
    # the unique name as shown is a baseline too
    first = f"Autumn sale ({email[0].id[:8]})"
    assert frame.pinpoint.compare("EmailOpenRate", baseline=first).loc[email[0].id, "baseline"]
    assert display_names(frame)[email[0].id] == first


def test_label_uses_the_names_the_frame_carries_without_a_request(emulator, sample_app):
    frame = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id="all", endpoint_url=emulator.endpoint_url
    )
    emulator.clear_log()
    labelled = frame.pinpoint.label()
    assert len(emulator.request_log) == 0
    assert set(labelled.index.get_level_values("CampaignId")) <= {
        c.name for c in sample_app.campaigns
    }


def test_names_survive_aggregation(emulator, sample_app):
    frame = ppk.read_pinpoint_kpi(
        sample_app.id, COUNTS, *OCTOBER, campaign_id="all", endpoint_url=emulator.endpoint_url
    )
    assert _names(frame.pinpoint.total()) == _names(frame)
