"""One read, one query: the definitions over the archive's raw tables, run on an engine.

Bad objects are found only when the engine fails to read one (a clean archive costs nothing
extra): DuckDB then parses the objects until every unreadable one is named, and the query is
either refused naming them all or run again without them (``on_bad_file``).
"""

from __future__ import annotations

import os
from datetime import UTC
from typing import Any

from ..errors import BadFileError, InvalidArgumentError
from .query import EventQuery
from .sources import Archive, ArchiveObject

__all__ = [
    "bad_files_text",
    "build_expression",
    "find_bad_objects",
    "prune_partitions",
    "run_query",
    "table_source",
]

_MAX_BAD = 1000  # beyond this many unreadable objects, the archive is not what it seems


def build_expression(query: EventQuery, raw_tables: list[Any]) -> Any:
    """The one ibis expression a read runs: events -> messages -> KPI numerators per group.

    Examples
    --------
    >>> import ibis
    >>> from pinpoint_kpi_pandas.events.query import plan_event_query
    >>> from pinpoint_kpi_pandas.events.schema import FIREHOSE_JSON, ibis_schema
    >>> raw = ibis.table(ibis_schema(FIREHOSE_JSON), name="events")
    >>> q = plan_event_query("a1", "clicks-grouped-by-date", campaign_id="c1")
    >>> build_expression(q, [raw]).columns
    ('resource', 'group', 'first_ms', 'last_ms', 'n__Clicks')
    """
    from .definitions import event_table, kpi_table, message_table
    from .measures import family_of

    families = sorted({family_of(k) for k in query.kpis})
    events = [
        event_table(
            raw,
            query.application_id,
            families=families,
            resource=query.resource,
            resource_ids=query.resource_ids,
        )
        for raw in raw_tables
    ]
    union = events[0] if len(events) == 1 else events[0].union(*events[1:])
    from .query import Window

    windows: list[Window] = query.windows()
    return kpi_table(
        message_table(union, families),
        query.kpis,
        resource=query.resource,
        resource_ids=query.resource_ids,
        send_range=None if windows else query.send_range(),
        windows=windows or None,
    )


def table_source(source: Any, engine: Any, query: EventQuery) -> Any:
    """The engine's table named by ``source`` (``"due_eventdb.all_events"``), or None.

    A table is only looked for when ``source`` is a plain name (no path separator, no URL)
    that is not a local path; a DUE table's ``ingest_timestamp`` partitions are pruned as
    the arrival prefixes of files are.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.events.engines import DuckDBEngine
    >>> from pinpoint_kpi_pandas.events.query import plan_event_query
    >>> engine = DuckDBEngine()
    >>> _ = engine.backend.con.execute("create table all_events as select 1 as event_type")
    >>> query = plan_event_query("a1", "txn-emails-sent")
    >>> table_source("all_events", engine, query).columns, table_source("x/", engine, query)
    (('event_type',), None)
    """
    if not isinstance(source, str) or "/" in source or "://" in source or os.path.exists(source):
        return None
    database, _, name = source.rpartition(".")
    try:
        table = engine.backend.table(name, database=database or None)
    except Exception:  # not a table of this engine: the caller lists it as files
        return None
    return prune_partitions(table, query)


def prune_partitions(table: Any, query: EventQuery) -> Any:
    """``table`` restricted to the ``ingest_timestamp`` partitions of the scanned span (a DUE
    Glue table's arrival hours), if it has that column.

    Examples
    --------
    >>> import ibis
    >>> from pinpoint_kpi_pandas.events.query import plan_event_query
    >>> t = ibis.table({"ingest_timestamp": "timestamp", "event_type": "string"}, name="e")
    >>> q = plan_event_query("a1", "txn-emails-sent", "2026-10-01", "2026-10-01")
    >>> "ingest_timestamp" in str(ibis.to_sql(prune_partitions(t, q), dialect="athena"))
    True
    """
    scan_from, scan_to = query.scan_span()
    if "ingest_timestamp" not in table.columns:
        return table
    import ibis

    def naive(moment):
        return ibis.timestamp(moment.astimezone(UTC).replace(tzinfo=None))

    if scan_from is not None:
        table = table.filter(table.ingest_timestamp >= naive(scan_from))
    if scan_to is not None:
        table = table.filter(table.ingest_timestamp <= naive(scan_to))
    return table


def run_query(
    engine: Any,
    query: EventQuery,
    archive: Archive | None,
    table: Any,
    *,
    on_bad_file: str,
    progress: bool,
) -> tuple[Any, dict[str, str]]:
    """Run the read's expression; (pandas result, {bad object: reason}).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from pinpoint_kpi_pandas.events import example_records
    >>> from pinpoint_kpi_pandas.events.engines import DuckDBEngine
    >>> from pinpoint_kpi_pandas.events.query import plan_event_query
    >>> from pinpoint_kpi_pandas.events.sources import find_archive
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "events.json").write_text(example_records())
    >>> query = plan_event_query("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "txn-emails-sent")
    >>> result, bad = run_query(DuckDBEngine(), query, find_archive(folder), None,
    ...                         on_bad_file="raise", progress=False)
    >>> int(result.loc[0, "n__TxnEmailsSent"]), bad
    (1, {})
    """
    if table is not None:
        return engine.execute(build_expression(query, [table]), progress=progress), {}
    assert archive is not None
    objects = list(archive.objects)
    if not objects:
        raise InvalidArgumentError(
            f"source: {archive.source!r} has no object whose arrival hour can hold the range "
            f"({archive.listed} listed, all outside it); widen the range or lateness=."
        )
    bad: dict[str, str] = {}
    while True:
        try:
            raw = engine.raw_tables(objects, archive)
            return engine.execute(build_expression(query, raw), progress=progress), bad
        except Exception as exc:
            if not engine.unreadable(exc):
                raise
            found = find_bad_objects(objects, archive)
            if not found:
                raise
            bad.update(found)
            objects = [o for o in objects if o.path not in bad]
            if on_bad_file == "raise" or not objects:
                raise BadFileError(bad_files_text(bad), bad_files=sorted(bad.items())) from None


def bad_files_text(bad: dict[str, str], *, left_out: bool = False) -> str:
    """The message naming every unreadable object (the first 20, and how many more).

    Examples
    --------
    >>> print(bad_files_text({"a/x.gz": "Input is not a GZIP stream"}))
    1 archive objects cannot be read:
      a/x.gz: Input is not a GZIP stream
    Repair or remove them, or pass on_bad_file='warn' (or 'skip') to read the rest.
    """
    shown = sorted(bad.items())[:20]
    lines = "\n  ".join(f"{path}: {reason}" for path, reason in shown)
    more = f"\n  ... and {len(bad) - len(shown)} more" if len(bad) > len(shown) else ""
    if left_out:
        return (
            f"{len(bad)} archive objects cannot be read and were left out (none of their "
            f"records is counted):\n  {lines}{more}"
        )
    return (
        f"{len(bad)} archive objects cannot be read:\n  {lines}{more}\nRepair or remove them, "
        "or pass on_bad_file='warn' (or 'skip') to read the rest."
    )


def find_bad_objects(objects: list[ArchiveObject], archive: Archive) -> dict[str, str]:
    """Every object DuckDB cannot read, with DuckDB's reason (one parse per bad object).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from pinpoint_kpi_pandas.events.sources import find_archive
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ok.json").write_text('{"event_type": "_email.send"}\\n')
    >>> _ = (folder / "cut.json").write_text('{"event_type": "_em')
    >>> archive = find_archive(folder)
    >>> [pathlib.Path(p).name for p in find_bad_objects(list(archive.objects), archive)]
    ['cut.json']
    """
    import duckdb

    from .engines import DuckDBEngine

    probe = DuckDBEngine()
    remaining = list(objects)
    bad: dict[str, str] = {}
    while remaining and len(bad) < _MAX_BAD:
        try:
            probe.probe(remaining, archive)
            break
        except (duckdb.IOException, duckdb.InvalidInputException) as exc:
            text = str(exc)
            named = [o for o in remaining if o.path in text]
            if not named:
                return bad
            culprit = max(named, key=lambda o: len(o.path))  # the longest path that matches
            bad[culprit.path] = text.split("\n", 1)[0].split(": ", 1)[-1]
            remaining.remove(culprit)
    return bad
