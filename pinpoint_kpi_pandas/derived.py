"""Derived metrics: rates a campaign manager compares that no standard KPI serves, computed from
standard count KPIs that do, and labelled as derived wherever they are shown.

Pinpoint's catalog has no click rate. Its numerator and denominator exist per campaign run:
``clicks-grouped-by-campaign-activity`` (``Clicks``, every click event) and
``successful-deliveries-grouped-by-campaign-activity`` (``SuccessfulDeliveries``). The click rate
here is **clicks over delivered messages**, the definition of Braze's report metrics glossary
("Total Clicks ... Calculation: (Total Clicks) / (Deliveries)"); clicks over opens would be the
click-to-open rate, which an open-tracking failure (images blocked) inflates. Because ``Clicks``
counts every click, a message clicked twice counts twice: the Wilson intervals and tests, like
the other rates', treat each click as one delivered message clicked, and are a little too narrow
where recipients click more than once.

A derived metric is a :class:`~pinpoint_kpi_pandas.catalog.Kpi` of family ``"derived"``: it can be
compared, charted and picked in the dashboard like a rate read with its counts, but never read
from the service (the readers do not know its name; read its counts, :func:`count_kpis`).
"""

from __future__ import annotations

from . import catalog

__all__ = ["CLICK_RATE", "DERIVED", "count_kpis", "derived_metrics", "find_metric", "is_derived"]

CLICK_RATE = catalog.Kpi(
    name="click-rate-grouped-by-campaign-activity",
    scope="campaign",
    family="derived",
    grouped_by="CampaignActivityId",
    grouped_by_verified=True,
    kind="rate",
    unit="fraction 0..1",
    value_key="ClickRate",
    value_key_verified=False,
    numerator="clicks",
    denominator="successful deliveries",
    title="Click rate (derived: clicks / deliveries), grouped by campaign run",
)
"""Clicks over delivered messages, per campaign run (see the module's notes)."""

DERIVED: tuple[catalog.Kpi, ...] = (CLICK_RATE,)
"""Every derived metric."""


def is_derived(kpi: catalog.Kpi | None) -> bool:
    """Whether ``kpi`` is a derived metric (computed from counts, never read).

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> from pinpoint_kpi_pandas.derived import CLICK_RATE, is_derived
    >>> is_derived(CLICK_RATE), is_derived(catalog.get_kpi("email-open-rate", "campaign"))
    (True, False)
    """
    return kpi is not None and kpi.family == "derived"


def derived_metrics(scope: str | None = None) -> tuple[catalog.Kpi, ...]:
    """The derived metrics (of one scope).

    Examples
    --------
    >>> from pinpoint_kpi_pandas.derived import derived_metrics
    >>> [k.value_key for k in derived_metrics("campaign")], derived_metrics("journey")
    (['ClickRate'], ())
    """
    return tuple(k for k in DERIVED if scope is None or k.scope == scope)


def find_metric(name: str, scope: str | None) -> catalog.Kpi | None:
    """A standard KPI of ``scope`` named ``name``, else the derived metric named so (by its name
    or its value key), else None.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.derived import find_metric
    >>> find_metric("ClickRate", "campaign").title.split(",")[0]
    'Click rate (derived: clicks / deliveries)'
    >>> find_metric("email-open-rate", "campaign").family
    'campaign'
    """
    found = catalog.find_kpi(name, scope) if scope in catalog.SCOPES else None
    if found is not None:
        return found
    return next(
        (
            k
            for k in DERIVED
            if name in (k.name, k.value_key) and (scope is None or k.scope == scope)
        ),
        None,
    )


def count_kpis(kpi: catalog.Kpi, scope: str | None = None) -> tuple[str, ...]:
    """The standard count KPIs of ``scope`` (default: the rate's) a rate is computed from
    (numerator, denominator), grouped as the rate is; ``()`` when the catalog has no such pair
    (hard-bounce rate: no bounce count KPI exists). A rate alone cannot say how sure it is; its
    counts can (Wilson intervals, tests).

    Examples
    --------
    >>> from pinpoint_kpi_pandas.derived import CLICK_RATE, count_kpis
    >>> count_kpis(CLICK_RATE)  # doctest: +NORMALIZE_WHITESPACE
    ('clicks-grouped-by-campaign-activity',
     'successful-deliveries-grouped-by-campaign-activity')
    """
    scope = scope or kpi.scope
    parts = catalog.RATE_PARTS.get(kpi.value_key) if kpi.kind == "rate" else None
    if not parts or scope not in catalog.SCOPES:
        return ()
    names = []
    for part in parts:
        same = [
            k for k in catalog.kpis_with_value_key(part, scope) if k.grouped_by == kpi.grouped_by
        ]
        if not same:
            return ()
        names.append(same[0].name)
    return tuple(names)
