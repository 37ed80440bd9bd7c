"""Fixtures for every test the repository collects: tests/, the package's doctests, the
documented examples (README.md, docs/*.md) and the notebooks.

Every test runs in an empty AWS environment, as on a machine where AWS was never set up: none
of the developer's AWS_* variables, config and credentials files that do not exist, and **no
credentials**. The bundled emulator needs none (the library signs its requests with placeholder
credentials, see ``pinpoint_kpi_pandas.endpoint``), so nothing here passes because keys were
injected; a test that talks to something else (the AWS CLI, moto) passes its own dummy keys.
"""

from __future__ import annotations

import os

import pytest

_NO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-such-aws-file")
_EMPTY = {
    "AWS_CONFIG_FILE": _NO_FILE,
    "AWS_SHARED_CREDENTIALS_FILE": _NO_FILE,
    # No instance-metadata lookups: a developer's laptop is not an EC2 instance, and CI's might be.
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _empty_aws_env(mp: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            mp.delenv(name, raising=False)
    for name, value in _EMPTY.items():
        mp.setenv(name, value)


@pytest.fixture(scope="session", autouse=True)
def _aws_env_session():
    """Empty AWS environment for session-scoped fixtures and the notebooks' kernels."""
    with pytest.MonkeyPatch.context() as mp:
        _empty_aws_env(mp)
        yield


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch):
    """Empty AWS environment for each test, whatever an earlier test did to os.environ."""
    _empty_aws_env(monkeypatch)
