"""``pinpoint-kpi compare``: campaigns against a baseline on one metric (table, PNG, CSV).

What the comparison will refuse is found before the KPIs are read: the output files, the store,
the profile and the read's plan; the metric and how it adds up, tried on the frame the read
will give without its rows; the baseline, against the ids (and names, from the project's
listing) compared.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ._common import (
    Subparsers,
    client_options_of,
    ids_argument,
    plan_of,
    range_options,
    read_kpis,
    service_options,
    store_options,
    target_options,
)
from ._output import write_atomically

if TYPE_CHECKING:
    import pandas as pd

    from ..plan import KpiPlan

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
    p.add_argument(
        "--unweighted-mean",
        action="store_true",
        help="for a rate without its counts: compare the plain mean of its values, labelled so",
    )
    p.set_defaults(func=run, command="compare")


def run(args: argparse.Namespace) -> int:
    """Check everything, read, label and compare; print the table, write the CSV and PNG."""
    from ..analysis import compare, with_meta
    from ..checks import check_alpha, check_output_file
    from ..demo import format_comparison

    check_alpha(args.alpha, "alpha")
    if args.png is not None:
        check_output_file(args.png, "png", suffixes=_figure_formats())
    if args.csv is not None:
        check_output_file(args.csv, "csv")
    reach = client_options_of(args)
    journeys = ids_argument(args.journey_ids)
    campaigns = None if journeys is not None else (ids_argument(args.campaign_ids) or "all")
    plan = _plan(args, campaigns, journeys)
    _check_metric(plan, args.metric, unweighted_mean=args.unweighted_mean)
    ids = campaigns if journeys is None else journeys
    # The listing gives the names shown, and the ids behind "all" that a baseline must be among.
    listed = None
    if not args.no_names or (ids == "all" and args.baseline is not None):
        listed = _listing(args, plan.scope, reach)
    names = None if args.no_names else listed
    _check_baseline(args.baseline, list(listed) if ids == "all" and listed else ids, names)
    frame, unsaved = read_kpis(
        application_id=args.application_id,
        kpi_name=args.kpi_names[0] if len(args.kpi_names) == 1 else args.kpi_names,
        start_time=args.start,
        end_time=args.end,
        campaign_id=campaigns,
        journey_id=journeys,
        keep_windows=plan.keep_windows,
        names=names,
        cache=args.cache,
        offline=args.offline,
        progress=False,
        client_options=reach,
    )
    if args.no_names:  # ids only, even those the read's own listing named
        frame = with_meta(frame, frame, names={})
    # names beside the ids (a CampaignName column in --csv), never instead of them
    table = compare(
        frame,
        args.metric,
        baseline=args.baseline,
        alpha=args.alpha,
        unweighted_mean=args.unweighted_mean,
    )
    print(format_comparison(table))
    if args.csv:
        write_atomically(_path(args.csv), _csv_table(table).to_csv)
        print(f"wrote {args.csv}", file=sys.stderr)
    if args.png:
        _draw(table, args.png)
        print(f"wrote {args.png}", file=sys.stderr)
    if unsaved is not None:
        raise unsaved  # the comparison is done; the store's failure is still the command's
    return 0


def _plan(args: argparse.Namespace, campaigns: Any, journeys: Any) -> KpiPlan:
    """The read's plan; windows of KPIs that cannot be stitched are kept apart (compare() adds
    them up, or says why it cannot)."""
    from .. import catalog
    from ..plan import resolve_range, unstitchable

    scope = "journey" if journeys is not None else "campaign"
    kpis = [catalog.get_kpi(name, scope) for name in args.kpi_names]
    keep = bool(unstitchable(kpis, resolve_range(args.start, args.end)))
    return plan_of(args, args.kpi_names, campaign_id=campaigns, journey_id=journeys,
                   keep_windows=keep)  # fmt: skip


def _check_metric(plan: KpiPlan, metric: str | None, *, unweighted_mean: bool) -> None:
    """The metric, and how it adds up per campaign, tried on the read's frame without rows."""
    from ..analysis import comparison_totals, entity_level, resolve_metric

    template = _template(plan)
    resolved = resolve_metric(template, metric)
    level = entity_level(template, None)
    comparison_totals(template, level, resolved, unweighted_mean=unweighted_mean)


def _template(plan: KpiPlan) -> pd.DataFrame:
    """The frame the read will give, without its rows: the same assembly, given no answers."""
    from ..frame import assemble_kpi_frame

    return assemble_kpi_frame([], plan.contract(), warn=False)


def _listing(args: argparse.Namespace, scope: str, reach: Any) -> dict[str, str]:
    """``{id: name}`` of the project's campaigns (or journeys)."""
    from ..listing import list_campaigns, list_journeys, name_map

    listing = list_journeys if scope == "journey" else list_campaigns
    store = {"cache": args.cache, "offline": args.offline, "client_options": reach}
    return name_map(listing(args.application_id, **store))


def _check_baseline(baseline: str | None, ids: Any, names: dict[str, str] | None) -> None:
    """Refuse a baseline that is none of the ids (or their names) compared."""
    from ..analysis import unique_names
    from ..errors import InvalidArgumentError

    if baseline is None or ids == "all":
        return  # "all" of a project without campaigns: nothing to compare, said by compare()
    shown = unique_names(list(ids), names or {})
    if baseline in shown or baseline in shown.values():
        return
    choices = list(shown.values())
    listed = ", ".join(repr(c) for c in choices[:8]) + (", ..." if len(choices) > 8 else "")
    raise InvalidArgumentError(
        f"baseline {baseline!r} is not one of the ids{' or names' if names else ''} compared "
        f"({listed}); pass one of them."
    )


def _csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison as ``--csv`` writes it: a money metric keeps the service's exact value (as
    ``fetch`` writes it, so files join), with a ``unit`` column after ``difference`` saying what
    both are in (``millicents``: 100,000 to the US dollar)."""
    from ..analysis import column_kpis, dollars_per_unit, frame_meta

    metric = (frame_meta(table).get("compare") or {}).get("metric")
    kpi = column_kpis(table).get(metric) if metric is not None else None
    if kpi is None or dollars_per_unit(kpi) is None:
        return table
    out = table.copy()
    out.insert(list(out.columns).index("difference") + 1, "unit", kpi.unit)
    return out


def _figure_formats() -> list[str]:
    from matplotlib.backend_bases import FigureCanvasBase

    return sorted(f".{ending}" for ending in FigureCanvasBase.get_supported_filetypes())


def _draw(table: pd.DataFrame, png: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plotting import plot_compare

    figure = plot_compare(table).get_figure(root=True)
    assert figure is not None  # a new figure: plot_compare was given no ax
    path = _path(png)
    try:
        write_atomically(path, lambda target: figure.savefig(target, dpi=120))
    finally:
        plt.close(figure)


def _path(text: str) -> Any:
    from pathlib import Path

    return Path(text).expanduser()
