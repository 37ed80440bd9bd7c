"""The frame contract, as the analysis layer sees it: one reader and one writer of attrs.

Every read of ``df.attrs["pinpoint"]`` in the analysis, plotting, widget and command-line code
goes through :func:`frame_meta`, and every write of a frame's ``attrs`` through
:func:`replace_attrs` (or :func:`with_meta`, which uses it). When the contract becomes a typed
object, these are the only functions to change.

The keys read here: ``application_id``, ``scope``, ``kpi_names``, ``columns`` (column -> KPI
name), ``campaign_ids`` / ``journey_ids``, ``start_time`` / ``end_time``, ``failed``, and the
keys the analysis itself adds: ``labels``, ``aggregated``, ``unweighted_mean``,
``unweighted_mean_of``, ``compare``.
"""

from __future__ import annotations

import copy
import inspect
import os
import warnings
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from ..meta import FrameContract

__all__ = [
    "frame_contract",
    "frame_meta",
    "ids_without_rows",
    "replace_attrs",
    "warn_if_incomplete",
    "with_meta",
]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def frame_meta(df: pd.DataFrame) -> Mapping[str, Any]:
    """The query behind a frame: ``df.attrs["pinpoint"]``, or an empty mapping.

    Read-only: the mapping is the frame's own; change a frame's contract with
    :func:`with_meta`.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import frame_meta
    >>> df = pd.DataFrame({"UniqueDeliveries": [3]})
    >>> dict(frame_meta(df))
    {}
    >>> df.attrs["pinpoint"] = {"scope": "campaign"}
    >>> frame_meta(df)["scope"]
    'campaign'
    """
    meta = df.attrs.get("pinpoint")
    return meta if isinstance(meta, dict) else {}


def frame_contract(df: pd.DataFrame) -> FrameContract:
    """The frame's :class:`~pinpoint_kpi_pandas.meta.FrameContract` (empty if it has none).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import frame_contract
    >>> frame_contract(pd.DataFrame()).ids
    ()
    """
    return FrameContract.from_frame(df)


def ids_without_rows(df: pd.DataFrame, level: str) -> list[str]:
    """Ids of ``level`` that were asked for and had no rows ("no data in range"), and are not
    in ``df``'s index: results computed from the frame keep a row for each.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import ids_without_rows
    >>> df = pd.DataFrame({"Clicks": [3]}, index=pd.Index(["c1"], name="CampaignId"))
    >>> df.attrs["pinpoint"] = {"scope": "campaign", "campaign_ids": ["c1", "c2"],
    ...                         "ids_with_rows": ["c1"]}
    >>> ids_without_rows(df, "CampaignId")
    ['c2']
    """
    contract = frame_contract(df)
    if level != {"campaign": "CampaignId", "journey": "JourneyId"}.get(contract.scope or ""):
        return []
    present = set(df.index.get_level_values(level)) if level in df.index.names else set()
    return [i for i in contract.ids_without_rows if i not in present]


def replace_attrs(frame: pd.DataFrame, attrs: Mapping[Any, Any]) -> pd.DataFrame:
    """Give ``frame`` a deep copy of ``attrs`` as its attrs (the one writer); returns ``frame``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import replace_attrs
    >>> replace_attrs(pd.DataFrame(), {"chart": "trend"}).attrs
    {'chart': 'trend'}
    """
    frame.attrs = copy.deepcopy(dict(attrs))
    return frame


def with_meta(result: pd.DataFrame, source: pd.DataFrame, **updates: Any) -> pd.DataFrame:
    """``result`` with ``source``'s attrs and its contract updated by ``updates``.

    Nothing is shared with ``source``: its attrs are deep-copied.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import with_meta
    >>> source = pd.DataFrame()
    >>> source.attrs["pinpoint"] = {"scope": "campaign"}
    >>> with_meta(pd.DataFrame(), source, aggregated=["total"]).attrs["pinpoint"]
    {'scope': 'campaign', 'aggregated': ['total']}
    """
    meta = dict(frame_meta(source))
    meta.update(updates)
    attrs: dict[Hashable, Any] = {**source.attrs, "pinpoint": meta}
    return replace_attrs(result, attrs)


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside this package."""
    frame, level = inspect.currentframe(), 0
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return max(level, 1)


def warn_if_incomplete(df: pd.DataFrame, what: str) -> None:
    """Warn when the frame was read with ``errors="warn"`` and some requests failed.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import warn_if_incomplete
    >>> df = pd.DataFrame()
    >>> df.attrs["pinpoint"] = {"failed": ["one request"]}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_incomplete(df, "total()")
    >>> "lacks the rows of 1 failed request" in str(caught[0].message)
    True
    """
    failed = frame_meta(df).get("failed") or []
    if failed:
        n = len(failed)
        warnings.warn(
            f"{what}: this frame lacks the rows of {n} failed request{'s' * (n != 1)} (listed "
            "in df.attrs['pinpoint']['failed']), so the result covers only what was read, not "
            "every campaign and day asked for. Read again once those requests succeed (with "
            "cache=, what was already read is not fetched again).",
            UserWarning,
            stacklevel=_user_stacklevel(),
        )
