"""``pinpoint-kpi fetch``: read KPIs into a table (CSV on stdout, or a file)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ._common import (
    Subparsers,
    client_options_of,
    ids_argument,
    range_options,
    service_options,
    store_options,
    target_options,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_parser", "run", "write_frame"]

_OUTPUT_FORMATS = (".csv", ".parquet", ".json")


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "fetch",
        parents=[service_options()],
        help="read KPIs into a table: CSV on stdout, or -o file.csv|.parquet|.json",
        description=(
            "Read one or more standard KPIs (one wide table, joined on the grouping) and write "
            "them as CSV to stdout, or to a .csv, .parquet or .json file. Ranges over 31 days "
            "are split at calendar months for '-grouped-by-date' KPIs; for other KPIs pass "
            "--keep-windows to get one answer per month."
        ),
    )
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("kpi_names", metavar="KPI", nargs="+", help="standard KPI name(s)")
    range_options(p)
    target_options(p)
    store_options(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (.csv, .parquet, .json)")
    p.add_argument(
        "--names", action="store_true", help="replace campaign / journey ids with their names"
    )
    p.add_argument(
        "--keep-windows",
        action="store_true",
        help="one answer per calendar month under a Window column, for KPIs that cannot be "
        "stitched over more than 31 days",
    )
    p.set_defaults(func=run, command="fetch")


def run(args: argparse.Namespace) -> int:
    """Read the KPIs (and the names, with --names) and write the table."""
    from pathlib import Path

    from ..analysis import label
    from ..errors import InvalidArgumentError
    from ..reader import read_pinpoint_kpi

    if args.output and Path(args.output).suffix.lower() not in _OUTPUT_FORMATS:
        raise InvalidArgumentError(
            f"-o {args.output!r}: the file name must end in {', '.join(_OUTPUT_FORMATS)}."
        )
    kpis = args.kpi_names[0] if len(args.kpi_names) == 1 else args.kpi_names
    reach = client_options_of(args)
    frame = read_pinpoint_kpi(
        args.application_id,
        kpis,
        args.start,
        args.end,
        campaign_id=ids_argument(args.campaign_ids),
        journey_id=ids_argument(args.journey_ids),
        keep_windows=args.keep_windows,
        cache=args.cache,
        offline=args.offline,
        progress=False,
        client_options=reach,
    )
    if args.names:
        frame = label(frame, cache=args.cache, offline=args.offline, client_options=reach)
    write_frame(frame, args.output)
    return 0


def write_frame(frame: pd.DataFrame, output: str | None) -> None:
    """Write ``frame`` as CSV to stdout, or to ``output`` (.csv, .parquet or .json records)."""
    from pathlib import Path

    import pandas as pd

    keep_index = not isinstance(frame.index, pd.RangeIndex)
    if output is None:
        frame.to_csv(sys.stdout, index=keep_index)
        return
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=keep_index)
    elif suffix == ".parquet":
        frame.to_parquet(path)
    else:
        flat = frame.reset_index() if keep_index else frame.copy()
        for column in flat.columns:
            if pd.api.types.is_datetime64_any_dtype(flat[column]):
                flat[column] = flat[column].dt.strftime("%Y-%m-%d")
        flat.to_json(path, orient="records", indent=2)
    print(f"wrote {len(frame)} rows to {path}", file=sys.stderr)
