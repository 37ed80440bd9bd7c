"""Fixtures shared by the whole suite.

- Every test runs with a clean AWS environment: no AWS_* variable of the developer's, config and
  credentials files that do not exist, and dummy credentials, so a real account is never used.
- ``emulator``: one running emulator for the session (seed 0, frozen clock 2026-10-29T12:00Z).
- ``pinpoint_client``: a real boto3 Pinpoint client pointed at it (no retries, so faults show).
- ``pinpoint_client_factory``: the same kind of client for another endpoint URL.
- ``sample_app``: the world's main sample project, "Acme Retail".
"""

from __future__ import annotations

import os

import pytest

_NO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-such-aws-file")
_DUMMY = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": _NO_FILE,
    "AWS_SHARED_CREDENTIALS_FILE": _NO_FILE,
}


def _clean_aws_env(mp: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            mp.delenv(name, raising=False)
    for name, value in _DUMMY.items():
        mp.setenv(name, value)


@pytest.fixture(scope="session", autouse=True)
def _aws_env_session():
    """Clean AWS environment for session-scoped fixtures (clients built before any test)."""
    with pytest.MonkeyPatch.context() as mp:
        _clean_aws_env(mp)
        yield


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch):
    """Clean AWS environment for each test, whatever an earlier test did to os.environ."""
    _clean_aws_env(monkeypatch)


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
