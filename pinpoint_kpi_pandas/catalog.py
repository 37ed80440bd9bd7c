"""The standard Pinpoint KPIs: scope, grouping, kind, value key, title.

The data comes from ``data/kpi_catalog.tsv``: the 84 documented (scope, kpi-name) pairs the API
served, and the KPIs only event archives can give (``source`` ``events``: daily and per-treatment
counts per campaign, ...), named in Pinpoint's own scheme and marked :attr:`Kpi.events_only`.
:func:`kpis` lists the API's by default; lookups (:func:`find_kpi`, :func:`get_kpi`) find both,
and the live reader refuses the event-only ones. Facts that
are not documented publicly are flagged on each :class:`Kpi` (``value_key_verified``,
``grouped_by_verified``) and gathered here, in one place, so the rest of the library never guesses:

- the Values key is the KPI's base name in PascalCase (seen in public examples for three KPIs);
- rates are fractions in 0..1;
- the grouping key of the country / error-code KPIs (``CountryCode``, ``ErrorCode``);
- which count KPIs hold a rate's numerator and denominator (:data:`RATE_PARTS`).
"""

from __future__ import annotations

import csv
import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from .errors import InvalidArgumentError, KpiScopeError, UnknownKpiError

__all__ = [
    "KINDS",
    "RATE_PARTS",
    "SCOPES",
    "Kpi",
    "catalog_frame",
    "date_variant",
    "events_only_refusal",
    "find_kpi",
    "get_kpi",
    "kpis",
    "kpis_with_value_key",
    "scopes_of",
]

SCOPES = ("application", "campaign", "journey")
"""The three scopes, named after the operation that serves them."""

KINDS = ("rate", "count", "unique_count", "amount", "average")
"""How a KPI's values combine: ``count`` and ``amount`` add up; ``rate``, ``unique_count`` and
``average`` do not."""

# Value keys of the numerator and denominator of each rate, where a standard count KPI carries
# them. *(unverified)*: the service documents the ratio in words only ("email opens / emails
# delivered"); this mapping is this project's reading of those words onto the count KPIs.
RATE_PARTS: dict[str, tuple[str, str]] = {
    "SuccessfulDeliveryRate": ("SuccessfulDeliveries", "AttemptedDeliveries"),
    "EmailOpenRate": ("DirectEmailOpens", "SuccessfulDeliveries"),
    "PushOpenRate": ("DirectPushOpens", "SuccessfulDeliveries"),
    "HardBounceRate": ("HardBounces", "AttemptedDeliveries"),
    "TxnEmailsComplaintRate": ("TxnEmailsWithComplaints", "TxnEmailsSent"),
    "TxnEmailsDeliveryRate": ("TxnEmailsDelivered", "TxnEmailsSent"),
    "TxnSmsDeliveryRate": ("TxnSmsDelivered", "TxnSmsSent"),
    # no standard KPI: derived from its counts, labelled so (pinpoint_kpi_pandas.derived)
    "ClickRate": ("Clicks", "SuccessfulDeliveries"),
}


@dataclass(frozen=True)
class Kpi:
    """One standard KPI at one scope.

    Attributes
    ----------
    name : str
        The kpi-name of the API, e.g. ``"email-open-rate-grouped-by-campaign"``.
    scope : {"application", "campaign", "journey"}
        The operation that serves it.
    family : str
        The console's section (``campaigns``, ``txn-email``, ``txn-sms``, ``campaign``,
        ``journey``).
    grouped_by : str or None
        The GroupedBys key (``Date``, ``CampaignId``, ...); None for a single-value KPI.
    grouped_by_verified : bool
        False where the key name is an assumption (country and error-code groupings).
    kind : {"rate", "count", "unique_count", "amount", "average"}
        How values combine across rows.
    unit : str
        What one unit of the value is.
    value_key : str
        The Values key, which becomes the frame's column name.
    value_key_verified : bool
        Whether a public example shows this key.
    numerator, denominator : str
        For rates, the documented numerator and denominator, in words; empty otherwise.
    title : str
        The console's title for the chart.
    events_only : bool
        True for the KPIs the API never served, which only event archives give
        (:func:`pinpoint_kpi_pandas.read_pinpoint_events`).

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> kpi = catalog.get_kpi("email-open-rate-grouped-by-campaign-activity", "campaign")
    >>> kpi.grouped_by, kpi.kind, kpi.rate_parts
    ('CampaignActivityId', 'rate', ('DirectEmailOpens', 'SuccessfulDeliveries'))
    """

    name: str
    scope: str
    family: str
    grouped_by: str | None
    grouped_by_verified: bool
    kind: str
    unit: str
    value_key: str
    value_key_verified: bool
    numerator: str
    denominator: str
    title: str
    events_only: bool = False

    @property
    def is_date_grouped(self) -> bool:
        """True for ``-grouped-by-date`` KPIs, the only ones whose windows can be stitched."""
        return self.grouped_by == "Date"

    @property
    def is_additive(self) -> bool:
        """True when values of disjoint rows add up (counts and amounts)."""
        return self.kind in ("count", "amount")

    @property
    def rate_parts(self) -> tuple[str, str] | None:
        """``(numerator_value_key, denominator_value_key)`` for a rate, else None."""
        return RATE_PARTS.get(self.value_key) if self.kind == "rate" else None

    @property
    def short_title(self) -> str:
        """The title without its ``, grouped by ...`` suffix, for axis labels."""
        return self.title.split(", grouped by")[0]

    @property
    def axis_label(self) -> str:
        """An axis label: title and unit (rates as a percentage)."""
        if self.kind == "rate":
            return f"{self.short_title} (%)"
        unit = self.unit.replace(" (assumed)", "")
        return f"{self.short_title} ({unit})"


@functools.cache
def _load() -> tuple[Kpi, ...]:
    text = resources.files(__package__).joinpath("data/kpi_catalog.tsv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    out = []
    for row in rows:
        grouped = row["grouped_by"].strip()
        out.append(
            Kpi(
                name=row["kpi_name"],
                scope=row["scope"],
                family=row["family"],
                grouped_by=grouped.rstrip("*") or None,
                grouped_by_verified=not grouped.endswith("*"),
                kind=row["kind"],
                unit=row["unit"],
                value_key=row["value_key"],
                value_key_verified=row["value_key_verified"] == "yes",
                numerator=row["numerator"],
                denominator=row["denominator"],
                title=row["title"],
                events_only=row["source"] == "events",
            )
        )
    return tuple(out)


@functools.cache
def _index() -> dict[tuple[str, str], Kpi]:
    return {(k.scope, k.name): k for k in _load()}


def kpis(scope: str | None = None, *, include_events_only: bool = False) -> tuple[Kpi, ...]:
    """The standard KPIs, optionally only those of one scope, in catalog order.

    Parameters
    ----------
    scope : {"application", "campaign", "journey"}, optional
        Keep only the KPIs served at this scope.
    include_events_only : bool, default False
        Also list the KPIs only event archives give (:attr:`Kpi.events_only`), after the API's
        ones of each scope; every KPI listed then comes from events.

    Returns
    -------
    tuple of Kpi

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> len(catalog.kpis()), len(catalog.kpis("journey"))
    (84, 18)
    >>> [k.name for k in catalog.kpis("campaign", include_events_only=True) if k.events_only][:2]
    ['attempted-deliveries-grouped-by-date', 'successful-deliveries-grouped-by-date']
    """
    if scope is not None:
        _check_scope(scope)
    return tuple(
        k
        for k in _load()
        if (scope is None or k.scope == scope) and (include_events_only or not k.events_only)
    )


def scopes_of(kpi_name: str) -> tuple[str, ...]:
    """The scopes at which a KPI name exists (empty if it is not a standard name).

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> catalog.scopes_of("unique-deliveries")
    ('application', 'campaign')
    """
    return tuple(s for s in SCOPES if (s, kpi_name) in _index())


def find_kpi(kpi_name: str, scope: str) -> Kpi | None:
    """The catalog entry for ``kpi_name`` at ``scope``, or None when there is none.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> catalog.find_kpi("sms-spend", "campaign").unit, catalog.find_kpi("sms-spend", "journey")
    ('millicents', None)
    """
    return _index().get((scope, kpi_name))


def get_kpi(kpi_name: str, scope: str) -> Kpi:
    """The catalog entry for ``kpi_name`` at ``scope``, or a clear error.

    Parameters
    ----------
    kpi_name : str
        A standard kpi-name, e.g. ``"email-open-rate"``.
    scope : {"application", "campaign", "journey"}
        The scope asked for.

    Returns
    -------
    Kpi

    Raises
    ------
    UnknownKpiError
        The name is not a standard KPI; the message lists the closest names.
    KpiScopeError
        The KPI exists, but at other scopes; the message says which id to pass.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> catalog.get_kpi("email-open-rate", "campaign").value_key
    'EmailOpenRate'
    """
    _check_scope(scope)
    found = find_kpi(kpi_name, scope)
    if found is not None:
        return found
    elsewhere = scopes_of(kpi_name)
    if elsewhere:
        how = {
            "application": "(pass neither campaign_id nor journey_id)",
            "campaign": "(pass campaign_id=)",
            "journey": "(pass journey_id=)",
        }
        fixes = "; ".join(f"at {s} scope {how[s]}" for s in elsewhere)
        raise KpiScopeError(
            f"kpi_name {kpi_name!r} is not offered at {scope} scope; it is offered {fixes}. "
            f"{scope.capitalize()}-scope KPIs include: "
            + ", ".join(k.name for k in kpis(scope)[:6])
            + ", ... (see pinpoint_kpi_pandas.catalog.kpis(scope))."
        )
    suggestions = _suggest(kpi_name, scope)
    hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise UnknownKpiError(
        f"kpi_name {kpi_name!r} is not a standard Pinpoint KPI.{hint} "
        "The full list is pinpoint_kpi_pandas.catalog.kpis().",
        kpi_name=kpi_name,
        suggestions=suggestions,
    )


def date_variant(kpi_name: str, scope: str, *, include_events_only: bool = False) -> Kpi | None:
    """The ``-grouped-by-date`` KPI measuring the same thing as ``kpi_name``, if one exists.

    Only among the API's KPIs unless ``include_events_only``: the live reader cannot serve an
    event-only variant.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> catalog.date_variant("successful-delivery-rate", "campaign").name
    'successful-delivery-rate-grouped-by-date'
    >>> catalog.date_variant("clicks-grouped-by-campaign-activity", "campaign") is None
    True
    >>> catalog.date_variant("clicks-grouped-by-campaign-activity", "campaign",
    ...                      include_events_only=True).name
    'clicks-grouped-by-date'
    """
    base = kpi_name.split("-grouped-by-")[0]
    candidate = find_kpi(f"{base}-grouped-by-date", scope)
    if candidate is None or candidate.name == kpi_name:
        return None
    return candidate if include_events_only or not candidate.events_only else None


def events_only_refusal(kpis: Sequence[Kpi]) -> str:
    """Why the live reader cannot serve the event-only KPIs among ``kpis``, and what to call.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> text = catalog.events_only_refusal([catalog.get_kpi("clicks-grouped-by-date", "campaign")])
    >>> text[:60], "read_pinpoint_events(" in text
    ("kpi_name 'clicks-grouped-by-date': Pinpoint's API never serv", True)
    """
    names = [k.name for k in kpis if k.events_only]
    return (
        f"kpi_name {', '.join(map(repr, names))}: Pinpoint's API never served "
        f"{'this KPI' if len(names) == 1 else 'these KPIs'}; only raw event archives give it. "
        "Read it with pinpoint_kpi_pandas.read_pinpoint_events(source, application_id, "
        "kpi_name, ...), where source is your Firehose archive (a folder, a glob or an s3:// "
        "URI)."
    )


def kpis_with_value_key(
    value_key: str, scope: str | None = None, *, include_events_only: bool = False
) -> tuple[Kpi, ...]:
    """The KPIs whose Values key is ``value_key`` (one column can come from several groupings);
    with ``include_events_only``, the event-only ones too, after the API's.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> [k.name for k in catalog.kpis_with_value_key("DirectEmailOpens", "campaign")]
    ['direct-email-opens-grouped-by-campaign-activity']
    >>> [k.name for k in catalog.kpis_with_value_key("DirectEmailOpens", "campaign",
    ...                                              include_events_only=True)][1:3]
    ['direct-email-opens-grouped-by-date', 'direct-email-opens-grouped-by-treatment']
    """
    found = kpis(scope, include_events_only=include_events_only)
    return tuple(k for k in found if k.value_key == value_key)


def catalog_frame():
    """The catalog as a DataFrame, one row per (scope, kpi-name), for browsing in a notebook
    (the event-only KPIs included, with ``events_only`` True).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(scope, name)``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import catalog
    >>> frame = catalog.catalog_frame()
    >>> frame.loc[("journey", "journey-emails-sent"), "value_key"]
    'JourneyEmailsSent'
    >>> int(frame["events_only"].sum())
    31
    """
    from dataclasses import asdict

    import pandas as pd

    return pd.DataFrame([asdict(k) for k in _load()]).set_index(["scope", "name"])


def _suggest(kpi_name: str, scope: str) -> list[str]:
    names = sorted({k.name for k in _load()})
    same_scope = [k.name for k in kpis(scope, include_events_only=True)]
    close = difflib.get_close_matches(kpi_name, same_scope, n=3, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(kpi_name, names, n=3, cutoff=0.5)
    return close


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise InvalidArgumentError(f"scope must be one of {SCOPES}, not {scope!r}.")
