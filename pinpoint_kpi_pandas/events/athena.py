"""The same KPI query as Athena SQL, for events kept as a Glue table.

Users of AWS's "digital user engagement events database" solution (or any Glue table over the
Firehose archive) can run the very definitions :func:`~pinpoint_kpi_pandas.read_pinpoint_events`
runs, in Athena: :func:`athena_sql` compiles them (ibis, offline, no AWS call) over the table's
declared schema, with the ``ingest_timestamp`` partitions pruned as the reader prunes arrival
prefixes. The result has one column per grouping key (``Date`` as a date) and one per KPI,
named by its value key, with the service's presence rules (a rate is NULL where its denominator
is zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from ..dates import DateLike
from .query import plan_event_query
from .sources import DEFAULT_LATENESS

__all__ = ["athena_sql"]


def athena_sql(
    application_id: str,
    kpi_name: str | Sequence[str],
    start_time: DateLike | None = None,
    end_time: DateLike | None = None,
    *,
    campaign_id: str | Sequence[str] | None = None,
    journey_id: str | Sequence[str] | None = None,
    keep_windows: bool = False,
    table: str = "all_events",
    database: str | None = None,
    lateness: timedelta | str | None = DEFAULT_LATENESS,
    metrics_as_map: bool = False,
) -> str:
    """The Athena (Trino) SQL of a KPI read, over a Glue table of Pinpoint events.

    Parameters
    ----------
    application_id, kpi_name, start_time, end_time, campaign_id, journey_id, keep_windows
        As for :func:`~pinpoint_kpi_pandas.read_pinpoint_events`.
    table, database : str
        The Glue table (default ``all_events``, the DUE solution's) and its database.
    lateness : timedelta, str or None
        How far past ``end_time`` the ``ingest_timestamp`` partitions are scanned.
    metrics_as_map : bool, default False
        The table declares ``metrics`` as ``map<string,double>`` (a Glue crawler over the raw
        JSON) rather than the DUE solution's ``struct<price_in_millicents_usd:double>``.

    Returns
    -------
    str
        One ``SELECT`` statement.

    Examples
    --------
    >>> sql = athena_sql("a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
    ...                  ["direct-email-opens-grouped-by-date",
    ...                   "successful-deliveries-grouped-by-date"],
    ...                  "2025-01-01", "2025-12-31", campaign_id="c1", database="due_eventdb")
    >>> "FROM \\"due_eventdb\\".\\"all_events\\"" in sql, "ingest_timestamp" in sql
    (True, True)
    """
    import ibis

    from .measures import measure_of
    from .run import build_expression, prune_partitions
    from .schema import DUE_PARQUET, FIREHOSE_JSON, ibis_schema

    query = plan_event_query(
        application_id,
        kpi_name,
        start_time,
        end_time,
        campaign_id=campaign_id,
        journey_id=journey_id,
        keep_windows=keep_windows,
        lateness=lateness,
    )
    fields = DUE_PARQUET
    if metrics_as_map:
        metrics = dict(FIREHOSE_JSON)["metrics"]
        fields = tuple((n, metrics if n == "metrics" else k) for n, k in DUE_PARQUET)
    raw = ibis.table(ibis_schema(fields), name=table, database=database)
    counts = build_expression(query, [prune_partitions(raw, query)])
    columns = {}
    if "resource" in counts.columns:
        columns[query.id_level or ("CampaignId" if query.scope == "campaign" else "JourneyId")] = (
            counts.resource
        )
    if "window" in counts.columns:
        columns["Window"] = counts.window
    grouped_by = query.kpis[0].grouped_by
    if grouped_by == "Date":
        columns["Date"] = (counts.group * 86_400).as_timestamp("s").date()
    elif grouped_by is not None:
        columns[grouped_by] = counts.group
    values = {}
    for kpi in query.kpis:
        numerator = counts[f"n__{kpi.value_key}"]
        if measure_of(kpi).how == "ratio":
            denominator = counts[f"d__{kpi.value_key}"]
            value = ibis.ifelse(denominator > 0, numerator.cast("float64") / denominator, None)
        else:
            value = ibis.ifelse(numerator > 0, numerator, None)
        values[kpi.value_key] = value
    result = counts.select(**columns, **values, first_ms=counts.first_ms)
    result = result.filter(ibis.or_(*(result[key].notnull() for key in values)))
    result = result.order_by("first_ms").drop("first_ms")
    return str(ibis.to_sql(result, dialect="athena"))
