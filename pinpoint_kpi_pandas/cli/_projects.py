"""``pinpoint-kpi projects``: list the projects (applications) the credentials can see."""

from __future__ import annotations

import argparse
import sys

from ._common import Subparsers, client_options_of, service_options

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "projects",
        parents=[service_options()],
        help="list the projects (applications): the APP ids the other commands take",
        description="List the Pinpoint projects (applications) in this Region as a table.",
    )
    p.add_argument("--csv", action="store_true", help="CSV instead of an aligned table")
    p.set_defaults(func=run, command="projects")


def run(args: argparse.Namespace) -> int:
    """Print the projects as a table, or CSV."""
    from ..listing import list_applications

    frame = list_applications(client_options=client_options_of(args))
    if args.csv:
        frame.to_csv(sys.stdout)
        return 0
    table = frame[[c for c in ("Name", "CreationDate") if c in frame]].copy()
    if "CreationDate" in table:
        table["CreationDate"] = table["CreationDate"].dt.strftime("%Y-%m-%d")
    print(table.to_string() if len(table) else "no projects")
    return 0
