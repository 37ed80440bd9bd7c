"""analysis/_meta.py: the contract's one reader and writer, and the incomplete-frame warning."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from pinpoint_kpi_pandas.analysis import frame_meta, replace_attrs, with_meta


def _with_failures(frame, n=2):
    partial = frame.copy()
    partial.attrs = {
        "pinpoint": {**frame.attrs["pinpoint"], "failed": [f"request {i} failed" for i in range(n)]}
    }
    return partial


@pytest.mark.parametrize(
    ("call", "what"),
    [
        (lambda df: df.pinpoint.total(), "total()"),
        (lambda df: df.pinpoint.resample("W"), "resample()"),
        (lambda df: df.pinpoint.compare(metric="SuccessfulDeliveryRate"), "compare()"),
    ],
)
def test_results_of_a_frame_with_failed_requests_warn(daily, call, what):
    frame = pd.concat([daily, daily], keys=["A", "B"], names=["CampaignId"])
    frame.attrs = daily.attrs
    partial = _with_failures(frame)
    with pytest.warns(UserWarning, match=r"lacks the rows of 2 failed requests") as caught:
        call(partial)
    message = str(caught[0].message)
    assert message.startswith(what) and "df.attrs['pinpoint']['failed']" in message
    assert caught[0].filename == __file__  # points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call(frame)  # a complete frame: no warning
        call(_with_failures(frame, n=0))


def test_the_contract_is_read_and_written_in_one_place_without_sharing(daily):
    assert frame_meta(daily)["scope"] == "campaign"
    assert dict(frame_meta(pd.DataFrame())) == {}
    odd = pd.DataFrame()
    odd.attrs["pinpoint"] = "not a mapping"
    assert dict(frame_meta(odd)) == {}
    result = with_meta(daily.copy(), daily, aggregated=["total"])
    assert frame_meta(result)["aggregated"] == ["total"]
    assert "aggregated" not in frame_meta(daily)
    result.attrs["pinpoint"]["columns"]["x"] = "y"  # a deep copy: the source is untouched
    assert "x" not in daily.attrs["pinpoint"]["columns"]
    copied = replace_attrs(pd.DataFrame(), daily.attrs)
    assert copied.attrs == daily.attrs and copied.attrs["pinpoint"] is not daily.attrs["pinpoint"]
