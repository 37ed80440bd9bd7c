"""The command-line tests draw with Agg and read the emulator's sample project."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _agg_backend(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture
def app(emulator):
    return emulator.world.applications[0]
