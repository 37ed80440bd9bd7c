"""``read_pinpoint_events``: the frame ``read_pinpoint_kpi`` gives, recomputed from event archives.

Data flows one way: arguments -> :func:`~.query.plan_event_query` -> :func:`~.sources.find_archive`
(listing, pruned by arrival hour) -> one engine query (:mod:`.definitions` on :mod:`.engines`)
-> per-KPI rows -> the one assembly path of the saved and live readers
(:func:`~pinpoint_kpi_pandas.frame.kpi_frame` and :func:`~pinpoint_kpi_pandas.frame.assemble`)
-> a DataFrame whose index, columns, dtypes and ``attrs`` are those of the live read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pandas as pd

from ..dates import DateLike, format_instant
from ..errors import BadFileWarning, CoverageWarning, InvalidArgumentError, warn_user
from ..frame import DtypeBackend, check_dtype_backend
from .coverage import coverage_problems
from .query import EventQuery, plan_event_query
from .rows import frame_from_rows
from .run import bad_files_text
from .sources import DEFAULT_LATENESS, find_archive

__all__ = ["read_pinpoint_events"]


def read_pinpoint_events(
    source: str | os.PathLike | Sequence[str | os.PathLike],
    application_id: str,
    kpi_name: str | Sequence[str],
    start_time: DateLike | None = None,
    end_time: DateLike | None = None,
    *,
    campaign_id: str | Sequence[str] | None = None,
    journey_id: str | Sequence[str] | None = None,
    keep_windows: bool = False,
    engine: Any = None,
    lateness: timedelta | str | None = DEFAULT_LATENESS,
    storage_options: dict | None = None,
    format: Literal["json", "parquet"] | None = None,
    on_bad_file: Literal["raise", "warn", "skip"] = "raise",
    dtype_backend: DtypeBackend | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Recompute Pinpoint KPIs from raw event archives: the frame ``read_pinpoint_kpi`` gives.

    Pinpoint's KPI API ended on 2026-10-30 and only ever held 90 days; the events a project
    streamed to S3 through Kinesis Data Firehose hold its whole history. This reads them and
    returns, for every catalog KPI they can give, the frame a live read returns for the same
    arguments (index levels, columns, dtypes, ``attrs["pinpoint"]`` with source ``"events"``),
    for any range, plus the KPIs only events give (``catalog.kpis(include_events_only=True)``:
    daily sends, deliveries, opens and clicks per campaign, per A/B treatment, ...). Several
    KPIs are computed in one scan.

    Parameters
    ----------
    source : str, path, or list of them
        The archive: local folders (searched recursively), files, globs, or ``s3://`` URIs of
        the same. Firehose objects are JSON (one record per line, or objects back to back),
        plain or gzip, under ``YYYY/MM/DD/HH/`` arrival prefixes; Parquet files as AWS's
        "digital user engagement events database" solution writes them
        (``events/YYYY/MM/DD/HH/``) are read too. With a Spark or ibis ``engine``, a table
        name (``"due_eventdb.all_events"``) reads that table instead.
    application_id : str
        The project id (``application.app_id`` in the records).
    kpi_name : str or list of str
        Catalog KPI names of one grouping (see :func:`pinpoint_kpi_pandas.catalog.kpis`), in
        catalog order in the frame whatever the order given. A metric events cannot give
        (journey execution metrics, transactional push, ...) is refused saying why.
    start_time, end_time : str, date, datetime or Timestamp, optional
        The inclusive range of **send** times, as for ``read_pinpoint_kpi`` (a date alone is
        the whole UTC day), without its 31-day or 90-day limits. None: from the archive's
        first event, or to its last.
    campaign_id, journey_id : str, list of str or "all", optional
        As for ``read_pinpoint_kpi``; ``"all"`` means every campaign (journey) found in the
        events, in the order of their first message in the range.
    keep_windows : bool, default False
        Give one answer per calendar month under a ``Window`` level, as the live reader does.
        Not needed for exactness here: any range is computed exactly.
    engine : None, "duckdb", "spark", SparkSession, duckdb connection or ibis backend
        Where the query runs: DuckDB embedded by default; Spark for archives beyond one
        machine.
    lateness : timedelta, str or None, default 72 hours
        How long after a message's first record its later records may still arrive (SMS
        carrier receipts: up to 72 hours). The read scans the prefixes from ``lateness``
        before ``start_time`` to ``lateness`` after ``end_time``: shorter than the real delays,
        it misses late records of the last days and can count a late receipt of a message
        sent before the range as a message of its first day. None scans the whole archive
        (email complaints arrive in weekly or monthly digests).
    storage_options : dict, optional
        For ``s3://`` sources, handed to s3fs as pandas' readers do (``key``, ``secret``,
        ``endpoint_url``, ``anon``, ...). ``AWS_ENDPOINT_URL_S3`` is honoured.
    format : {None, "json", "parquet"}
        Force the format; by default each object's name (or first bytes) decides.
    on_bad_file : {"raise", "warn", "skip"}, default "raise"
        An object that cannot be read (corrupt gzip, truncated JSON): ``"raise"`` names every
        such object; ``"warn"`` leaves them out and warns naming them; ``"skip"`` leaves them
        out silently. Either way they are listed in ``attrs["pinpoint"]["skipped_files"]``,
        and no record of a bad object is counted.
    dtype_backend : {None, "numpy_nullable", "pyarrow"}, default None
        As in :func:`pandas.read_csv`.
    progress : bool, optional
        A tqdm bar following the scan (DuckDB). Default: in notebooks and terminals only.

    Returns
    -------
    pandas.DataFrame
        As :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi` returns; ``attrs["pinpoint"]`` (the
        frame contract, source ``"events"``) adds ``engine``, ``archive`` (the source) and
        ``objects`` (the number scanned).

    Raises
    ------
    InvalidArgumentError, ArgumentTypeError, UnknownKpiError, KpiScopeError
        Bad arguments, before any file is listed.
    BadFileError
        ``on_bad_file="raise"`` and some objects cannot be read: every one is named.

    See Also
    --------
    pinpoint_kpi_pandas.events.athena_sql : The same KPI query as Athena SQL.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.events import example_records
    >>> archive = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (archive / "events.json").write_text(example_records())
    >>> ppk.read_pinpoint_events(archive, "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
    ...                          ["txn-emails-sent", "txn-emails-delivered"])
       TxnEmailsDelivered  TxnEmailsSent
    0                   1              1
    >>> ppk.read_pinpoint_events(archive, "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
    ...                          "successful-deliveries-grouped-by-date", campaign_id="all")
                                                 SuccessfulDeliveries
    CampaignId                       Date
    52dc44b35c4742c98c5935269example 2019-03-20                     1
    4f8d6097c2e8400fa3081d875example 2019-07-02                     1
    """
    check_dtype_backend(dtype_backend)
    if on_bad_file not in ("raise", "warn", "skip"):
        raise InvalidArgumentError(
            f"on_bad_file must be 'raise', 'warn' or 'skip', not {on_bad_file!r}."
        )
    if progress is not None and not isinstance(progress, bool):
        raise InvalidArgumentError(f"progress must be True, False or None, not {progress!r}.")
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
    from .engines import resolve_engine
    from .run import run_query, table_source

    runner = resolve_engine(engine)
    table = table_source(source, runner, query)
    archive = None
    if table is None:
        scan_from, scan_to = query.scan_span()
        archive = find_archive(
            source,
            scan_from=scan_from,
            scan_to=scan_to,
            storage_options=storage_options,
            file_format=format,
        )
        for problem in coverage_problems(archive, query):
            warn_user(f"{problem} ({archive.source})", CoverageWarning)
    show = _show_progress(progress)
    result, bad = run_query(runner, query, archive, table, on_bad_file=on_bad_file, progress=show)
    if bad and on_bad_file == "warn":
        warn_user(bad_files_text(bad, left_out=True), BadFileWarning)
    scanned = len(archive.objects) - len(bad) if archive is not None else 0
    if scanned and not result["first_ms"].notna().any():
        # a wrong id reads as an empty frame, where the API would have answered 404: say so
        which = f" for the {query.scope}s asked for" if query.resource_ids else ""
        warn_user(
            f"no message of application {application_id}{which} was sent in the range, in the "
            f"{scanned:,} objects scanned ({archive.source if archive else source}): this "
            "frame holds no data. Check application_id (the records' application.app_id) and "
            "the ids, or the range.",
            CoverageWarning,
        )
    elif scanned and query.resource_ids and "resource" in result:
        _warn_of_ids_without_messages(query, result, scanned, archive.source if archive else source)
    extra = {
        "engine": runner.name,
        "archive": archive.source if archive is not None else str(source),
        "objects": len(archive.objects) - len(bad) if archive is not None else None,
    }
    contract = {
        "skipped_files": tuple(sorted(bad.items())),
        "retrieved_at": format_instant(datetime.now(UTC)),
        "extra": extra,
    }
    as_of = archive.as_of if archive is not None else None
    return frame_from_rows(
        result, query, dtype_backend=dtype_backend, contract=contract, as_of=as_of
    )


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    import sys

    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython else None
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _warn_of_ids_without_messages(
    query: EventQuery, result: pd.DataFrame, scanned: int, where: object
) -> None:
    """Ids asked for that sent no message in the range: the API would answer 404 for an id that
    is not the project's, where an archive can only say it holds nothing of it."""
    asked = query.resource_ids or ()
    sent = set(result.loc[result["first_ms"].notna(), "resource"].astype(str))
    silent = [i for i in asked if i not in sent]
    if not silent:
        return
    listed = ", ".join(silent[:5]) + (f" and {len(silent) - 5} more" if len(silent) > 5 else "")
    them = "it" if len(silent) == 1 else "them"
    warn_user(
        f"no message of {len(silent)} of the {len(asked)} {query.scope}s asked for "
        f"was sent in the range, in the {scanned:,} objects scanned ({where}): {listed}. This "
        f"frame has no data for {them}, as for a {query.scope} that sent nothing; an id that is "
        "not this application's (a typo) looks the same here, where the API would have "
        "answered 404. Check the ids if that is not expected.",
        CoverageWarning,
    )
