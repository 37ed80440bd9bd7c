"""Numbers as text, in one vocabulary for plots, HTML tables and the terminal.

A missing value is always :data:`MISSING` (an em dash); a stage of the funnel without data is
:data:`NO_DATA`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = [
    "DOLLARS_PER_UNIT",
    "MISSING",
    "NO_DATA",
    "dollars_per_unit",
    "format_dollars",
    "format_interval",
    "format_number",
    "format_p",
    "format_percent",
    "format_points",
    "format_ratio",
    "format_signed",
    "format_value",
    "is_missing",
]

MISSING = "—"
"""What a missing number is shown as."""
NO_DATA = "no data"
"""What a funnel stage without data is labelled (never 0)."""
DOLLARS_PER_UNIT = {"millicents": 1e-5, "thousandths of a US cent": 1e-5}
"""The catalog's money units and one unit's worth in US dollars (Pinpoint reports SMS spend and
prices in thousandths of a cent): what is shown to people is in dollars."""


def is_missing(value: Any) -> bool:
    """Whether ``value`` is None, NaN or pandas' NA.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import is_missing
    >>> is_missing(None), is_missing(float("nan")), is_missing(pd.NA), is_missing(0)
    (True, True, True, False)
    """
    return value is None or bool(pd.isna(value))


def format_percent(value: Any, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.256`` -> ``"25.6%"``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_percent
    >>> format_percent(0.256), format_percent(0.256, 2), format_percent(None)
    ('25.6%', '25.60%', '—')
    """
    return MISSING if is_missing(value) else f"{value:.{decimals}%}"


def format_points(value: Any, decimals: int = 2) -> str:
    """A difference of two fractions in percentage points, signed.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_points
    >>> format_points(0.06), format_points(-0.0123, 1)
    ('+6.00 pp', '-1.2 pp')
    """
    return MISSING if is_missing(value) else f"{value * 100:+.{decimals}f} pp"


def format_number(value: Any) -> str:
    """A count or amount: whole numbers with thousands separators, else 3 significant digits.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_number
    >>> format_number(12345), format_number(0.04567), format_number(float("nan"))
    ('12,345', '0.0457', '—')
    """
    if is_missing(value):
        return MISSING
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def format_signed(value: Any) -> str:
    """A difference of counts or amounts, signed.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_signed
    >>> format_signed(1234), format_signed(-0.5)
    ('+1,234', '-0.5')
    """
    if is_missing(value):
        return MISSING
    return f"{value:+,.0f}" if abs(value) >= 100 else f"{value:+,.3g}"


def format_ratio(value: Any) -> str:
    """A ratio to the baseline: ``1.5`` -> ``"×1.50"``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_ratio
    >>> format_ratio(1.5)
    '×1.50'
    """
    return MISSING if is_missing(value) else f"×{value:.2f}"


def dollars_per_unit(kpi: Any) -> float | None:
    """US dollars per unit of a KPI's values; None when the KPI (or None) is not money.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> from pinpoint_kpi_pandas.analysis import dollars_per_unit
    >>> dollars_per_unit(catalog.get_kpi("sms-spend", "campaign"))
    1e-05
    >>> dollars_per_unit(catalog.get_kpi("unique-deliveries", "campaign")) is None
    True
    """
    return DOLLARS_PER_UNIT.get(str(getattr(kpi, "unit", "")).replace(" (assumed)", ""))


def format_dollars(value: Any, decimals: int = 2) -> str:
    """An amount of US dollars: ``307.09185`` -> ``"$307.09"``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_dollars
    >>> format_dollars(307.09185), format_dollars(1234.5, 0), format_dollars(None)
    ('$307.09', '$1,234', '—')
    """
    return MISSING if is_missing(value) else f"${value:,.{decimals}f}"


def format_value(value: Any, kind: str | None) -> str:
    """A KPI's value by its kind: rates as percentages (1 decimal), others as numbers.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_value
    >>> format_value(0.9123, "rate"), format_value(1500, "count")
    ('91.2%', '1,500')
    """
    return format_percent(value) if kind == "rate" else format_number(value)


def format_interval(low: Any, high: Any, *, decimals: int = 1, sep: str = "–") -> str:
    """A confidence interval of a rate: ``"23.4%–28.8%"``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_interval
    >>> format_interval(0.234, 0.288), format_interval(0.1, 0.2, decimals=2, sep=" – ")
    ('23.4%–28.8%', '10.00% – 20.00%')
    >>> format_interval(float("nan"), 0.2)
    '—'
    """
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{format_percent(low, decimals)}{sep}{format_percent(high, decimals)}"


def format_p(p: float) -> str:
    """A p-value for a note: ``"p<0.001"`` or ``"p=0.032"``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import format_p
    >>> format_p(0.0001), format_p(0.03217)
    ('p<0.001', 'p=0.032')
    """
    return "p<0.001" if p < 0.001 else f"p={p:.2g}"
