"""Names for ids: one rule turning ``names=`` into a mapping, and relabelling a frame's index."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InvalidArgumentError
from ._columns import ENTITY_LEVELS, ID_LEVELS
from ._meta import frame_meta, with_meta

if TYPE_CHECKING:
    from ..client import ClientOptions

__all__ = ["label", "name_map", "namer", "short_id", "unique_names"]


def name_map(names: Any) -> dict[str, str]:
    """A ``{id: name}`` dict from a mapping, a Series, or a listing frame with a ``Name`` column.

    The one rule for every ``names=`` argument (labels, plots, the dashboard, the command
    line). Ids without a name (None or missing) are left out, so they are shown as ids.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.accessor import name_map
    >>> listing = pd.DataFrame({"Name": ["Spring sale"]}, index=pd.Index(["c1"], name="Id"))
    >>> name_map(listing)
    {'c1': 'Spring sale'}
    >>> name_map({"c1": "Welcome", "c2": None})
    {'c1': 'Welcome'}
    """
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        if "Name" not in names.columns:
            raise InvalidArgumentError(
                "names= as a DataFrame needs a 'Name' column indexed by id, as list_campaigns() "
                f"and list_journeys() return; it has {list(names.columns)}."
            )
        source = names["Name"] if "Id" not in names.columns else names.set_index("Id")["Name"]
        return {str(k): str(v) for k, v in source.items() if pd.notna(v)}
    if isinstance(names, pd.Series):
        return {str(k): str(v) for k, v in names.items() if pd.notna(v)}
    if isinstance(names, Mapping):
        return {str(k): str(v) for k, v in names.items() if v is not None and pd.notna(v)}
    raise InvalidArgumentError(
        "names= must be a mapping {id: name}, a Series, or a DataFrame with a 'Name' column, "
        f"not {type(names).__name__}."
    )


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
        :func:`~pinpoint_kpi_pandas.list_journeys` returns. None: fetch the listing for the
        frame's application (``attrs["pinpoint"]["application_id"]``) with the client
        arguments below.
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
    if names is None:
        from ..client import client_options as resolve

        reach = resolve(
            client_options,
            client=client,
            boto3_session=boto3_session,
            region_name=region_name,
            endpoint_url=endpoint_url,
        )
        mapping = _fetch_names(df, chosen, cache=cache, offline=offline, client_options=reach)
    else:
        mapping = name_map(names)
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
