"""Which campaign (or journey, or run) a comparison is made against: the one asked for, by id,
label or name, which must have a value for the metric; by default the first that has one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import catalog
from ..derived import find_metric
from ..errors import InvalidArgumentError
from ._labels import unique_names

__all__ = ["resolve_baseline"]


def resolve_baseline(
    values: pd.Index,
    baseline: Any,
    meta: Mapping[str, Any],
    level: str,
    metric_values: pd.Series,
    names: Mapping[str, str],
    missing: list[str] | tuple[str, ...] = (),
) -> Any:
    """The baseline's id: the one asked for (an id, a label, a name), which must have a value
    for the metric; by default the first in frame order that has one."""
    present = metric_values.notna().to_numpy()
    if not len(values):
        asked = unique_names([str(v) for v in missing], names)
        which = ", ".join(asked.get(str(v), str(v)) for v in list(missing)[:8]) or "none"
        raise InvalidArgumentError(
            f"nothing to compare: there are no rows (the {level} values asked for with no "
            f"data in its range: {which}). Choose a range, or ids, that hold data."
        )
    if baseline is None:
        # the first in frame order that has the metric (an SMS campaign has no open rate)
        return values[int(present.argmax())] if present.any() else values[0]
    every = pd.Index([*values, *missing])
    base = _find_baseline(every, baseline, meta, level, names)
    if base in values and present[values.get_loc(base)]:
        return base
    shown = unique_names([str(v) for v in every], names)
    with_value = [shown.get(str(v), str(v)) for v, ok in zip(values, present, strict=True) if ok]
    what = "no data in this range" if base not in values else f"no {_words(metric_values.name)}"
    choices = (
        f"choose one that has: {', '.join(with_value[:8])}{', ...' if len(with_value) > 8 else ''}"
        if with_value
        else f"none of the {len(every)} has one"
    )
    raise InvalidArgumentError(
        f"baseline {shown.get(str(base), str(base))!r} has {what}, so nothing can be compared "
        f"with it; {choices} (or leave the baseline out: the first that has data)."
    )


def _words(metric: Any) -> str:
    """A metric as words for a sentence: its KPI's title (``EmailOpenRate`` -> ``email open
    rate``, ``SmsSpend`` -> ``SMS spend``), else as it is."""
    kpis = catalog.kpis_with_value_key(str(metric), include_events_only=True)
    found = kpis[0] if kpis else find_metric(str(metric), None)
    if found is None:
        return str(metric)
    title = found.short_title.split(" (")[0]  # "Click rate (derived: ...)": "click rate"
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def _find_baseline(
    values: pd.Index, baseline: Any, meta: Mapping[str, Any], level: str, names: Mapping[str, str]
) -> Any:
    if baseline in values:
        return baseline
    labels = (meta.get("labels") or {}).get(level) or {}
    if baseline in labels and labels[baseline] in values:
        return labels[baseline]
    # a name the frame carries (unique as shown: "Sale (a3b4c606)" when two share "Sale")
    shown = unique_names([str(v) for v in values], names)
    named = [v for v in values if baseline in (shown.get(str(v)), names.get(str(v)))]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise InvalidArgumentError(
            f"baseline {baseline!r} names {len(named)} of the {level} values ("
            + ", ".join(shown[str(v)] for v in named)
            + "); pass one of those, or its id."
        )
    listed = [shown.get(str(v), str(v)) for v in values[:12]]
    raise InvalidArgumentError(
        f"baseline {baseline!r} is not one of the {level} values: "
        + ", ".join(listed)
        + (", ..." if len(values) > 12 else "")
        + "; pass an id or a name."
    )
