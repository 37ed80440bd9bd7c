"""pinpoint-kpi-pandas: Amazon Pinpoint KPI answers as typed pandas DataFrames.

Importing the package registers ``pd.read_pinpoint_kpi`` (the same object as
:func:`read_pinpoint_kpi`). boto3, matplotlib and ipywidgets are imported only when first needed.
"""

from __future__ import annotations

import importlib
import warnings

import pandas as pd

from . import accessor, catalog  # noqa: F401  (accessor registers DataFrame.pinpoint)
from ._version import __version__
from .errors import PinpointKpiError
from .events import read_pinpoint_events
from .frame import kpi_frame
from .listing import list_applications, list_campaigns, list_journeys
from .reader import read_pinpoint_kpi
from .saved import inventory, read_pinpoint_kpi_json

__all__ = [
    "PinpointKpiError",
    "__version__",
    "catalog",
    "emulator",
    "inventory",
    "kpi_frame",
    "list_applications",
    "list_campaigns",
    "list_journeys",
    "read_pinpoint_events",
    "read_pinpoint_kpi",
    "read_pinpoint_kpi_json",
]

_LAZY_SUBMODULES = ("emulator", "plotting", "widgets", "cli")


def __getattr__(name: str):
    # Submodules with heavy or optional dependencies load on first use.
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register_pandas_reader() -> None:
    existing = getattr(pd, "read_pinpoint_kpi", None)
    ours = existing is None or getattr(existing, "__module__", "").startswith(__name__)
    if ours:
        setattr(pd, "read_pinpoint_kpi", read_pinpoint_kpi)  # noqa: B010  (pandas-stubs: no such name)
    else:
        warnings.warn(
            f"pandas already has a read_pinpoint_kpi from {getattr(existing, '__module__', '?')}; "
            "it was left alone. Call pinpoint_kpi_pandas.read_pinpoint_kpi instead.",
            stacklevel=3,
        )


_register_pandas_reader()
