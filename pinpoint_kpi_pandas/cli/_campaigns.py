"""``pinpoint-kpi campaigns``: list a project's campaigns (or journeys)."""

from __future__ import annotations

import argparse
import sys

from ._common import Subparsers, client_options_of, service_options, store_options

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "campaigns",
        parents=[service_options()],
        help="list a project's campaigns (or journeys)",
        description="List a project's campaigns (or, with --journeys, its journeys) as a table.",
    )
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("--journeys", action="store_true", help="list journeys instead")
    p.add_argument("--csv", action="store_true", help="CSV instead of an aligned table")
    store_options(p)
    p.set_defaults(func=run, command="campaigns")


def run(args: argparse.Namespace) -> int:
    """Print the project's campaigns (or journeys) as a table, or CSV."""
    from ..listing import list_campaigns, list_journeys

    reach = client_options_of(args)
    listing = list_journeys if args.journeys else list_campaigns
    frame = listing(
        args.application_id, client_options=reach, cache=args.cache, offline=args.offline
    )
    if args.csv:
        frame.to_csv(sys.stdout)
        return 0
    shown = [c for c in ("Name", "Channel", "State", "StartTime", "Activities") if c in frame]
    table = frame[shown].copy()
    if "StartTime" in table:
        table["StartTime"] = table["StartTime"].dt.strftime("%Y-%m-%d %H:%M")
    print(table.to_string() if len(table) else f"no {'journeys' if args.journeys else 'campaigns'}")
    return 0
