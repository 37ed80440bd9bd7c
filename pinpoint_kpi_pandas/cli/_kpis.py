"""``pinpoint-kpi kpis``: the catalog of KPIs, filtered by scope, kind, grouping, source, words.

Every KPI the API served can also be rebuilt from an event archive (``pinpoint-kpi events``);
the event-only ones (daily counts per campaign, counts per A/B treatment, ...) only from there.
The ``from`` column says which: ``api`` (the API served it; events rebuild it too) or
``events`` (only an archive gives it).
"""

from __future__ import annotations

import argparse
import sys

from ._common import Subparsers

__all__ = ["COLUMNS", "add_parser", "run"]

COLUMNS = ("scope", "name", "grouping", "kind", "from", "title")
"""The columns listed, in order."""


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    from .. import catalog

    every = catalog.kpis(include_events_only=True)
    groupings = sorted({k.grouped_by for k in every if k.grouped_by})
    p = subparsers.add_parser(
        "kpis",
        help="list the KPI names (scope, grouping, kind, source, title); filterable",
        description=(
            "List the KPIs this library reads: the scope that serves each (application: no id; "
            "campaign: --campaign; journey: --journey), its name, the grouping of its rows, its "
            "kind (how values add up), where it comes from ('api': Pinpoint's API "
            "served it and an event archive rebuilds it; 'events': only an event archive gives "
            "it, with `pinpoint-kpi events`) and its title. Filters combine."
        ),
    )
    p.add_argument(
        "words",
        metavar="WORD",
        nargs="*",
        help="keep KPIs whose name or title holds every WORD (any case), e.g. open rate",
    )
    p.add_argument("--scope", choices=catalog.SCOPES, help="only this scope")
    p.add_argument("--kind", choices=catalog.KINDS, help="only this kind")
    p.add_argument(
        "--grouping",
        choices=[*groupings, "none"],
        metavar="KEY",
        help=f"only KPIs grouped by KEY ({', '.join(groupings)}), or 'none' for single values",
    )
    p.add_argument(
        "--from",
        dest="source",
        choices=("api", "events"),
        help="only KPIs the API served (api), or only those an event archive alone gives (events)",
    )
    p.add_argument("--csv", action="store_true", help="CSV instead of an aligned table")
    p.set_defaults(func=run, command="kpis")


def run(args: argparse.Namespace) -> int:
    """Print the KPIs that pass every filter."""
    from .. import catalog

    words = [w.lower() for w in args.words]
    rows = []
    for kpi in catalog.kpis(args.scope, include_events_only=True):
        grouping = kpi.grouped_by or "none"
        source = "events" if kpi.events_only else "api"
        text = f"{kpi.name} {kpi.title}".lower()
        if args.kind not in (None, kpi.kind) or args.grouping not in (None, grouping):
            continue
        if args.source not in (None, source):
            continue
        if all(w in text for w in words):
            rows.append((kpi.scope, kpi.name, grouping, kpi.kind, source, kpi.title))
    if args.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return 0
    if not rows:
        print("no KPI matches; `pinpoint-kpi kpis` lists them all", file=sys.stderr)
        return 0
    widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    for row in [COLUMNS, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return 0
