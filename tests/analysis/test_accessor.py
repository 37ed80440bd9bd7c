"""DataFrame.pinpoint, the face of the analysis layer: validation, metadata, argument checks."""

from __future__ import annotations

import pandas as pd
import pytest

from pinpoint_kpi_pandas.errors import ArgumentTypeError, InvalidArgumentError


def test_accessor_refuses_a_plain_frame_naming_what_is_missing():
    with pytest.raises(AttributeError, match=r"attrs\['pinpoint'\].*columns: x, y"):
        _ = pd.DataFrame({"x": [1], "y": [2]}).pinpoint


def test_accessor_accepts_attrs_or_kpi_columns(daily):
    assert daily.pinpoint.meta["scope"] == "campaign"
    bare = pd.DataFrame({"UniqueDeliveries": [1, 2]})
    assert bare.pinpoint.meta == {}
    assert bare.pinpoint.kinds == {"UniqueDeliveries": "unique_count"}


def test_meta_is_a_copy(daily):
    meta = daily.pinpoint.meta
    meta["scope"] = "changed"
    meta["columns"]["x"] = "y"
    assert daily.attrs["pinpoint"]["scope"] == "campaign"
    assert "x" not in daily.attrs["pinpoint"]["columns"]


def test_kinds_use_the_catalog(daily):
    assert daily.pinpoint.kinds == {
        "SuccessfulDeliveryRate": "rate",
        "SuccessfulDeliveries": "count",
        "AttemptedDeliveries": "count",
    }


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda d, r: d.pinpoint.resample("bogus"), InvalidArgumentError, r"rule='bogus'.*'W'"),
        (lambda d, r: d.pinpoint.resample(7), ArgumentTypeError, r"rule must be .* not int 7"),
        (lambda d, r: d.pinpoint.total(by=5), ArgumentTypeError, r"by must .* not int 5"),
        (lambda d, r: r.pinpoint.compare(alpha=2), InvalidArgumentError, r"alpha=2 .*0\.05"),
        (lambda d, r: r.pinpoint.compare(alpha="0.05"), ArgumentTypeError, r"alpha must be a"),
        (lambda d, r: r.pinpoint.compare(alpha=True), ArgumentTypeError, r"alpha must be a"),
        (lambda d, r: r.pinpoint.compare(baseline=["A"]), ArgumentTypeError, r"baseline='A'"),
        (lambda d, r: r.pinpoint.compare(by=0), ArgumentTypeError, r"by must be a str"),
    ],
)
def test_bad_arguments_raise_library_errors_naming_the_fix(daily, runs, call, error, match):
    with pytest.raises(error, match=match):
        call(daily, runs)
