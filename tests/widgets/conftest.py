"""The dashboard tests' emulator, sample project and dashboard (over a project id)."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")
from pinpoint_kpi_pandas import widgets

START, END = "2026-10-01", "2026-10-28"  # within 31 days: every chart works


@pytest.fixture
def emu(emulator):
    return emulator


@pytest.fixture
def app(sample_app):
    return sample_app


@pytest.fixture
def dash(emu, app):
    return widgets.compare_campaigns(
        app.id, start_time=START, end_time=END, endpoint_url=emu.endpoint_url
    )
