"""``pinpoint-kpi events``: KPIs recomputed from an event archive, into a table."""

from __future__ import annotations

import argparse

from ._common import Subparsers, ids_argument, range_options, target_options
from ._output import OUTPUT_FORMATS, write_table

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "events",
        help="recompute KPIs from a Firehose event archive: CSV on stdout, or -o file",
        description=(
            "Recompute standard KPIs (and the ones only events give, such as "
            "'clicks-grouped-by-date' per campaign) from the events Pinpoint streamed to S3: a "
            "folder, glob or s3:// URI of Firehose objects (JSON, gzip) or DUE Parquet files. Any "
            "range, several KPIs in one scan; the table is the one 'pinpoint-kpi fetch' writes."
        ),
    )
    p.add_argument("source", metavar="SOURCE", help="archive folder, glob or s3:// URI")
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("kpi_names", metavar="KPI", nargs="+", help="KPI name(s) of one grouping")
    range_options(p, archive=True)
    target_options(p)
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="where the query runs (default: duckdb, embedded)",
    )
    p.add_argument(
        "--lateness",
        default="72h",
        metavar="DURATION",
        help="how long after a message its later records may arrive, e.g. 72h or 14D "
        "(default 72h), or 'none'; the read scans that long before --start and after --end",
    )
    p.add_argument(
        "--format", choices=("json", "parquet"), default=None, help="force the objects' format"
    )
    p.add_argument(
        "--on-bad-file",
        choices=("raise", "warn", "skip"),
        default="raise",
        help="an object that cannot be read: stop naming every one (default), or leave it out",
    )
    p.add_argument(
        "--storage-option",
        dest="storage_options",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an s3fs option for s3:// sources (repeatable), e.g. endpoint_url=http://...",
    )
    p.add_argument("--keep-windows", action="store_true", help="one answer per calendar month")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (.csv, .parquet, .json)")
    p.set_defaults(func=run, command="events")


def run(args: argparse.Namespace) -> int:
    """Read the KPIs from the archive and write the table."""
    from ..checks import check_output_file
    from ..errors import InvalidArgumentError
    from ..events import read_pinpoint_events

    if args.output is not None:
        check_output_file(args.output, "output", suffixes=OUTPUT_FORMATS)
    options = {}
    for item in args.storage_options:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidArgumentError(
                f"--storage-option {item!r}: write KEY=VALUE, e.g. endpoint_url=http://127.0.0.1:9000"
            )
        options[key] = value
    kpis = args.kpi_names[0] if len(args.kpi_names) == 1 else args.kpi_names
    frame = read_pinpoint_events(
        args.source,
        args.application_id,
        kpis,
        args.start,
        args.end,
        campaign_id=ids_argument(args.campaign_ids),
        journey_id=ids_argument(args.journey_ids),
        keep_windows=args.keep_windows,
        engine=args.engine,
        lateness=None if args.lateness.lower() == "none" else args.lateness,
        storage_options=options or None,
        format=args.format,
        on_bad_file=args.on_bad_file,
        progress=False,
    )
    write_table(frame, args.output, None)
    return 0
