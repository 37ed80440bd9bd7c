"""The dashboard names what it shows: campaigns by the names their frame carries, the project by
its name (issue 10, item 4), the ids kept beside them."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")
import pinpoint_kpi_pandas as ppk
from pinpoint_kpi_pandas import widgets

START, END = "2026-10-01", "2026-10-28"
COUNTS = [
    "direct-email-opens-grouped-by-campaign-activity",
    "successful-deliveries-grouped-by-campaign-activity",
]


def test_a_frame_read_for_all_campaigns_is_shown_by_name_without_names(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id, COUNTS, START, END, campaign_id="all", endpoint_url=emu.endpoint_url
    )
    before = len(emu.request_log)
    dash = widgets.compare_campaigns(frame, chart="compare")
    assert len(emu.request_log) == before  # no listing fetched: the frame knew the names
    by_id = {c.id: c.name for c in app.campaigns}
    # every campaign read, those without rows in the range too (last): none vanishes
    offered = {i: n for n, i in dash.controls["campaigns"].options}
    assert offered == {c.id: c.name for c in app.campaigns if c.id in offered}
    assert len(offered) == len(app.campaigns) == len(frame.attrs["pinpoint"]["campaign_ids"])
    assert list(offered)[-1] == app.campaign("Spring Sale Email").id  # no data in October
    assert set(dash.table.index) <= set(by_id.values())
    assert dash.table["CampaignId"].map(by_id).tolist() == dash.table.index.tolist()
    ticks = [t.get_text() for t in dash.figure.axes[0].get_yticklabels()]
    assert {t.removesuffix(" (baseline)") for t in ticks} <= set(by_id.values())
    assert "CampaignId" not in widgets.table_html(dash.table)  # named rows; ids in the data


def test_the_header_names_the_project(dash, app):
    assert dash.state.error is None
    assert f"Project {app.name} ({app.id[:8]}" in _header(dash)


def test_a_frame_with_a_saved_project_listing_names_its_project(emu, app, tmp_path):
    store = tmp_path / "store"
    ppk.read_pinpoint_kpi(
        app.id, COUNTS, START, END, campaign_id="all", cache=store,
        endpoint_url=emu.endpoint_url,
    )  # fmt: skip
    import json

    import boto3

    client = boto3.client(
        "pinpoint", endpoint_url=emu.endpoint_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
    )  # fmt: skip
    (store / "apps.json").write_text(json.dumps(client.get_apps(), default=str))
    dash = widgets.compare_campaigns(ppk.read_pinpoint_kpi_json(store), chart="compare")
    assert f"Campaigns of project {app.name}" in _header(dash)


def _header(dash) -> str:
    return dash.widget.children[0].value


def test_a_campaign_without_rows_is_a_row_of_the_table_and_gaps_are_dashes(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id, COUNTS, START, END, campaign_id="all", endpoint_url=emu.endpoint_url
    )
    dash = widgets.compare_campaigns(frame, chart="compare")
    dash.controls["campaigns"].value = tuple(v for _, v in dash.controls["campaigns"].options)
    assert dash.error is None, dash.error
    assert dash.table.loc["Spring Sale Email", "note"] == "no data in range"
    html = dash.state.table_html
    assert "Spring Sale Email" in html
    assert "&lt;NA&gt;" not in html and "<NA>" not in html and "nan" not in html  # gaps: "—"


def test_two_campaigns_of_one_name_are_told_apart_in_both_selectors(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id, COUNTS, START, END, campaign_id="all", endpoint_url=emu.endpoint_url
    )
    first, second = (c.id for c in app.campaigns[1:3])
    dash = widgets.compare_campaigns(
        frame, chart="compare", names={first: "Sale", second: "Sale"}, campaigns=[first, second]
    )
    offered = {i: n for n, i in dash.controls["campaigns"].options}
    assert offered[first] == f"Sale ({first[:8]})" and offered[second] == f"Sale ({second[:8]})"
    baseline = {i: n for n, i in dash.controls["baseline"].options if i}
    assert baseline == {first: offered[first], second: offered[second]}


def test_a_shared_name_is_refused_as_ambiguous_and_a_shown_label_selects(emu, app):
    frame = ppk.read_pinpoint_kpi(
        app.id, COUNTS, START, END, campaign_id="all", endpoint_url=emu.endpoint_url
    )
    first, second = (c.id for c in app.campaigns[1:3])
    names = {first: "Sale", second: "Sale"}
    with pytest.raises(ppk.errors.InvalidArgumentError) as caught:
        widgets.compare_campaigns(frame, chart="compare", names=names, campaigns=["Sale"])
    assert f"'Sale' names 2 campaigns (Sale ({first[:8]}), Sale ({second[:8]}))" in str(
        caught.value
    )
    dash = widgets.compare_campaigns(
        frame, chart="compare", names=names, campaigns=[f"Sale ({second[:8]})"]
    )
    assert dash.controls["campaigns"].value == (second,)
    with pytest.raises(ppk.errors.InvalidArgumentError, match=r"as the selector shows them"):
        widgets.compare_campaigns(frame, chart="compare", names=names, campaigns=["Sael"])
