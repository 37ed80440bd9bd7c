"""The demo job (``pinpoint-kpi demo``): compare the sample project's campaigns over 89 days.

It starts the bundled emulator in-process, reads the sample project's campaign KPIs through the
real boto3 client, compares the campaigns on their delivery, email-open and push-open rates
(with Wilson intervals and tests against a baseline), prints the comparison, and writes charts
and a CSV into an output folder.

The per-run counts are read over 89 days with ``read_pinpoint_kpi(..., keep_windows=True)``:
one answer per calendar month under a ``Window`` level, which ``compare()`` adds up exactly.

Also here, because the command line's ``compare`` uses it too: :func:`format_comparison`, a
``compare()`` table as terminal text.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from .analysis import (
    FUNNEL_KPIS,
    LEVEL_TITLES,
    MISSING,
    column_kpis,
    compare,
    display_names,
    dollars_per_unit,
    format_dollars,
    format_interval,
    format_percent,
    format_points,
    format_ratio,
    frame_meta,
    label,
    replace_attrs,
    total,
)
from .dates import DateLike

__all__ = [
    "DEMO_END",
    "DEMO_START",
    "RUN_KPIS",
    "emulator_session",
    "format_comparison",
    "run_demo",
]

DEMO_START = "2026-08-01"
"""The earliest day the emulator's service still keeps (90 days before its clock)."""
DEMO_END = "2026-10-28"
"""The last final day: the day before the emulator's frozen clock (2026-10-29T12:00Z), whose
numbers are still provisional. The demo's 89 days are all final, so it warns of nothing."""

RUN_KPIS = FUNNEL_KPIS
"""Counts per campaign run (the funnel's KPIs): every rate the demo compares is recomputed from
these."""


def emulator_session():
    """A boto3 session with placeholder credentials, for talking to the bundled emulator.

    The emulator accepts any SigV4 signature; this lets the demo run on a machine with no AWS
    configuration at all, and never uses the real credentials of one that has.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.demo import emulator_session
    >>> emulator_session().region_name
    'us-east-1'
    """
    import boto3

    return boto3.session.Session(
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
        region_name="us-east-1",
    )


def format_comparison(table: pd.DataFrame, *, names: Any = None) -> str:
    """A :func:`~pinpoint_kpi_pandas.accessor.compare` table as aligned text for a terminal.

    Rates are shown as percentages with their interval, differences in percentage points;
    money (SMS spend, reported in millicents) in US dollars, as the comparison chart shows it.

    Parameters
    ----------
    table : pandas.DataFrame
        What ``df.pinpoint.compare()`` returned.
    names : mapping, Series or DataFrame, optional
        Names for the ids, over those the table carries (``attrs["pinpoint"]["names"]``).

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> from pinpoint_kpi_pandas.demo import format_comparison
    >>> ids = pd.Index(["A", "B"], name="CampaignId")
    >>> df = pd.DataFrame({"DirectEmailOpens": [200, 260],
    ...                    "SuccessfulDeliveries": [1000, 1000]}, index=ids)
    >>> print(format_comparison(df.pinpoint.compare(metric="EmailOpenRate")))
    ... # doctest: +ELLIPSIS
    Email open rate vs A (95% Wilson intervals; tests Holm-adjusted)
    Campaign  Email open rate       95% CI  vs baseline  note
    B                   26.0%  23.4%–28.8%      +6.0 pp  significantly higher than baseline ...
    A                   20.0%  17.6%–22.6%            —  baseline
    """
    info = frame_meta(table).get("compare") or {}
    metric = info.get("metric") or str(table.columns[0])
    kpi = column_kpis(table).get(metric)
    title = kpi.short_title if kpi is not None else metric
    mapping = display_names(table, names, ids=list(table.index))  # the table's own, unique
    base = info.get("baseline")
    alpha = info.get("alpha", 0.05)
    level = LEVEL_TITLES.get(str(table.index.name), str(table.index.name or "id"))
    rows = {level: [mapping.get(str(k), str(k)) for k in table.index]}
    if kpi is not None and kpi.kind == "rate":
        rows.update(_rate_columns(table, metric, title, alpha))
    elif dollars_per_unit(kpi) is not None:
        rows.update(_count_columns(table, metric, f"{title} (USD)", dollars_per_unit(kpi)))
    else:
        rows.update(_count_columns(table, metric, title))
    rows["note"] = table["note"].tolist()
    heading = f"{title} vs {mapping.get(str(base), str(base))}"
    if "ci_low" in table.columns:
        heading += f" ({1 - alpha:.0%} Wilson intervals; tests Holm-adjusted)"
    return "\n".join([heading, *_aligned(rows)])


def _rate_columns(
    table: pd.DataFrame, metric: str, title: str, alpha: float
) -> dict[str, list[str]]:
    columns = {title: [format_percent(v) for v in table[metric].astype("float64")]}
    if "ci_low" in table.columns:
        columns[f"{1 - alpha:.0%} CI"] = [
            format_interval(low, high)
            for low, high in zip(table["ci_low"], table["ci_high"], strict=True)
        ]
    columns["vs baseline"] = [
        MISSING if b else format_points(d, 1)
        for d, b in zip(table["difference"], table["baseline"], strict=True)
    ]
    return columns


def _count_columns(
    table: pd.DataFrame, metric: str, title: str, dollars: float | None = None
) -> dict[str, list[str]]:
    """Counts as whole numbers; money (``dollars`` per unit) in dollars and cents."""
    values = table[metric].astype("float64")
    return {
        title: [MISSING if pd.isna(v) else f"{v:,.0f}" for v in values]
        if dollars is None
        else [format_dollars(v * dollars) for v in values],
        "vs baseline": [
            MISSING if b else format_ratio(r)
            for r, b in zip(table["ratio"], table["baseline"], strict=True)
        ],
    }


def _aligned(rows: dict[str, list[Any]]) -> list[str]:
    """The header and the rows: names left-aligned, numbers right-aligned, the note (prose)
    last and left-aligned."""
    columns = list(rows)
    widths = {c: max(len(c), *(len(str(v)) for v in rows[c])) for c in columns[:-1]}
    first = columns[0]

    def line(cells: dict) -> str:
        parts = [str(cells[first]).ljust(widths[first])]
        parts += [str(cells[c]).rjust(widths[c]) for c in columns[1:-1]]
        return "  ".join([*parts, str(cells["note"])]).rstrip()

    header = line({c: c for c in columns})
    return [header, *(line({c: rows[c][i] for c in columns}) for i in range(len(rows[first])))]


def run_demo(
    output: str | Path = "demo-output",
    *,
    seed: int = 0,
    start_time: DateLike = DEMO_START,
    end_time: DateLike = DEMO_END,
    stream: TextIO | None = None,
) -> dict[str, Path]:
    """Compare the emulator's sample campaigns over 89 final days; write charts and a CSV.

    Parameters
    ----------
    output : str or path, default "demo-output"
        Folder for the files (created if needed; existing demo files are overwritten).
    seed : int, default 0
        Seed of the emulator's world.
    start_time, end_time : date-like
        The range (default 2026-08-01 to 2026-10-28: every final day the emulator holds, up to
        the day before its frozen clock's).
    stream : file, optional
        Where to print the comparison tables and the paths; default ``sys.stdout``.

    Returns
    -------
    dict of str to pathlib.Path
        ``trend``, ``compare_delivery``, ``compare_open``, ``funnel``, ``calendar`` (PNG) and
        ``csv``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.demo import run_demo
    >>> paths = run_demo("demo-output")  # doctest: +SKIP
    """
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "cairo"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import emulator, plotting
    from .client import ClientOptions
    from .listing import list_campaigns
    from .reader import read_pinpoint_kpi

    out = sys.stdout if stream is None else stream
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    with emulator.running(seed=seed) as emu:
        app = emu.world.applications[0]
        url = emu.endpoint_url
        reach = ClientOptions(endpoint_url=url, boto3_session=emulator_session())
        campaigns = list_campaigns(app.id, client_options=reach)
        ids = campaigns.index.tolist()
        print(
            f"Pinpoint emulator at {url}: project {app.name!r} ({app.id}), "
            f"{len(ids)} campaigns, {start_time} to {end_time}.",
            file=out,
        )
        runs = read_pinpoint_kpi(
            app.id,
            list(RUN_KPIS),
            start_time,
            end_time,
            campaign_id=ids,
            keep_windows=True,
            client_options=reach,
        )
        daily = read_pinpoint_kpi(
            app.id,
            "successful-delivery-rate-grouped-by-date",
            start_time,
            end_time,
            campaign_id=ids,
            client_options=reach,
        )
    runs = label(runs, campaigns)
    daily = label(daily, campaigns)
    channel: dict[Any, Any] = dict(zip(campaigns["Name"], campaigns["Channel"], strict=True))

    per_campaign = total(runs)
    email = [n for n in per_campaign.index if channel.get(n) == "EMAIL"]
    push = [n for n in per_campaign.index if channel.get(n) == "PUSH"]
    # Baseline: the email campaign that delivered the most (the "business as usual" send).
    baseline = per_campaign.loc[email, "SuccessfulDeliveries"].idxmax() if email else None

    tables = {
        "SuccessfulDeliveryRate": compare(runs, "SuccessfulDeliveryRate", baseline),
        "EmailOpenRate": compare(_subset(runs, email), "EmailOpenRate", baseline),
    }
    if len(push) > 1:
        tables["PushOpenRate"] = compare(_subset(runs, push), "PushOpenRate")
    for table in tables.values():
        print("", file=out)
        print(format_comparison(table), file=out)

    paths: dict[str, Path] = {}
    combined = pd.concat(
        [_for_csv(t, channel) for t in tables.values()], ignore_index=True, sort=False
    )
    paths["csv"] = folder / "comparison.csv"
    combined.to_csv(paths["csv"], index=False, float_format="%.6g")

    charts = {
        "trend": lambda: plotting.plot_trend(daily),
        "compare_delivery": lambda: plotting.plot_compare(tables["SuccessfulDeliveryRate"]),
        "compare_open": lambda: plotting.plot_compare(tables["EmailOpenRate"]),
        "funnel": lambda: plotting.plot_funnel(runs),
        "calendar": lambda: plotting.plot_calendar(daily),
    }
    for name, draw in charts.items():
        figure = draw().get_figure(root=True)
        assert figure is not None  # each chart draws on a new figure
        path = folder / f"{name}.png"
        figure.savefig(path, dpi=120)
        plt.close(figure)
        paths[name] = path
    print("", file=out)
    print(f"Wrote {len(paths)} files to {folder}/:", file=out)
    for path in paths.values():
        print(f"  {path}", file=out)
    return paths


def _subset(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    keep = frame.index.get_level_values(0).isin(list(names))
    return replace_attrs(frame[keep], frame.attrs)


def _for_csv(table: pd.DataFrame, channel: Mapping[Any, Any]) -> pd.DataFrame:
    info = frame_meta(table)["compare"]
    metric = info["metric"]
    flat = table.reset_index().rename(columns={table.index.name: "Campaign", metric: "value"})
    flat.insert(0, "metric", metric)
    flat.insert(2, "Channel", flat["Campaign"].map(channel))
    parts = info.get("parts") or []
    flat = flat.rename(columns=dict(zip(parts, ["numerator", "denominator"], strict=False)))
    return flat
