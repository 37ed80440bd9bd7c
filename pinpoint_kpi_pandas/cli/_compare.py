"""``pinpoint-kpi compare``: campaigns against a baseline on one metric (table, PNG, CSV)."""

from __future__ import annotations

import argparse
import sys

from ._common import (
    Subparsers,
    client_options_of,
    ids_argument,
    range_options,
    service_options,
    store_options,
    target_options,
)

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "compare",
        parents=[service_options()],
        help="compare campaigns on a KPI against a baseline (table, and a PNG chart)",
        description=(
            "Compare campaigns (or journeys) on one metric against a baseline. Give the rate "
            "with its count KPIs (e.g. the -grouped-by-campaign-activity counts) to get Wilson "
            "intervals and two-proportion tests; ranges over 31 days are read window by window "
            "and combined exactly (counts summed, rates recomputed from them)."
        ),
    )
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("kpi_names", metavar="KPI", nargs="+", help="standard KPI name(s)")
    range_options(p)
    target_options(p, default_all=True)
    store_options(p)
    p.add_argument("--metric", help="the column to compare, e.g. EmailOpenRate (default: a rate)")
    p.add_argument("--baseline", metavar="ID|NAME", help="what to compare against (default: first)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--png", metavar="FILE", help="also draw the comparison into FILE")
    p.add_argument("--csv", metavar="FILE", help="also write the comparison table to FILE")
    p.add_argument("--no-names", action="store_true", help="show ids, not names")
    p.set_defaults(func=run, command="compare")


def run(args: argparse.Namespace) -> int:
    """Read, label and compare; print the table, and write the CSV and PNG asked for."""
    from .. import catalog
    from ..analysis import compare, label
    from ..demo import format_comparison
    from ..plan import resolve_range, unstitchable
    from ..reader import read_pinpoint_kpi

    if not 0 < args.alpha < 1:
        from ..errors import InvalidArgumentError

        raise InvalidArgumentError(f"--alpha must be between 0 and 1, not {args.alpha}.")
    journeys = ids_argument(args.journey_ids)
    campaigns = None if journeys is not None else (ids_argument(args.campaign_ids) or "all")
    scope = "journey" if journeys is not None else "campaign"
    kpis = [catalog.get_kpi(name, scope) for name in args.kpi_names]
    names = args.kpi_names[0] if len(args.kpi_names) == 1 else args.kpi_names
    reach = client_options_of(args)
    frame = read_pinpoint_kpi(
        args.application_id,
        names,
        args.start,
        args.end,
        campaign_id=campaigns,
        journey_id=journeys,
        # windows of KPIs that cannot be stitched are kept apart (compare() adds them up)
        keep_windows=bool(unstitchable(kpis, resolve_range(args.start, args.end))),
        cache=args.cache,
        offline=args.offline,
        progress=False,
        client_options=reach,
    )
    if not args.no_names:
        frame = label(frame, cache=args.cache, offline=args.offline, client_options=reach)
    table = compare(frame, args.metric, args.baseline, alpha=args.alpha)
    print(format_comparison(table))
    if args.csv:
        table.to_csv(args.csv)
        print(f"wrote {args.csv}", file=sys.stderr)
    if args.png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..plotting import plot_compare

        figure = plot_compare(table).get_figure(root=True)
        assert figure is not None  # a new figure: plot_compare was given no ax
        figure.savefig(args.png, dpi=120)
        plt.close(figure)
        print(f"wrote {args.png}", file=sys.stderr)
    return 0
