"""analysis/_labels.py: ids to names, from a mapping, a listing, or the service."""

from __future__ import annotations

import pandas as pd
import pytest

from pinpoint_kpi_pandas.analysis import name_map
from pinpoint_kpi_pandas.errors import InvalidArgumentError


def test_label_with_mapping_keeps_names_unique(runs):
    labelled = runs.pinpoint.label({"A": "Sale", "B": "Sale", "C": "Welcome"})
    assert labelled.index.get_level_values("CampaignId").unique().tolist() == [
        "Sale (A)",
        "Sale (B)",
        "Welcome",
        "D",
    ]
    assert runs.index.get_level_values(0)[0] == "A"  # caller untouched
    assert labelled.attrs["pinpoint"]["labels"]["CampaignId"]["C"] == "Welcome"
    # the baseline may be given by id after labelling
    table = labelled.pinpoint.compare(baseline="C")
    assert table.loc["Welcome", "baseline"]


def test_label_with_a_listing_frame(runs):
    listing = pd.DataFrame({"Name": ["Alpha", "Beta"]}, index=pd.Index(["A", "B"], name="Id"))
    labelled = runs.pinpoint.total().pinpoint.label(listing)
    assert labelled.index.tolist() == ["Alpha", "Beta", "C", "D"]


def test_label_without_application_id_says_what_to_pass():
    frame = pd.DataFrame({"UniqueDeliveries": [1]}, index=pd.Index(["x"], name="CampaignId"))
    with pytest.raises(InvalidArgumentError, match="pass names="):
        frame.pinpoint.label()


def test_label_fetches_names_from_the_service(emulated_runs, emulator):
    app, frame = emulated_runs
    labelled = frame.pinpoint.label(endpoint_url=emulator.endpoint_url)
    names = set(labelled.index.get_level_values("CampaignId"))
    assert names == {c.name for c in app.campaigns if c.id in set(frame.index.get_level_values(0))}
    table = labelled.pinpoint.compare(baseline=app.campaigns[3].id)
    assert table.loc[app.campaigns[3].name, "note"] == "baseline"
    non_email = [c.name for c in app.campaigns if c.channel != "EMAIL" and c.name in table.index]
    assert all(table.loc[n, "note"].startswith("no direct email opens") for n in non_email)


def test_label_levels_may_be_one_level_name(runs):
    labelled = runs.pinpoint.label({"a1": "First run"}, levels="CampaignActivityId")
    assert labelled.index.get_level_values("CampaignActivityId")[0] == "First run"
    assert labelled.index.get_level_values("CampaignId")[0] == "A"  # only the level named


def test_one_rule_turns_names_into_a_mapping():
    listing = pd.DataFrame(
        {"Name": ["Welcome", None]}, index=pd.Index(["c1", "c2"], name="Id", dtype="str")
    )
    assert name_map(listing) == {"c1": "Welcome"}
    assert name_map(listing.reset_index()) == {"c1": "Welcome"}  # an Id column
    assert name_map(listing["Name"]) == {"c1": "Welcome"}
    assert name_map({"c1": "Welcome", "c2": None, 3: "Three"}) == {"c1": "Welcome", "3": "Three"}
    assert name_map(None) == {}
    with pytest.raises(InvalidArgumentError, match="needs a 'Name' column"):
        name_map(pd.DataFrame({"Title": ["x"]}))
    with pytest.raises(InvalidArgumentError, match="names= must be a mapping"):
        name_map(["Welcome"])
