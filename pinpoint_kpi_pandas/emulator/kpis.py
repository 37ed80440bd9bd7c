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
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from .. import catalog
from .audiences import Sending, Span, union_size
from .counters import SMS_ERROR_CODES
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


# A record: (grouping values, day, counters, the sending slot it comes from).
_Record = tuple[dict[str, str], dt.date, dict[str, int], Sending]

# Which endpoints a unique KPI counts, by its counter: see Sending.spans.
_UNIQUE_SPANS = {
    "unique_deliveries": "reached",
    "unique_opens": "opened",
    "unique_clicks": "clicked",
}


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
        """The ``Rows`` of a KPI answer (a shared list: do not modify it).

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
        # When the clock's partial day is outside the window, the answer cannot change.
        permille = 1000 if last_day < today else max(0, min(1000, round(fraction * 1000)))
        return self._cached(
            kpi.scope, kpi.name, app.id, entity_id, first_day, last_day, today, permille
        )

    def _compute(self, scope, name, app_id, entity_id, first_day, last_day, today, permille):
        kpi = catalog.get_kpi(name, scope)
        app = self.world.application(app_id)
        days = []
        day = first_day
        while day <= min(last_day, today):
            days.append((day, 1.0 if day < today else permille / 1000))
            day += dt.timedelta(days=1)
        records = self._records(kpi, app, entity_id, days)
        return _aggregate(kpi, metric_of(kpi), records)

    def _records(self, kpi, app, entity_id, days) -> list[_Record]:
        sendings = self.world.sendings
        out: list[_Record] = []
        if kpi.family in ("campaign", "campaigns"):
            campaigns = app.campaigns
            if entity_id is not None:
                campaigns = [app.campaign(entity_id)]
            for campaign in campaigns:
                for day, fraction in days:
                    for s in sendings(campaign.id, day, fraction):
                        groups = {"CampaignId": campaign.id, "CampaignActivityId": s.label}
                        out.append((groups, day, s.counters, s))
        elif kpi.family == "journey":
            for day, fraction in days:
                for s in sendings(entity_id, day, fraction):
                    out.append(({"JourneyActivityId": s.label}, day, s.counters, s))
        elif kpi.family == "txn-email":
            for day, fraction in days:
                for s in sendings(app.txn_email_key, day, fraction):
                    out.append(({}, day, s.counters, s))
        else:  # txn-sms
            for day, fraction in days:
                for s in sendings(app.txn_sms_key, day, fraction):
                    if kpi.grouped_by == "ErrorCode":
                        for code in SMS_ERROR_CODES:
                            per_code = {"error": s.counters[f"error:{code}"]}
                            out.append(({"ErrorCode": code, "CountryCode": s.label}, day,
                                        per_code, s))  # fmt: skip
                    else:
                        out.append(({"CountryCode": s.label}, day, s.counters, s))
        return out


def _aggregate(kpi: catalog.Kpi, metric: Metric, records: list[_Record]) -> list[dict]:
    key = kpi.grouped_by
    totals: dict[str | None, list] = {}
    for groups, day, c, sending in records:
        group = day.isoformat() if key == "Date" else (groups[key] if key else None)
        if metric.how == "unique":
            spans: list[Span] = totals.setdefault(group, [])
            spans += sending.spans(_UNIQUE_SPANS[metric.numerator])
        else:
            entry = totals.setdefault(group, [0, 0])
            entry[0] += c[metric.numerator]
            if metric.denominator:
                entry[1] += c[metric.denominator]
    groups_in_order = sorted(totals, key=str) if key == "Date" else list(totals)
    rows = []
    for group in groups_in_order:
        value = _value(metric, totals[group])
        if value is None:
            continue
        row: dict = {}
        if key:
            row["GroupedBys"] = [{"Key": key, "Type": "String", "Value": group}]
        row["Values"] = [{"Key": kpi.value_key, "Type": "Double", "Value": repr(float(value))}]
        rows.append(row)
    return rows


def _value(metric: Metric, entry: list) -> float | int | None:
    if metric.how == "sum":
        return entry[0] if entry[0] > 0 else None
    if metric.how in ("ratio", "average"):
        return entry[0] / entry[1] if entry[1] > 0 else None
    value = union_size(entry)  # unique: the endpoints reached (opened, clicked), counted once
    return value if value > 0 else None
