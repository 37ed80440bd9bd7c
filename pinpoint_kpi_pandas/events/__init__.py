"""KPIs from raw event archives: :func:`read_pinpoint_events` and :func:`athena_sql`.

Pinpoint's KPI API ended on 2026-10-30 and kept 90 days; the events a project streamed to S3
(Kinesis Data Firehose) keep its whole history. This package recomputes the standard KPIs (and
the ones only events give) from those archives, with one engine-neutral definition per KPI
(ibis expressions, :mod:`.definitions`) run on DuckDB embedded by default, on Spark at scale, or
compiled to Athena SQL.

Modules: :mod:`.query` (arguments), :mod:`.sources` (listing, pruning), :mod:`.schema`,
:mod:`.definitions`, :mod:`.engines`, :mod:`.run`, :mod:`.rows` (to the frame), :mod:`.athena`,
:mod:`.examples` (AWS's documented records). DuckDB, ibis and PySpark load on first use.
"""

from __future__ import annotations

from .athena import athena_sql
from .examples import email_engagement_records, example_records
from .reader import read_pinpoint_events
from .sources import DEFAULT_LATENESS

__all__ = [
    "DEFAULT_LATENESS",
    "athena_sql",
    "email_engagement_records",
    "example_records",
    "read_pinpoint_events",
]
