"""Tests of pinpoint_kpi_pandas.events (a package: its conftest and helpers keep their names)."""
