"""What each KPI counts, per family: the measures the definitions aggregate, by value key.

A :class:`Measure` names columns of :func:`~.definitions.message_table` (one row per message in
its final state) and how a group's value is made of them: a sum, a ratio of two sums, or the
distinct endpoints of some messages. Which messages count is the family's (campaign records,
journey records, transactional email or SMS) and, for some, one channel's. The reasons behind
each choice, and what is unverified, are on the docs page "From event archives".
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import catalog

__all__ = ["FAMILY_FILTER", "MEASURES", "Measure", "family_of", "group_column", "measure_of"]


@dataclass(frozen=True)
class Measure:
    """How one value key is computed from the message table, for one family of KPIs.

    Attributes
    ----------
    how : {"sum", "ratio", "unique"}
        ``sum`` adds ``numerator``; ``ratio`` divides the sums of ``numerator`` and
        ``denominator`` (rates and averages); ``unique`` counts distinct endpoints of the
        messages where ``numerator`` is 1.
    numerator, denominator : str
        Columns of :func:`message_table`.
    channel : str or None
        Count only messages of this channel (``"EMAIL"``, ``"SMS"``, ``"PUSH"``).

    Examples
    --------
    >>> measure_of(catalog.get_kpi("email-open-rate", "campaign"))
    Measure(how='ratio', numerator='opened', denominator='delivered', channel='EMAIL')
    """

    how: str
    numerator: str
    denominator: str | None = None
    channel: str | None = None


def _sum(column: str, channel: str | None = None) -> Measure:
    return Measure("sum", column, None, channel)


def _ratio(numerator: str, denominator: str, channel: str | None = None) -> Measure:
    return Measure("ratio", numerator, denominator, channel)


_CAMPAIGN = {
    "AttemptedDeliveries": _sum("attempted"),
    "SuccessfulDeliveries": _sum("delivered"),
    "SuccessfulDeliveryRate": _ratio("delivered", "attempted"),
    "UniqueDeliveries": Measure("unique", "delivered"),
    "DirectEmailOpens": _sum("opened", "EMAIL"),
    "EmailOpenRate": _ratio("opened", "delivered", "EMAIL"),
    "DirectPushOpens": _sum("push_opened", "PUSH"),
    "PushOpenRate": _ratio("push_opened", "delivered", "PUSH"),
    "Clicks": _sum("clicks"),
    "HardBounces": _sum("hard", "EMAIL"),
    "HardBounceRate": _ratio("hard", "attempted", "EMAIL"),
    "SmsSpend": _sum("price", "SMS"),
}
_TXN_EMAIL = {
    "TxnEmailsSent": _sum("attempted"),
    "TxnEmailsDelivered": _sum("delivered"),
    "TxnEmailsHardBounced": _sum("hard"),
    "TxnEmailsSoftBounced": _sum("soft"),
    "TxnEmailsWithComplaints": _sum("complained"),
    "TxnEmailsOpened": _sum("opens"),  # opens, repeats included: unique opens say who
    "TxnEmailsClicked": _sum("clicks"),
    "TxnEmailsUniqueOpens": Measure("unique", "opened"),
    "TxnEmailsUniqueClicks": Measure("unique", "clicked"),
    "TxnEmailsDeliveryRate": _ratio("delivered", "attempted"),
    "TxnEmailsComplaintRate": _ratio("complained", "attempted"),
}
_TXN_SMS = {
    "TxnSmsSent": _sum("attempted"),
    "TxnSmsDelivered": _sum("delivered"),
    "TxnSmsSentByParts": _sum("parts"),
    "TxnSmsDeliveredByParts": _sum("delivered_parts"),
    "TxnSmsTotalPrice": _sum("price"),
    "TxnSmsAveragePrice": _ratio("price", "attempted"),
    "TxnSmsAveragePriceByParts": _ratio("price", "parts"),
    "TxnSmsDeliveryRate": _ratio("delivered", "attempted"),
    "TxnSmsErrorDistribution": _sum("failed"),
}
_JOURNEY = {
    "Sent": _sum("attempted"),
    "Delivered": _sum("delivered"),
    "Rejected": _sum("rejected"),
    "Hardbounced": _sum("hard"),
    "Softbounced": _sum("soft"),
    "Opened": _sum("opened"),
    "Clicked": _sum("clicks"),
    "Complained": _sum("complained"),
    "Unsubscribed": _sum("unsubscribed"),
}

MEASURES = {
    "campaign": _CAMPAIGN,
    "txn-email": _TXN_EMAIL,
    "txn-sms": _TXN_SMS,
    "journey": _JOURNEY,
}
"""Value key -> :class:`Measure`, per family (journey keys without their ``JourneyEmails`` /
``Emails`` prefix)."""

# Which messages each family counts: (family column value, channel).
FAMILY_FILTER = {
    "campaign": ("campaign", None),
    "txn-email": ("txn", "EMAIL"),
    "txn-sms": ("txn", "SMS"),
    "journey": ("journey", "EMAIL"),
}

_GROUP_COLUMNS = {
    "Date": "day",
    "CampaignId": "campaign_id",
    "CampaignActivityId": "activity_id",
    "TreatmentId": "treatment_id",
    "JourneyActivityId": "journey_activity_id",
    "CountryCode": "country",
    "ErrorCode": "error",
}


def family_of(kpi: catalog.Kpi) -> str:
    """The definitions' family of a catalog KPI (``campaign``, ``txn-email``, ...).

    Examples
    --------
    >>> family_of(catalog.get_kpi("unique-deliveries", "application"))
    'campaign'
    """
    return "campaign" if kpi.family in ("campaign", "campaigns") else kpi.family


def measure_of(kpi: catalog.Kpi) -> Measure:
    """The measure behind a catalog KPI.

    Examples
    --------
    >>> measure_of(catalog.get_kpi("emails-opened-grouped-by-journey-activity", "journey"))
    Measure(how='sum', numerator='opened', denominator=None, channel=None)
    """
    family = family_of(kpi)
    key = kpi.value_key
    if family == "journey":
        key = key.removeprefix("Journey").removeprefix("Emails")
    return MEASURES[family][key]


def group_column(key: str) -> str:
    """The message-table column behind a GroupedBys key.

    Examples
    --------
    >>> group_column("CampaignActivityId")
    'activity_id'
    """
    return _GROUP_COLUMNS[key]
