"""What the dashboard's controls ask for, in the user's words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..analysis import ENTITY_LEVELS, LEVEL_TITLES, funnel_kpis, rate_count_kpis
from ..derived import find_metric, is_derived

__all__ = ["CHARTS", "Selection", "entity_noun"]

CHARTS = ("trend", "compare", "funnel", "calendar")
"""The chart types: daily lines, one bar per campaign, the delivery funnel, a daily heat map."""


@dataclass(frozen=True)
class Selection:
    """What the controls ask for; the controller's state, in the user's words.

    Attributes
    ----------
    kpi : str
        The KPI name (ignored by the funnel chart, which reads the funnel's KPIs).
    ids : tuple of str
        The campaign (or journey) ids, in the order shown.
    start, end : datetime.date
        The inclusive range of UTC days.
    chart : {"trend", "compare", "funnel", "calendar"}
    scope : {"campaign", "journey"}, default "campaign"
        Whether the ids are campaigns or journeys (the funnel reads other KPIs for each).
    baseline : str, optional
        The id the others are compared against; None: the first selected with data.

    Examples
    --------
    >>> import datetime as dt
    >>> from pinpoint_kpi_pandas.widgets import Selection
    >>> pick = Selection("email-open-rate-grouped-by-campaign-activity", ("c1", "c2"),
    ...                  dt.date(2026, 10, 1), dt.date(2026, 10, 28), "funnel")
    >>> pick.kpi_names[0]
    'attempted-deliveries-grouped-by-campaign-activity'
    """

    kpi: str
    ids: tuple[str, ...]
    start: dt.date
    end: dt.date
    chart: str
    scope: str = "campaign"
    baseline: str | None = None

    @property
    def kpi_names(self) -> tuple[str, ...]:
        """The KPIs to load for this selection: a rate comes with the counts behind it (a derived
        rate is only its counts)."""
        if self.chart == "funnel":
            return funnel_kpis(self.scope)
        kpi = find_metric(self.kpi, self.scope)
        counts = rate_count_kpis(kpi, self.scope) if kpi is not None else ()
        # a derived metric (the click rate) is its counts: the service has no KPI of that name
        return counts if is_derived(kpi) else (self.kpi, *counts)


def entity_noun(id_level: str) -> str:
    """What the ids of ``id_level`` are, in lower case: ``"campaign"``, ``"journey"``, ..."""
    if id_level in ENTITY_LEVELS:
        return LEVEL_TITLES[id_level].lower()
    return "campaign"
