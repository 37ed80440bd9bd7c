"""``pinpoint-kpi fetch``: read KPIs into a table (CSV on stdout, or a file).

Every option is checked before the first request (the output file, the store, the profile, the
read's plan, whether ``--names`` has ids to name), so a mistake never costs a fetch.
"""

from __future__ import annotations

import argparse
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
from ._output import NAME_COLUMNS, OUTPUT_FORMATS, write_table

if TYPE_CHECKING:
    from ..client import ClientOptions
    from ..plan import KpiPlan

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the command's parser to ``subparsers``."""
    p = subparsers.add_parser(
        "fetch",
        parents=[service_options()],
        help="read KPIs into a table: CSV on stdout, or -o file.csv|.parquet|.json",
        description=(
            "Read one or more standard KPIs (one wide table, joined on the grouping) and write "
            "them as CSV to stdout, or to a .csv, .parquet or .json file: key columns first, "
            "counts as integers. Ranges over 31 days are read in windows of at most 31 days "
            "(the fewest, from --start; calendar months with --cache or --keep-windows) and "
            "combined where that is exact (daily KPIs, counts, rates with their counts); for "
            "other KPIs pass --keep-windows to get one answer per calendar month. "
            "`pinpoint-kpi kpis` lists the KPI names."
        ),
    )
    p.add_argument("application_id", metavar="APP", help="the project (application) id")
    p.add_argument("kpi_names", metavar="KPI", nargs="+", help="standard KPI name(s)")
    range_options(p)
    target_options(p)
    store_options(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (.csv, .parquet, .json)")
    p.add_argument(
        "--names",
        action="store_true",
        help="add a CampaignName (JourneyName) column beside the CampaignId (JourneyId) column",
    )
    p.add_argument(
        "--keep-windows",
        action="store_true",
        help="one answer per calendar month under a Window column, for KPIs that cannot be "
        "stitched over more than 31 days",
    )
    p.set_defaults(func=run, command="fetch")


def run(args: argparse.Namespace) -> int:
    """Check every option, read the KPIs (and the names, with --names) and write the table."""
    from ..analysis import frame_names
    from ..checks import check_output_file

    if args.output is not None:
        check_output_file(args.output, "output", suffixes=OUTPUT_FORMATS)
    reach = client_options_of(args)
    campaigns, journeys = ids_argument(args.campaign_ids), ids_argument(args.journey_ids)
    plan = plan_of(
        args, args.kpi_names, campaign_id=campaigns, journey_id=journeys,
        keep_windows=args.keep_windows,
    )  # fmt: skip
    names = _names(args, plan, reach, campaigns, journeys) if args.names else None
    frame, unsaved = read_kpis(
        application_id=args.application_id,
        kpi_name=args.kpi_names[0] if len(args.kpi_names) == 1 else args.kpi_names,
        start_time=args.start,
        end_time=args.end,
        campaign_id=campaigns,
        journey_id=journeys,
        keep_windows=args.keep_windows,
        names=names,
        cache=args.cache,
        offline=args.offline,
        progress=False,
        client_options=reach,
    )
    # the names the read carries: those listed here, or the read's own listing for "all"
    write_table(frame, args.output, frame_names(frame) if args.names else None)
    if unsaved is not None:
        raise unsaved  # the table is written; the store's failure is still the command's
    return 0


def _names(
    args: argparse.Namespace, plan: KpiPlan, reach: ClientOptions, campaigns: Any, journeys: Any
) -> dict[str, str]:
    """The names ``--names`` adds, listed before the KPIs are read (a listing failure costs no
    fetch); refused when the table will have no campaign or journey id to name. For ``all``,
    the read lists the campaigns (journeys) itself, first, and carries their names: no second
    listing."""
    from ..errors import InvalidArgumentError
    from ..listing import list_campaigns, list_journeys, name_map

    keys = {plan.id_level} | {k.grouped_by for k in plan.kpis}
    named = [level for level in NAME_COLUMNS if level in keys]
    if not named:
        shown = ", ".join(sorted(str(k) for k in keys if k)) or "none"
        raise InvalidArgumentError(
            "--names adds a name beside each campaign or journey id, and this table has no "
            f"such column (its keys: {shown}); pass --campaign ID (or --journey ID), or leave "
            "--names out."
        )
    store = {"cache": args.cache, "offline": args.offline, "client_options": reach}
    names: dict[str, str] = {}
    if "CampaignId" in named and campaigns != "all":
        names.update(name_map(list_campaigns(args.application_id, **store)))
    if "JourneyId" in named and journeys != "all":
        names.update(name_map(list_journeys(args.application_id, **store)))
    return names
