"""Fixtures of the events tests: fresh hand-made archives, and Spark's loopback address."""

from __future__ import annotations

import os

import pytest

from .records import write_archive


@pytest.fixture
def archive(tmp_path):
    """``archive(records, **options)`` -> the folder of a fresh archive of those records."""
    counter = iter(range(1000))

    def make(records, **options):
        root = tmp_path / f"archive-{next(counter)}"
        write_archive(root, records, **options)
        return root

    return make


@pytest.fixture(scope="session", autouse=True)
def _spark_local_ip():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


SMALL_SCALE = 0.02
"""The scale of the emulator world the equality tests compare (a fiftieth: fast, not empty)."""


@pytest.fixture(scope="session")
def small_emulator():
    """An emulator of the small world: seed 0, the frozen default clock, scale 0.02."""
    from pinpoint_kpi_pandas import emulator

    with emulator.running(seed=0, scale=SMALL_SCALE) as emu:
        yield emu


@pytest.fixture(scope="session")
def emulator_archive(tmp_path_factory):
    """The small world's event archive (gzip NDJSON), from 2026-09-24 to the clock."""
    from datetime import date

    from pinpoint_kpi_pandas.emulator.archive import write_event_archive

    root = tmp_path_factory.mktemp("emulator-archive")
    write_event_archive(root, seed=0, scale=SMALL_SCALE, first_day=date(2026, 9, 24))
    return root
