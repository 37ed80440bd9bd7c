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
