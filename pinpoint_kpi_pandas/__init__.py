"""pinpoint-kpi-pandas: Amazon Pinpoint KPI answers as typed pandas DataFrames."""

from __future__ import annotations

from . import catalog
from .errors import PinpointKpiError

__version__ = "0.1.0"

__all__ = ["PinpointKpiError", "__version__", "catalog"]
