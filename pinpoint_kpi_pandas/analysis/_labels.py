"""Names for ids: the names a frame carries, ``names=`` as a mapping, names shown unique, and
relabelling a frame's index.

The names shown for a frame's ids come from its contract (``names``: what the reader knew: its
own listing for ``campaign_id="all"``, a listing saved beside the files or in the ``cache=``
store, or its ``names=``), then from ``names=`` given to the plot or table (which wins). Ids
stay in the index; names are shown beside them, each unique (a name two ids share gets the
id's first characters).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InvalidArgumentError
from ..listing import name_map
from ._columns import ENTITY_LEVELS, ID_LEVELS
from ._meta import frame_contract, frame_meta, with_meta

if TYPE_CHECKING:
    from ..client import ClientOptions

__all__ = [
    "display_names",
    "frame_names",
    "label",
    "name_column",
    "name_map",
    "namer",
    "short_id",
    "unique_names",
]


def unique_names(ids: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """``{id: name}`` for ``ids``; a name several ids share gets the id's first 8 characters.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import unique_names
    >>> unique_names(["c1", "c2", "c3"], {"c1": "Sale", "c2": "Sale"})
    {'c1': 'Sale (c1)', 'c2': 'Sale (c2)', 'c3': 'c3'}
    """
    wanted = {i: mapping.get(i, i) for i in ids}
    counts: dict[str, int] = {}
    for name in wanted.values():
        counts[name] = counts.get(name, 0) + 1
    out = {}
    for i, name in wanted.items():
        out[i] = f"{name} ({i[:8]})" if counts[name] > 1 and name != i else name
    return out


def frame_names(df: pd.DataFrame, names: Any = None) -> dict[str, str]:
    """The names a frame's ids are shown by: its contract's, then ``names=`` (which wins).

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import frame_names
    >>> df = pd.DataFrame({"Clicks": [1]}, index=pd.Index(["c1"], name="CampaignId"))
    >>> df.attrs["pinpoint"] = {"names": {"c1": "Welcome", "c2": "Sale"}}
    >>> frame_names(df, {"c2": "Summer sale"})
    {'c1': 'Welcome', 'c2': 'Summer sale'}
    """
    return {**frame_contract(df).names, **name_map(names)}


def display_names(
    df: pd.DataFrame, names: Any = None, ids: Sequence[Any] | None = None
) -> dict[str, str]:
    """``{id: name shown}`` for ``ids`` (default: every campaign or journey id of ``df``),
    unique: a name several ids share gets the id's first 8 characters; ids without a name are
    shown as themselves.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.analysis import display_names
    >>> df = pd.DataFrame({"Clicks": [1, 2, 3]},
    ...                   index=pd.Index(["c1", "c2", "c3"], name="CampaignId"))
    >>> display_names(df, {"c1": "Sale", "c2": "Sale"})
    {'c1': 'Sale (c1)', 'c2': 'Sale (c2)', 'c3': 'c3'}
    """
    if ids is None:
        found: list[str] = []
        for level in ENTITY_LEVELS:
            if level in df.index.names:
                found += [str(v) for v in pd.unique(df.index.get_level_values(level))]
        ids = list(dict.fromkeys([*found, *frame_contract(df).ids]))
    return unique_names([str(i) for i in ids], frame_names(df, names))


def name_column(ids: Sequence[Any], mapping: Mapping[str, str]) -> pd.Series | None:
    """The names of ``ids`` as a string column (unique, ``<NA>`` where none is known), or None
    when none of them has a name.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import name_column
    >>> name_column(["c1", "c2"], {"c1": "Welcome"}).tolist()
    ['Welcome', <NA>]
    >>> name_column(["c1"], {}) is None
    True
    """
    keys = [str(i) for i in ids]
    if not any(k in mapping for k in keys):
        return None
    shown = unique_names(keys, mapping)
    return pd.Series([shown[k] if k in mapping else None for k in keys], dtype="string")


def namer(names: Any) -> Callable[[Any], str]:
    """A function naming an index key (a tuple's parts joined by ``" / "``) from ``names=``.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import namer
    >>> name = namer({"c1": "Welcome"})
    >>> name("c1"), name(("c1", "r9"))
    ('Welcome', 'Welcome / r9')
    """
    mapping = name_map(names)

    def name(key: Any) -> str:
        parts = key if isinstance(key, tuple) else (key,)
        return " / ".join(mapping.get(str(p), str(p)) for p in parts)

    return name


def short_id(value: str) -> str:
    """An id short enough for a selector or a table: its first 8 characters and an ellipsis.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.analysis import short_id
    >>> short_id("a3b4c606690d4db53613107518c46499"), short_id("c1")
    ('a3b4c606…', 'c1')
    """
    return value if len(value) <= 10 else value[:8] + "…"


def _levels_to_label(df: pd.DataFrame, names: Any, levels: str | Sequence[str] | None) -> list[str]:
    present = [str(n) for n in df.index.names if n]
    if levels is None:
        candidates = ID_LEVELS if names is None else ENTITY_LEVELS
        chosen = [n for n in candidates if n in present]
    else:
        # A str is one level, not a list of characters.
        chosen = [levels] if isinstance(levels, str) else list(levels)
        missing = [n for n in chosen if n not in present]
        if missing:
            raise InvalidArgumentError(f"levels={missing} are not index levels ({present}).")
    if not chosen:
        raise InvalidArgumentError(
            f"the frame has no campaign or journey level to label (levels: {present or 'none'})."
        )
    return chosen


def label(
    df: pd.DataFrame,
    names: Any = None,
    *,
    levels: str | Sequence[str] | None = None,
    cache: Any = None,
    offline: bool = False,
    client_options: ClientOptions | None = None,
    client: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    boto3_session: Any = None,
) -> pd.DataFrame:
    """Replace campaign and journey ids in the index with their names.

    Parameters
    ----------
    df : pandas.DataFrame
        A KPI frame (or a :func:`~pinpoint_kpi_pandas.accessor.compare` table).
    names : mapping, Series or DataFrame, optional
        ``{id: name}``, or the frame :func:`~pinpoint_kpi_pandas.list_campaigns` /
        :func:`~pinpoint_kpi_pandas.list_journeys` returns; they win over the names the frame
        carries (``attrs["pinpoint"]["names"]``). None: the names the frame carries, and when
        some id has none, the listing fetched for the frame's application
        (``attrs["pinpoint"]["application_id"]``) with the client arguments below.
    levels : str or list of str, optional
        The level (or levels) to relabel. Default: ``CampaignId`` and ``JourneyId`` when
        present (with a mapping, also ``CampaignActivityId`` and ``JourneyActivityId``).
    cache, offline, client_options, client, region_name, endpoint_url, boto3_session
        As for :func:`~pinpoint_kpi_pandas.list_campaigns`, used only when ``names`` is None:
        with ``offline=True`` the names come from the listing saved in ``cache``.

    Returns
    -------
    pandas.DataFrame
        A relabelled copy. Ids without a name are kept; names shared by several ids get the
        id's first 8 characters appended, so rows stay distinct. ``attrs["pinpoint"]["labels"]``
        maps each level's ids to the names used.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> ids = pd.Index(["c1", "c2", "c3"], name="CampaignId")
    >>> df = pd.DataFrame({"SuccessfulDeliveryRate": [0.9, 0.8, 0.7]}, index=ids)
    >>> df.pinpoint.label({"c1": "Welcome", "c2": "Sale", "c3": "Sale"}).index.tolist()
    ['Welcome', 'Sale (c2)', 'Sale (c3)']
    """
    chosen = _levels_to_label(df, names, levels)
    known = frame_contract(df).names
    unnamed = [i for level in chosen for i in map(str, df.index.unique(level)) if i not in known]
    if names is None and not unnamed:  # the reader knew them all: nothing to fetch
        mapping = dict(known)
    elif names is None:
        from ..client import client_options as resolve

        reach = resolve(
            client_options,
            client=client,
            boto3_session=boto3_session,
            region_name=region_name,
            endpoint_url=endpoint_url,
        )
        fetched = _fetch_names(df, chosen, cache=cache, offline=offline, client_options=reach)
        mapping = {**known, **fetched}
    else:
        mapping = {**known, **name_map(names)}
    result = df.copy()
    labels = copy.deepcopy(frame_meta(df).get("labels") or {})
    for level in chosen:
        ids = [str(v) for v in pd.unique(df.index.get_level_values(level))]
        used = unique_names(ids, mapping)
        result.index = _relabelled(result.index, level, used)
        labels[level] = {**labels.get(level, {}), **used}
    return with_meta(result, df, labels=labels)


def _relabelled(index: pd.Index, level: str, used: Mapping[str, str]) -> pd.Index:
    def rename(value: Any) -> Any:
        return used.get(str(value), value)

    if isinstance(index, pd.MultiIndex):
        position = list(index.names).index(level)
        new_level = index.levels[position].map(rename)
        # pandas-stubs does not list an Index as a level's values; pandas takes one.
        levels: Any = new_level
        return index.set_levels(levels, level=position, verify_integrity=False)
    return index.map(rename).rename(level)


def _fetch_names(
    df: pd.DataFrame,
    levels: Sequence[str],
    *,
    cache: Any,
    offline: bool,
    client_options: ClientOptions,
) -> dict[str, str]:
    from ..listing import list_campaigns, list_journeys

    application_id = frame_meta(df).get("application_id")
    if not application_id:
        raise InvalidArgumentError(
            "label() without names= fetches the names for df.attrs['pinpoint']"
            "['application_id'], which this frame lacks; pass names= (a mapping, or "
            "list_campaigns(app_id))."
        )
    mapping: dict[str, str] = {}
    reach = {"cache": cache, "offline": offline, "client_options": client_options}
    if any(level.startswith("Campaign") for level in levels):
        mapping.update(name_map(list_campaigns(application_id, **reach)))
    if any(level.startswith("Journey") for level in levels):
        mapping.update(name_map(list_journeys(application_id, **reach)))
    return mapping
