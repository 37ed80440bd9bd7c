"""analysis/_format.py: one vocabulary for numbers in plots, HTML tables and the terminal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pinpoint_kpi_pandas.analysis import (
    MISSING,
    format_interval,
    format_number,
    format_p,
    format_percent,
    format_points,
    format_ratio,
    format_signed,
    format_value,
)

FORMATTERS = [
    format_percent,
    format_points,
    format_number,
    format_signed,
    format_ratio,
    lambda v: format_value(v, "rate"),
    lambda v: format_value(v, "count"),
    lambda v: format_interval(v, 0.5),
    lambda v: format_interval(0.5, v),
]


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, float("nan")])
@pytest.mark.parametrize("formatter", FORMATTERS)
def test_every_formatter_shows_a_missing_value_the_same_way(formatter, missing):
    assert formatter(missing) == MISSING == "—"


def test_numbers_by_kind():
    assert format_value(0.98765, "rate") == "98.8%"
    assert format_value(1234567, "count") == "1,234,567"
    assert format_number(0.012345) == "0.0123"
    assert format_number(150.4) == "150"
    assert format_signed(-1500) == "-1,500" and format_signed(2.5) == "+2.5"
    assert format_points(0.0123) == "+1.23 pp" and format_points(-0.0123, 1) == "-1.2 pp"
    assert format_ratio(0.5) == "×0.50"
    assert format_interval(0.1, 0.2) == "10.0%–20.0%"
    assert format_p(0.0004) == "p<0.001" and format_p(0.04567) == "p=0.046"
