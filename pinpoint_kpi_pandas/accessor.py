"""``DataFrame.pinpoint``: KPI-aware reshaping, aggregation, comparison, labelling and plots.

Importing :mod:`pinpoint_kpi_pandas` registers the accessor. The logic lives in plain functions
(:func:`tidy`, :func:`resample`, :func:`total`, :func:`compare`, :func:`label`, importable from
here, implemented in :mod:`pinpoint_kpi_pandas.analysis`); the accessor only delegates, holds
no state, and never changes the caller's frame.

Every column's KPI (and so its kind: rate, count, unique count, amount, average) is looked up in
the catalog from ``df.attrs["pinpoint"]`` (``columns`` and ``scope``), falling back to the value
key alone, so frames that lost their attrs still work. Aggregation follows the kind:

- counts and amounts add up;
- a rate is recomputed as (sum of numerator) / (sum of denominator) when both counts are
  columns of the frame (:data:`pinpoint_kpi_pandas.catalog.RATE_PARTS`), otherwise refused;
- unique counts (distinct endpoints) and averages cannot be added up and are refused;
- ``unweighted_mean=True`` asks instead for the plain mean of the rows, and the column is
  renamed ``"<key> (unweighted mean)"`` so nobody mistakes it for the real figure.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import catalog

# Importable from here as before (not in __all__): headings and levels for tables and legends.
from .analysis import ENTITY_LEVELS as ENTITY_LEVELS
from .analysis import ID_LEVELS as ID_LEVELS
from .analysis import LEVEL_TITLES as LEVEL_TITLES
from .analysis import (
    UNWEIGHTED_SUFFIX,
    column_kpis,
    compare,
    frame_meta,
    is_kpi_frame,
    label,
    metric_first,
    resample,
    tidy,
    total,
)
from .analysis import name_map as name_map

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .client import ClientOptions

__all__ = [
    "UNWEIGHTED_SUFFIX",
    "PinpointAccessor",
    "column_kpis",
    "compare",
    "label",
    "resample",
    "tidy",
    "total",
]


@pd.api.extensions.register_dataframe_accessor("pinpoint")
class PinpointAccessor:
    """KPI-aware methods on frames read by pinpoint-kpi-pandas: ``df.pinpoint.<method>``.

    Available on any frame with ``df.attrs["pinpoint"]`` or a column named like a KPI value
    key (``SuccessfulDeliveryRate``, ``DirectEmailOpens``, ...). Methods return new objects
    and never change ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> import pinpoint_kpi_pandas
    >>> df = pd.DataFrame({"UniqueDeliveries": [3, 4]})
    >>> df.pinpoint.kinds
    {'UniqueDeliveries': 'unique_count'}
    """

    def __init__(self, pandas_obj: pd.DataFrame):
        if not is_kpi_frame(pandas_obj):
            shown = ", ".join(map(str, list(pandas_obj.columns)[:8])) or "none"
            raise AttributeError(
                "'.pinpoint' works on Pinpoint KPI frames, and this one has no "
                "attrs['pinpoint'] and no KPI column (such as 'SuccessfulDeliveryRate'); its "
                f"columns: {shown}. Read it with pinpoint_kpi_pandas.read_pinpoint_kpi, "
                "read_pinpoint_kpi_json or kpi_frame (attrs survive most pandas operations)."
            )
        self._obj = pandas_obj

    @property
    def meta(self) -> dict:
        """The query behind the frame: a copy of ``df.attrs["pinpoint"]`` (empty if absent)."""
        return copy.deepcopy(dict(frame_meta(self._obj)))

    @property
    def kpis(self) -> dict[str, catalog.Kpi | None]:
        """``{column: Kpi or None}``: the catalog entry behind each column."""
        return column_kpis(self._obj)

    @property
    def kinds(self) -> dict[str, str | None]:
        """``{column: kind}``: rate, count, unique_count, amount, average (None: not a KPI)."""
        return {c: (k.kind if k else None) for c, k in column_kpis(self._obj).items()}

    def tidy(self) -> pd.DataFrame:
        """Long form; see :func:`pinpoint_kpi_pandas.accessor.tidy`."""
        return tidy(self._obj)

    def resample(self, rule: str, *, unweighted_mean: bool = False) -> pd.DataFrame:
        """Kind-aware resampling; see :func:`pinpoint_kpi_pandas.accessor.resample`."""
        return resample(self._obj, rule, unweighted_mean=unweighted_mean)

    def total(
        self, *, by: str | Sequence[str] | None = None, unweighted_mean: bool = False
    ) -> pd.DataFrame:
        """Kind-aware totals; see :func:`pinpoint_kpi_pandas.accessor.total`."""
        return total(self._obj, by=by, unweighted_mean=unweighted_mean)

    def compare(
        self,
        metric: str | None = None,
        baseline: Any = None,
        *,
        by: str | None = None,
        alpha: float = 0.05,
        unweighted_mean: bool = False,
    ) -> pd.DataFrame:
        """Campaigns against a baseline; see :func:`pinpoint_kpi_pandas.accessor.compare`
        (metric first, as for ``plot_compare``; the old ``compare(baseline, metric)`` order
        still works, with a ``FutureWarning``)."""
        metric, baseline = metric_first(self._obj, metric, baseline)  # warns at the caller
        return compare(
            self._obj, metric, baseline, by=by, alpha=alpha, unweighted_mean=unweighted_mean
        )

    def label(
        self,
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
        """Ids to names; see :func:`pinpoint_kpi_pandas.accessor.label`."""
        return label(
            self._obj,
            names,
            levels=levels,
            cache=cache,
            offline=offline,
            client_options=client_options,
            client=client,
            region_name=region_name,
            endpoint_url=endpoint_url,
            boto3_session=boto3_session,
        )

    def plot(self, metric: str | None = None, **kwargs: Any) -> Axes:
        """One line per campaign over dates; see :func:`pinpoint_kpi_pandas.plotting.plot_trend`."""
        from .plotting import plot_trend

        return plot_trend(self._obj, metric, **kwargs)

    def plot_compare(self, metric: str | None = None, **kwargs: Any) -> Axes:
        """Sorted bars against a baseline; see :func:`pinpoint_kpi_pandas.plotting.plot_compare`."""
        from .plotting import plot_compare

        return plot_compare(self._obj, metric, **kwargs)

    def plot_funnel(self, **kwargs: Any) -> Axes:
        """The delivery funnel; see :func:`pinpoint_kpi_pandas.plotting.plot_funnel`."""
        from .plotting import plot_funnel

        return plot_funnel(self._obj, **kwargs)

    def plot_calendar(self, metric: str | None = None, **kwargs: Any) -> Axes:
        """Campaign x day heatmap; see :func:`pinpoint_kpi_pandas.plotting.plot_calendar`."""
        from .plotting import plot_calendar

        return plot_calendar(self._obj, metric, **kwargs)
