"""Fixtures for every test the repository collects: tests/, the package's doctests, notebooks.

Every test runs with a clean AWS environment: no AWS_* variable of the developer's, config and
credentials files that do not exist, and dummy credentials, so a real account is never used
(the emulator accepts any SigV4 signature).
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
