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


# ------------------------------------------------------------------ documented examples (Sybil)
# The Python blocks of README.md and docs/*.md run as tests, top to bottom in one namespace per
# document, as a reader would run them. What a page assumes (a project id, saved files) is made
# by hidden blocks in the page itself (``<!-- invisible-code-block: python`` in README.md,
# ``% invisible-code-block: python`` in MyST pages), never by editing the code shown; an example
# that cannot run here says so with ``skip: next "reason"``.


def _document_setup(namespace: dict) -> None:
    """Each page runs in an empty AWS environment, in a fresh working directory."""
    import tempfile

    saved = {"environ": dict(os.environ), "cwd": os.getcwd()}
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ.update(_EMPTY, MPLBACKEND="Agg")
    workdir = tempfile.TemporaryDirectory(prefix="docs-example-")
    os.chdir(workdir.name)
    namespace["__docs_saved__"] = (saved, workdir)


def _document_teardown(namespace: dict) -> None:
    """Stop the emulators a page left running, close its figures, restore what it changed."""
    from pinpoint_kpi_pandas.emulator import Emulator

    for value in list(namespace.values()):
        if isinstance(value, Emulator):
            value.stop()
    if "matplotlib.pyplot" in __import__("sys").modules:
        import matplotlib.pyplot as plt

        plt.close("all")
    saved, workdir = namespace.pop("__docs_saved__")
    os.chdir(saved["cwd"])
    os.environ.clear()
    os.environ.update(saved["environ"])
    workdir.cleanup()


def _documented_examples():
    from sybil import Sybil
    from sybil.parsers import markdown, myst

    common = dict(setup=_document_setup, teardown=_document_teardown)
    readme = Sybil(
        parsers=[markdown.PythonCodeBlockParser(), markdown.SkipParser()],
        patterns=["README.md"],
        name="readme",
        **common,
    )
    pages = Sybil(
        parsers=[myst.PythonCodeBlockParser(), myst.SkipParser()],
        patterns=["docs/*.md"],
        excludes=["docs/_build/*"],
        name="docs",
        **common,
    )
    return (readme + pages).pytest()


pytest_collect_file = _documented_examples()
