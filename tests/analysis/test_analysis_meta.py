"""analysis/_meta.py: the contract's one reader and writer, and the incomplete-frame warning."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest


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
