"""``pinpoint-kpi inventory``: what saved answers a folder holds, file by file, with a status."""

from __future__ import annotations

import argparse
import sys

from ._common import Subparsers

__all__ = ["add_parser", "run"]

_SHOWN = ("path", "kpi_name", "id", "start_time", "end_time", "rows", "status", "reason")


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "inventory",
        help="list what saved answers a folder holds, with a status per file",
        description=(
            "One row per saved file (folders are searched for *.json, globs allowed): its "
            "scope, application, campaign or journey, KPI, window, rows, and a status (ok, "
            "provisional, duplicate, overlaps, listing, bad) with the reason. Exits 1 when some "
            "file is bad, so scripts can check an export folder before reading it."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or glob patterns")
    p.add_argument("--csv", action="store_true", help="CSV (every column) instead of a table")
    p.set_defaults(func=run, command="inventory")


def run(args: argparse.Namespace) -> int:
    """Print the inventory of ``args.paths``; exit status 1 if any file is bad."""
    import pandas as pd

    from ..saved import inventory

    table = inventory(args.paths)
    if args.csv:
        table.to_csv(sys.stdout, index=False)
    else:
        shown = table[list(_SHOWN)].copy()
        for column in ("start_time", "end_time"):
            shown[column] = shown[column].dt.strftime("%Y-%m-%d %H:%M")
        with pd.option_context("display.max_colwidth", None, "display.width", 250):
            print(shown.to_string(index=False))
        counts = table["status"].value_counts()
        print(", ".join(f"{n} {status}" for status, n in counts.items()))
    return 1 if (table["status"] == "bad").any() else 0
