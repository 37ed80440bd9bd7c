"""Every standard KPI, computed from the world's daily base counters.

A KPI is one of four computations over the counters of the days in a window, per group:

- ``sum``: a count or amount, present when it is above zero;
- ``ratio``: a rate, numerator over denominator summed over the same rows, present when the
  denominator is above zero (so a rate always equals its count KPIs divided);
- ``average``: a total over a count (``txn-sms-average-price``), present like a ratio;
- ``unique``: distinct endpoints, the size of the union of the endpoints each slot reached
  (opened, clicked) in the window (:mod:`.audiences`), present when above zero (never additive:
  a window's value is at most the sum of its days, at least their maximum).

The group is the catalog's grouping key (``Date``, ``CampaignId``, ``CampaignActivityId``,
``JourneyActivityId``, ``CountryCode``, ``ErrorCode``); a single-value KPI has one group and its
row has no ``GroupedBys`` at all, as the service sends it.

Speed: counts come from the prefix sums of :mod:`.tables` (one subtraction per group, whatever
the window's length); unique counts merge the window's endpoint spans; every computed answer is
cached, as JSON text, by (KPI, project, campaign or journey, window, clock day, visible share of
that day). Text, not dicts: thousands of cached answers made of dicts and lists made every full
garbage collection walk millions of objects, which cost more than computing the answers.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass

from .. import catalog
from .audiences import Span, union_size
from .counters import SMS_ERROR_CODES
from .tables import DayTable, Partial, Tables, table_key
from .world import Application, World

__all__ = ["KpiEngine", "Metric", "metric_of"]


@dataclass(frozen=True)
class Metric:
    """How a KPI's value is computed from base counters.

    Attributes
    ----------
    how : {"sum", "ratio", "average", "unique"}
        The computation.
    numerator : str
        The counter summed (or, for ``unique``, the per-day distinct endpoints).
    denominator : str or None
        The counter divided by (``ratio`` and ``average``).

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> metric_of(catalog.get_kpi("email-open-rate", "campaign"))
    Metric(how='ratio', numerator='direct_email_opens', denominator='email_delivered')
    """

    how: str
    numerator: str
    denominator: str | None = None


def _sum(name: str) -> Metric:
    return Metric("sum", name)


def _ratio(num: str, den: str) -> Metric:
    return Metric("ratio", num, den)


_CAMPAIGN_METRICS = {
    "SuccessfulDeliveryRate": _ratio("delivered", "attempted"),
    "EmailOpenRate": _ratio("direct_email_opens", "email_delivered"),
    "PushOpenRate": _ratio("direct_push_opens", "push_delivered"),
    "HardBounceRate": _ratio("hard_bounces", "email_attempted"),
    "UniqueDeliveries": Metric("unique", "unique_deliveries"),
    "SuccessfulDeliveries": _sum("delivered"),
    "AttemptedDeliveries": _sum("attempted"),
    "Clicks": _sum("clicks"),
    "DirectEmailOpens": _sum("direct_email_opens"),
    "DirectPushOpens": _sum("direct_push_opens"),
    "SmsSpend": _sum("sms_spend"),
}
_TXN_EMAIL_METRICS = {
    "TxnEmailsSent": _sum("sent"),
    "TxnEmailsDelivered": _sum("delivered"),
    "TxnEmailsHardBounced": _sum("hard_bounced"),
    "TxnEmailsSoftBounced": _sum("soft_bounced"),
    "TxnEmailsWithComplaints": _sum("complaints"),
    "TxnEmailsOpened": _sum("opened"),
    "TxnEmailsClicked": _sum("clicked"),
    "TxnEmailsUniqueOpens": Metric("unique", "unique_opens"),
    "TxnEmailsUniqueClicks": Metric("unique", "unique_clicks"),
    "TxnEmailsDeliveryRate": _ratio("delivered", "sent"),
    "TxnEmailsComplaintRate": _ratio("complaints", "sent"),
}
_TXN_SMS_METRICS = {
    "TxnSmsSent": _sum("sent"),
    "TxnSmsDelivered": _sum("delivered"),
    "TxnSmsSentByParts": _sum("parts_sent"),
    "TxnSmsDeliveredByParts": _sum("parts_delivered"),
    "TxnSmsTotalPrice": _sum("price"),
    "TxnSmsAveragePrice": Metric("average", "price", "sent"),
    "TxnSmsAveragePriceByParts": Metric("average", "price", "parts_sent"),
    "TxnSmsDeliveryRate": _ratio("delivered", "sent"),
    "TxnSmsErrorDistribution": _sum("error"),  # one row per error code, see _txn_sms_records
}


def metric_of(kpi: catalog.Kpi) -> Metric:
    """The computation behind a catalog KPI.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> metric_of(catalog.get_kpi("journey-emails-opened", "journey"))
    Metric(how='sum', numerator='opened', denominator=None)
    """
    if kpi.family in ("campaign", "campaigns"):
        return _CAMPAIGN_METRICS[kpi.value_key]
    if kpi.family == "txn-email":
        return _TXN_EMAIL_METRICS[kpi.value_key]
    if kpi.family == "txn-sms":
        return _TXN_SMS_METRICS[kpi.value_key]
    # Journey counters are named after the KPI: JourneyEmailsOpened / EmailsOpened -> opened.
    return _sum(kpi.value_key.removeprefix("Journey").removeprefix("Emails").lower())


# Which endpoints a unique KPI counts, by its counter: see Sending.spans.
_UNIQUE_SPANS = {
    "unique_deliveries": "reached",
    "unique_opens": "opened",
    "unique_clicks": "clicked",
}
# Groupings by the table's own labels (runs, campaigns, journey activities, countries).
_BY_LABEL = ("CampaignId", "CampaignActivityId", "JourneyActivityId", "CountryCode")


@dataclass(frozen=True)
class _Window:
    """Where a window falls in a table: full days ``first .. stop - 1``, and the partial day."""

    first: int
    stop: int
    today: int | None  # the index of the clock's day when the window includes it
    partial: Partial | None

    def indices(self) -> Iterator[int]:
        yield from range(self.first, self.stop)
        if self.today is not None:
            yield self.today


class KpiEngine:
    """Answers KPI questions about a :class:`~.world.World`, with a cache of computed rows.

    Parameters
    ----------
    world : World
        The data.

    Examples
    --------
    >>> import datetime as dt
    >>> from pinpoint_kpi_pandas import catalog
    >>> from pinpoint_kpi_pandas.emulator import build_world
    >>> world = build_world(0)
    >>> app = world.applications[0]
    >>> engine = KpiEngine(world)
    >>> rows = engine.rows(catalog.get_kpi("txn-emails-sent-grouped-by-date", "application"),
    ...                    app, None, dt.date(2026, 10, 1), dt.date(2026, 10, 3),
    ...                    today=dt.date(2026, 10, 29), fraction=0.4)
    >>> [r["GroupedBys"][0]["Value"] for r in rows]
    ['2026-10-01', '2026-10-02', '2026-10-03']
    """

    def __init__(self, world: World):
        self.world = world
        self.tables = Tables(world)
        self._cached = functools.lru_cache(maxsize=16384)(self._compute)

    def rows(
        self,
        kpi: catalog.Kpi,
        app: Application,
        entity_id: str | None,
        first_day: dt.date,
        last_day: dt.date,
        *,
        today: dt.date,
        fraction: float,
    ) -> list[dict]:
        """The ``Rows`` of a KPI answer.

        Parameters
        ----------
        kpi : catalog.Kpi
            The KPI, at the scope asked for.
        app : Application
            The project.
        entity_id : str or None
            The campaign id (campaign scope) or journey id (journey scope).
        first_day, last_day : date
            The UTC days covered, both included.
        today : date
            The clock's date: later days have no data.
        fraction : float
            The share of ``today`` whose data is visible.
        """
        return json.loads(
            self.rows_json(kpi, app, entity_id, first_day, last_day, today=today, fraction=fraction)
        )

    def rows_json(
        self,
        kpi: catalog.Kpi,
        app: Application,
        entity_id: str | None,
        first_day: dt.date,
        last_day: dt.date,
        *,
        today: dt.date,
        fraction: float,
    ) -> str:
        """The ``Rows`` of a KPI answer as JSON text (what the server sends); as :meth:`rows`.

        Examples
        --------
        >>> import datetime as dt
        >>> from pinpoint_kpi_pandas import catalog
        >>> from pinpoint_kpi_pandas.emulator import build_world
        >>> world = build_world(0)
        >>> day = dt.date(2026, 10, 1)
        >>> KpiEngine(world).rows_json(catalog.get_kpi("txn-sms-sent", "application"),
        ...     world.applications[2], None, day, day, today=day, fraction=1.0)
        '[]'
        """
        # When the clock's partial day is outside the window, the answer cannot change.
        permille = 1000 if last_day < today else max(0, min(1000, round(fraction * 1000)))
        return self._cached(kpi, app.id, entity_id, first_day, last_day, today, permille)

    def _compute(self, kpi, app_id, entity_id, first_day, last_day, today, permille):
        key = table_key(kpi.family, self.world.application(app_id), entity_id)
        table = self.tables.table(key)
        stop = min(last_day, today - dt.timedelta(days=1))
        partial = None
        if first_day <= today <= last_day:
            partial = self.tables.partial(key, today, permille)
        window = _Window(
            first=max(table.index(first_day), 0),
            stop=min(table.index(stop) + 1, table.days),
            today=table.index(today) if partial is not None else None,
            partial=partial,
        )
        metric = metric_of(kpi)
        if metric.how == "unique":
            values = _unique_values(kpi.grouped_by, metric, table, window)
        else:
            values = _values(kpi.grouped_by, metric, table, window)
        return json.dumps(_render(kpi, values), separators=(",", ":"))


_Values = list[tuple[str | None, float]]
"""(group, value) pairs of an answer, in the service's row order."""


def _values(grouped_by, metric, table: DayTable, window: _Window) -> _Values:
    """(group, value) of a sum, ratio or average KPI, in the service's row order."""
    if grouped_by == "ErrorCode":
        counters = [(code, f"error:{code}", None) for code in SMS_ERROR_CODES]
        return _present(metric, table, window, [(c, n, d, None) for c, n, d in counters])
    num, den = metric.numerator, metric.denominator
    if grouped_by is None:
        return _present(metric, table, window, [(None, num, den, None)])
    if grouped_by in _BY_LABEL:  # every label is in the table, which holds every day in full
        labels = [x for x in table.labels if _overlaps(table.label_days[x], window)]
        return _present(metric, table, window, [(x, num, den, x) for x in labels])
    out: _Values = []  # by date, one day at a time
    for index in window.indices():
        day = (table.first_day + dt.timedelta(days=index)).isoformat()
        one_day = _Window(index, index + 1, None, None)
        if index == window.today:
            one_day = _Window(0, 0, index, window.partial)
        out += _present(metric, table, one_day, [(day, num, den, None)])
    return out


def _overlaps(days: tuple[int, int], window: _Window) -> bool:
    """Whether a label's days meet the window's full days or its partial day."""
    first, last = days
    if window.today is not None and first <= window.today <= last:
        return True
    return first < window.stop and last >= window.first


def _present(metric, table, window, groups) -> _Values:
    """The groups whose value is present: a sum above 0, a ratio with a denominator above 0."""
    out: _Values = []
    for group, num, den, label in groups:
        top = _total(table, window, num, label)
        if den is None:
            if top > 0:
                out.append((group, top))
            continue
        bottom = _total(table, window, den, label)
        if bottom > 0:
            out.append((group, top / bottom))
    return out


def _total(table: DayTable, window: _Window, name: str, label: str | None) -> int:
    value = table.total(name, window.first, window.stop, label)
    if window.partial is not None:
        parts = window.partial.counters
        if label is None:
            value += sum(c.get(name, 0) for c in parts.values())
        else:
            value += parts.get(label, {}).get(name, 0)
    return value


def _unique_values(grouped_by, metric, table, window) -> _Values:
    """(group, distinct endpoints) of a unique KPI: the size of each group's union of spans."""
    what = _UNIQUE_SPANS[metric.numerator]
    by_group: dict[str | None, list[Span]] = {}
    for index, label, spans in table.spans(window.first, window.stop):
        group = _unique_group(grouped_by, table, index, label)
        by_group.setdefault(group, []).extend(spans[what])
    if window.partial is not None and window.today is not None:
        for label, spans in window.partial.spans.items():
            group = _unique_group(grouped_by, table, window.today, label)
            by_group.setdefault(group, []).extend(spans.get(what, []))
    if grouped_by == "Date":
        groups = sorted(by_group, key=str)
    else:  # the table's label order: campaigns as listed, runs and activities as they started
        order = {label: i for i, label in enumerate(table.labels)}
        groups = sorted(by_group, key=lambda g: order.get(g, len(order)))
    out = []
    for group in groups:
        value = union_size(by_group[group])
        if value > 0:
            out.append((group, float(value)))
    return out


def _unique_group(grouped_by, table: DayTable, index: int, label: str) -> str | None:
    if grouped_by == "Date":
        return (table.first_day + dt.timedelta(days=index)).isoformat()
    return label if grouped_by else None


def _render(kpi: catalog.Kpi, values: _Values) -> list[dict]:
    key, value_key = kpi.grouped_by, kpi.value_key
    rows = []
    for group, value in values:
        row: dict = {}
        if key:
            row["GroupedBys"] = [{"Key": key, "Type": "String", "Value": group}]
        row["Values"] = [{"Key": value_key, "Type": "Double", "Value": repr(float(value))}]
        rows.append(row)
    return rows
