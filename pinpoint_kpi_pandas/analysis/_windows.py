"""Windows kept apart in a frame: never added where they overlap, gaps reported.

A frame whose windows were kept apart (a ``Window`` level: ``keep_windows=True``, or saved
answers that overlap, leave gaps or cannot be summed) may hold two answers covering the same
days. Adding such rows counts those days twice, so :func:`check_windows` refuses any aggregation
over the ``Window`` level where two windows of one id overlap, naming both windows and the files
(or requests) they came from, and warns where windows leave days uncovered. Windows are read
from the index itself (``start/end`` labels), so a frame that lost its attrs is checked too;
the contract adds where each came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from ..errors import CoverageWarning, InvalidArgumentError, warn_user
from ..meta import FrameContract

__all__ = ["WINDOW", "check_windows"]

WINDOW = "Window"
_IDS = ("CampaignId", "JourneyId")


def check_windows(df: pd.DataFrame, keys: Sequence[Any] | None, what: str) -> None:
    """Refuse to add overlapping windows; warn about gaps. ``keys`` are the aggregation's groupers.

    Examples
    --------
    >>> import pandas as pd
    >>> windows = ["2026-09-01T00:00:00Z/2026-09-30T23:59:59Z",
    ...            "2026-09-16T00:00:00Z/2026-09-30T23:59:59Z"]
    >>> df = pd.DataFrame({"Clicks": [10, 5]}, index=pd.Index(windows, name="Window"))
    >>> check_windows(df, [], "total()")
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: total() would add windows that overlap, ...
    """
    names = list(df.index.names)
    if WINDOW not in names or _kept(keys, WINDOW) or df.empty:
        return
    id_level = next((n for n in names if n in _IDS), None)
    series = {k: v for k, v in _windows_per_id(df, id_level).items() if v}
    sources = _sources(FrameContract.from_frame(df))
    overlaps, gaps = [], []
    for resource_id, windows in series.items():
        reach, last = windows[0][1], windows[0][2]  # the latest day covered so far, and by what
        for first_day, last_day, label in windows[1:]:
            if first_day <= reach:
                overlaps.append(_pair(resource_id, last, label, sources))
            elif first_day > reach + timedelta(days=1):
                gap = f"{reach + timedelta(days=1)}..{first_day - timedelta(days=1)}"
                gaps.append(f"{_who(resource_id)}no window covers {gap} (before {label})")
            if last_day > reach:
                reach, last = last_day, label
    if overlaps:
        raise InvalidArgumentError(
            f"{what} would add windows that overlap, counting their shared days twice:\n  "
            + "\n  ".join(overlaps[:8])
            + ("\n  ..." if len(overlaps) > 8 else "")
            + "\nSelect one window of each pair first (df.drop(label, level='Window') or "
            "df.xs(label, level='Window')), or read a cover that does not overlap: "
            "pinpoint_kpi_pandas.inventory(paths) lists the files and their windows."
        )
    if gaps:
        warn_user(
            f"{what} adds windows that leave days uncovered, so the result is not over the whole "
            "range:\n  " + "\n  ".join(gaps[:8]),
            CoverageWarning,
        )


def _kept(keys: Sequence[Any] | None, level: str) -> bool:
    return any(getattr(key, "level", None) == level or key == level for key in keys or ())


def _windows_per_id(
    df: pd.DataFrame, id_level: str | None
) -> dict[str | None, list[tuple[date, date, str]]]:
    labels = df.index.get_level_values(WINDOW)
    ids = df.index.get_level_values(id_level) if id_level else [None] * len(labels)
    out: dict[str | None, set[str]] = {}
    for resource_id, label in zip(ids, labels, strict=True):
        out.setdefault(resource_id, set()).add(str(label))
    parsed = {}
    for resource_id, found in out.items():
        windows = [w for w in (_parse(label) for label in found) if w is not None]
        parsed[resource_id] = sorted(windows)
    return parsed


def _parse(label: str) -> tuple[date, date, str] | None:
    start, _, end = label.partition("/")
    try:
        return (date.fromisoformat(start[:10]), date.fromisoformat(end[:10]), label)
    except ValueError:
        return None


def _sources(contract: FrameContract) -> dict[tuple[str | None, str], list[str]]:
    out: dict[tuple[str | None, str], list[str]] = {}
    for window in contract.coverage:
        out.setdefault((window.id, window.label), []).append(window.source)
    return out


def _who(resource_id: str | None) -> str:
    return f"{resource_id}: " if resource_id else ""


def _pair(
    resource_id: str | None, a: str, b: str, sources: dict[tuple[str | None, str], list[str]]
) -> str:
    def named(label: str) -> str:
        found = sorted(set(sources.get((resource_id, label), [])))
        return f"{label} ({', '.join(found)})" if found else label

    return f"{_who(resource_id)}{named(a)} and {named(b)}"
