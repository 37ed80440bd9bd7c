"""Fixtures shared by the whole suite.

- The empty AWS environment (no developer config, no credentials) comes from the repository's
  root ``conftest.py``, so doctests, documented examples and notebooks run in it too. Tests here
  also get dummy credentials and a Region (``_dummy_aws_credentials``), for the tools that sign
  requests themselves (the AWS CLI, moto's clients); the library needs none for the emulator,
  and ``tests/test_client.py`` proves it with them removed.
- ``emulator``: one running emulator for the session (seed 0, frozen clock 2026-10-29T12:00Z).
- ``pinpoint_client``: a real boto3 Pinpoint client pointed at it (no retries, so faults show).
- ``pinpoint_client_factory``: the same kind of client for another endpoint URL.
- ``sample_app``: the world's main sample project, "Acme Retail".
"""

from __future__ import annotations

import pytest

DUMMY_AWS_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(autouse=True)
def _dummy_aws_credentials(_aws_env, monkeypatch):
    """Dummy credentials and Region in the environment of every test under tests/."""
    for name, value in DUMMY_AWS_CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def emulator():
    """A running emulator: seed 0, frozen clock (2026-10-29T12:00:00Z), no faults."""
    from pinpoint_kpi_pandas import emulator as emulator_module

    with emulator_module.running(seed=0) as emu:
        yield emu


@pytest.fixture(scope="session")
def pinpoint_client_factory(_aws_env_session):
    """``make(endpoint_url, **config)`` -> a boto3 Pinpoint client with dummy credentials.

    Retries are off unless ``retries=`` is passed, so tests see every fault the server injects.
    """
    import boto3
    import botocore.config

    def make(endpoint_url: str, **config):
        # total_max_attempts counts the first try; botocore's "max_attempts" counts retries only.
        config.setdefault("retries", {"mode": "standard", "total_max_attempts": 1})
        return boto3.session.Session().client(
            "pinpoint",
            endpoint_url=endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=botocore.config.Config(**config),
        )

    return make


@pytest.fixture(scope="session")
def pinpoint_client(emulator, pinpoint_client_factory):
    """A real boto3 Pinpoint client talking to the session's emulator."""
    return pinpoint_client_factory(emulator.endpoint_url)


@pytest.fixture(scope="session")
def sample_app(emulator):
    """The main sample project ("Acme Retail"): ``.id``, ``.campaigns``, ``.journeys``."""
    return emulator.world.applications[0]
