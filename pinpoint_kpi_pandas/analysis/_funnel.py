"""The delivery funnel: its stages, the KPIs that feed them, and each stage's total per id.

Defined once here, for the chart, the dashboard's table, the demo and the messages that name
what to read: a stage is a label and the count columns that add up to it, each column the value
key of one per-run count KPI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import InvalidArgumentError
from ._aggregate import total
from ._columns import entity_level
from ._meta import frame_meta

__all__ = [
    "FUNNEL_KPIS",
    "FUNNEL_STAGES",
    "JOURNEY_FUNNEL_KPIS",
    "JOURNEY_FUNNEL_STAGES",
    "FunnelShares",
    "Stages",
    "funnel_kpis",
    "funnel_shares",
    "funnel_stages",
    "funnel_totals",
    "missing_stages_message",
    "present_stages",
    "stages_for",
]

Stages = Sequence[tuple[str, Sequence[str]]]
"""Funnel stages: ``(label, count columns)`` pairs, the first the 100% reference."""

# (stage, {count column: the KPI that reports it per run}): the one table everything follows.
_CAMPAIGN = (
    ("Sent", {"AttemptedDeliveries": "attempted-deliveries-grouped-by-campaign-activity"}),
    ("Delivered", {"SuccessfulDeliveries": "successful-deliveries-grouped-by-campaign-activity"}),
    (
        "Opened",
        {
            "DirectEmailOpens": "direct-email-opens-grouped-by-campaign-activity",
            "DirectPushOpens": "direct-push-opens-grouped-by-campaign-activity",
        },
    ),
    ("Clicked", {"Clicks": "clicks-grouped-by-campaign-activity"}),
)
_JOURNEY = (
    ("Sent", {"EmailsSent": "emails-sent-grouped-by-journey-activity"}),
    ("Delivered", {"EmailsDelivered": "emails-delivered-grouped-by-journey-activity"}),
    ("Opened", {"EmailsOpened": "emails-opened-grouped-by-journey-activity"}),
    ("Clicked", {"EmailsClicked": "emails-clicked-grouped-by-journey-activity"}),
)

FUNNEL_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (label, tuple(columns)) for label, columns in _CAMPAIGN
)
"""Funnel stages and the count columns that feed them (opens: email and push added up)."""
FUNNEL_KPIS: tuple[str, ...] = tuple(kpi for _, columns in _CAMPAIGN for kpi in columns.values())
"""The campaign-scope count KPIs the funnel reads (events add up over campaign runs)."""
JOURNEY_FUNNEL_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (label, tuple(columns)) for label, columns in _JOURNEY
)
"""A journey's email funnel: sent, delivered, opened, clicked, per journey activity."""
JOURNEY_FUNNEL_KPIS: tuple[str, ...] = tuple(
    kpi for _, columns in _JOURNEY for kpi in columns.values()
)
"""The journey-scope count KPIs the journey funnel reads."""


def funnel_stages(scope: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The funnel of a scope: journeys' email funnel, else the campaigns' delivery funnel.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import funnel_stages
    >>> [label for label, _ in funnel_stages("campaign")]
    ['Sent', 'Delivered', 'Opened', 'Clicked']
    >>> funnel_stages("journey")[0]
    ('Sent', ('EmailsSent',))
    """
    return JOURNEY_FUNNEL_STAGES if scope == "journey" else FUNNEL_STAGES


def funnel_kpis(scope: str | None) -> tuple[str, ...]:
    """The KPIs to read for :func:`funnel_stages` of ``scope``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import funnel_kpis
    >>> funnel_kpis("campaign")[0]
    'attempted-deliveries-grouped-by-campaign-activity'
    """
    return JOURNEY_FUNNEL_KPIS if scope == "journey" else FUNNEL_KPIS


def present_stages(columns: Sequence[str], stages: Stages) -> list[tuple[str, list[str]]]:
    """The stages with the columns of each that ``columns`` has (stages with none left out).

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import FUNNEL_STAGES, present_stages
    >>> present_stages(["AttemptedDeliveries", "Clicks"], FUNNEL_STAGES)
    [('Sent', ['AttemptedDeliveries']), ('Clicked', ['Clicks'])]
    """
    present = [(label, [c for c in cols if c in columns]) for label, cols in stages]
    return [(label, cols) for label, cols in present if cols]


def funnel_totals(data: pd.DataFrame, level: str, stages: Stages) -> pd.DataFrame:
    """Each stage's total per value of ``level``: the one rule the chart and the dashboard share.

    The stage columns are totalled per id as :func:`pinpoint_kpi_pandas.accessor.total` does
    (so only additive counts are accepted), and a stage is the sum of its columns. A stage
    with no value for an id (e.g. email opens of an SMS campaign) is NaN, "no data", never 0.

    Parameters
    ----------
    data : pandas.DataFrame
        A frame with the stages' count columns and the ``level`` index level.
    level : str
        The index level whose values get one row each (in frame order).
    stages : list of (label, columns)
        The stages; columns absent from ``data`` are ignored.

    Returns
    -------
    pandas.DataFrame
        One column per stage, indexed by ``level``: integers (nullable ``Int64``, ``<NA>``
        where a stage has no data) when its counts are, else floats.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.plotting import funnel_totals
    >>> runs = pd.DataFrame(
    ...     {"SuccessfulDeliveries": [9, 18, 5],
    ...      "DirectEmailOpens": pd.array([3, 6, None], dtype="Int64")},  # as a read gives
    ...     index=pd.MultiIndex.from_tuples([("a", "r1"), ("a", "r2"), ("b", "r3")],
    ...                                     names=["CampaignId", "CampaignActivityId"]))
    >>> funnel_totals(runs, "CampaignId", [("Delivered", ["SuccessfulDeliveries"]),
    ...                                    ("Opened", ["DirectEmailOpens"])])
                Delivered  Opened
    CampaignId
    a                  27       9
    b                   5    <NA>
    """
    present = present_stages([str(c) for c in data.columns], stages)
    needed = list(dict.fromkeys(c for _, cols in present for c in cols))
    per = total(data[needed], by=[level])
    # Counts stay integers; a stage may miss for some ids (no email opens of an SMS campaign).
    per = per.astype({c: "Int64" for c, dtype in per.dtypes.items() if dtype.kind in "iu"})
    return pd.DataFrame({label: per[cols].sum(axis=1, min_count=1) for label, cols in present})


def stages_for(data: pd.DataFrame) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The funnel a frame can show: by its scope, else by which first stage's column it has.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import stages_for
    >>> stages_for(pd.DataFrame({"EmailsSent": [3], "EmailsOpened": [1]}))[0][1]
    ('EmailsSent',)
    """
    scope = frame_meta(data).get("scope")
    if scope not in ("campaign", "journey"):
        columns = {str(c) for c in data.columns}
        journey_first = JOURNEY_FUNNEL_STAGES[0][1][0] in columns
        scope = "journey" if journey_first and FUNNEL_STAGES[0][1][0] not in columns else None
    return funnel_stages(scope)


@dataclass(frozen=True)
class FunnelShares:
    """A funnel ready to draw: stage totals and shares of the first stage, largest first.

    Attributes
    ----------
    stages : list of (label, columns)
        The stages shown (those with a column in the frame).
    totals : pandas.DataFrame
        Each stage's total per id (rows sorted by the first stage, largest first).
    shares : pandas.DataFrame
        ``totals`` over the first stage's total (NaN where it is not positive, or no data).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import funnel_shares
    >>> df = pd.DataFrame({"AttemptedDeliveries": [10, 20], "SuccessfulDeliveries": [9, 10]},
    ...                   index=pd.Index(["a", "b"], name="CampaignId"))
    >>> funnel_shares(df, "CampaignId").shares["Delivered"].tolist()
    [0.5, 0.9]
    """

    stages: list[tuple[str, list[str]]]
    totals: pd.DataFrame
    shares: pd.DataFrame


def funnel_shares(
    data: pd.DataFrame, by: str | None = None, stages: Stages | None = None
) -> FunnelShares:
    """Stage totals per value of ``by`` and their shares of the first stage.

    ``by`` defaults to the first campaign or journey level (as for ``compare()``), ``stages``
    to :func:`stages_for` the frame. The frame needs the first stage's column and at least one
    more stage; otherwise the message names the KPIs to read.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import funnel_shares
    >>> funnel_shares(pd.DataFrame({"Clicks": [1]}), "CampaignId")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: plot_funnel needs the first stage's count ...
    """
    stages = list(stages or stages_for(data))
    columns = [str(c) for c in data.columns]
    present = present_stages(columns, stages)
    if len(present) < 2 or present[0][0] != stages[0][0]:
        scope = "journey" if stages == list(JOURNEY_FUNNEL_STAGES) else "campaign"
        raise InvalidArgumentError(
            "plot_funnel needs the first stage's count and at least one more: "
            + ", ".join(f"{label} ({' or '.join(cols)})" for label, cols in stages)
            + f"; the frame has {', '.join(columns)}. At {scope} scope read e.g. kpi_name=["
            + ", ".join(repr(k) for k in funnel_kpis(scope))
            + "]."
        )
    totals = funnel_totals(data, entity_level(data, by), present)
    reference = totals.iloc[:, 0]
    totals = totals.loc[reference.sort_values(ascending=False).index]
    reference = totals.iloc[:, 0].astype("float64")
    shares = totals.astype("float64").div(reference.where(reference > 0), axis=0)
    return FunnelShares(present, totals, shares)


def missing_stages_message(columns: Sequence[str], scope: str | None) -> str | None:
    """What to read when a frame lacks a column for some funnel stage (None: it has them all).

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import missing_stages_message
    >>> missing_stages_message(["AttemptedDeliveries"], "campaign")  # doctest: +ELLIPSIS
    'the funnel needs the columns SuccessfulDeliveries, DirectEmailOpens, Clicks; read the KPIs ...'
    """
    stages = funnel_stages(scope)
    missing = [cols[0] for _, cols in stages if not any(c in columns for c in cols)]
    if not missing:
        return None
    return (
        f"the funnel needs the columns {', '.join(missing)}; read the KPIs "
        f"{', '.join(funnel_kpis(scope))} for these {scope or 'campaign'}s (or pick another chart)."
    )
