"""Which KPIs' windows combine exactly over a long range, and why the others do not.

The one rule the planner (:func:`~pinpoint_kpi_pandas.plan.plan_kpi_requests`, which refuses a
long range up front) and the assembly (:mod:`~pinpoint_kpi_pandas.combine`, which decides how
saved windows are put together) share:

- ``-grouped-by-date`` KPIs: each day is its own row, so windows are stitched;
- counts and amounts, any grouping: windows that tile a range are summed per group;
- rates whose numerator and denominator counts are read too: recomputed from the summed counts;
- not unique counts (an endpoint reached in two windows would count twice), averages (they
  need weights Pinpoint does not answer), or rates without their counts.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import catalog

__all__ = ["count_kpis", "uncombinable"]


def uncombinable(kpis: Sequence[catalog.Kpi]) -> list[tuple[catalog.Kpi, str]]:
    """The KPIs of a read whose windows cannot be combined exactly, each with the reason.

    Windows combine for ``-grouped-by-date`` KPIs (each day is its own row), counts and amounts
    (summed per group), and rates whose numerator and denominator counts are read too
    (recomputed from the summed counts).

    Examples
    --------
    >>> clicks = catalog.get_kpi("clicks-grouped-by-campaign-activity", "campaign")
    >>> unique = catalog.get_kpi("unique-deliveries", "campaign")
    >>> [(k.name, why[:20]) for k, why in uncombinable([clicks, unique])]
    [('unique-deliveries', 'it counts distinct e')]
    """
    counts = {k.value_key for k in kpis if k.is_additive}
    refused = []
    for kpi in kpis:
        if kpi.is_date_grouped or kpi.is_additive:
            continue
        if kpi.kind == "rate" and kpi.rate_parts and set(kpi.rate_parts) <= counts:
            continue
        refused.append((kpi, _why_not(kpi)))
    return refused


def _why_not(kpi: catalog.Kpi) -> str:
    variant = catalog.date_variant(kpi.name, kpi.scope)
    daily = f"; its daily variant {variant.name!r} can span any range" if variant else ""
    if kpi.kind == "unique_count":
        return (
            "it counts distinct endpoints, and an endpoint reached in two windows would be "
            f"counted twice, so windows cannot be added{daily}"
        )
    if kpi.kind == "average":
        return (
            "it is an average, and averages of two windows combine only with each window's "
            f"weight, which Pinpoint does not answer{daily}"
        )
    counts = count_kpis(kpi)
    if counts:
        listed = ", ".join(repr(n) for n in [kpi.name, *counts])
        return (
            "it is a rate, and a rate over two windows is neither their sum nor their mean; read "
            f"it with its counts, kpi_name=[{listed}], and it is recomputed exactly from the "
            f"summed counts{daily}"
        )
    per = f"per {kpi.grouped_by}" if kpi.grouped_by else "ungrouped"
    return (
        "it is a rate, and no standard count KPIs give its numerator and denominator "
        f"{per}, so it cannot be recomputed over several windows{daily}"
    )


def count_kpis(rate: catalog.Kpi) -> list[str]:
    """The count KPIs (same scope and grouping) holding a rate's numerator and denominator.

    Examples
    --------
    >>> rate = catalog.get_kpi("email-open-rate-grouped-by-campaign-activity", "campaign")
    >>> [name.split("-grouped")[0] for name in count_kpis(rate)]
    ['direct-email-opens', 'successful-deliveries']
    """
    if not rate.rate_parts:
        return []
    names = []
    for part in rate.rate_parts:
        found = [
            k
            for k in catalog.kpis_with_value_key(part, rate.scope)
            if k.grouped_by == rate.grouped_by and k.is_additive
        ]
        if not found:
            return []
        names.append(found[0].name)
    return names
