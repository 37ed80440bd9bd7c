"""The emulator's options are checked up front, in Python and on the command line, by name."""

from __future__ import annotations

import pytest

from pinpoint_kpi_pandas import cli
from pinpoint_kpi_pandas import emulator as emulator_module
from pinpoint_kpi_pandas.emulator.faults import Faults, TokenBucket
from pinpoint_kpi_pandas.errors import ArgumentTypeError, InvalidArgumentError

# (options, the error, the option named in the message)
PYTHON_CASES = [
    ({"port": -1}, InvalidArgumentError, "port"),
    ({"port": 70000}, InvalidArgumentError, "port"),
    ({"port": "8080"}, ArgumentTypeError, "port"),
    ({"port": 80.5}, ArgumentTypeError, "port"),
    ({"host": ""}, ArgumentTypeError, "host"),
    ({"host": None}, ArgumentTypeError, "host"),
    ({"rate_limit": 10, "burst": 0}, InvalidArgumentError, "burst"),
    ({"rate_limit": 10, "burst": 0.5}, InvalidArgumentError, "burst"),
    ({"rate_limit": 10, "burst": -3}, InvalidArgumentError, "burst"),
    ({"burst": 5}, InvalidArgumentError, "rate_limit"),
    ({"rate_limit": 0}, InvalidArgumentError, "rate_limit"),
    ({"rate_limit": -1}, InvalidArgumentError, "rate_limit"),
    ({"rate_limit": float("inf")}, InvalidArgumentError, "rate_limit"),
    ({"rate_limit": "10"}, ArgumentTypeError, "rate_limit"),
    ({"latency_ms": -1}, InvalidArgumentError, "latency_ms"),
    ({"latency_ms": float("nan")}, InvalidArgumentError, "latency_ms"),
    ({"error_rate": 1.5}, InvalidArgumentError, "error_rate"),
    ({"error_rate": -0.1}, InvalidArgumentError, "error_rate"),
    ({"throttle_rate": 2}, InvalidArgumentError, "throttle_rate"),
    ({"error_rate": 0.6, "throttle_rate": 0.6}, InvalidArgumentError, "throttle_rate"),
    ({"failing_ids": "abc"}, ArgumentTypeError, "failing_ids"),
    ({"failing_ids": [""]}, ArgumentTypeError, "failing_ids"),
    ({"failing_ids": [3]}, ArgumentTypeError, "failing_ids"),
    ({"campaigns_per_project": -1}, InvalidArgumentError, "campaigns_per_project"),
    ({"campaigns_per_project": 2.5}, ArgumentTypeError, "campaigns_per_project"),
    ({"seed": "one"}, ArgumentTypeError, "seed"),
    ({"seed": True}, ArgumentTypeError, "seed"),
    ({"now": "yesterday"}, InvalidArgumentError, "now"),
    ({"now": 1700000000}, ArgumentTypeError, "now"),
    ({"scale": 0}, InvalidArgumentError, "scale"),
    ({"scale": 1.01}, InvalidArgumentError, "scale"),
]


@pytest.mark.parametrize(("options", "error", "named"), PYTHON_CASES, ids=str)
def test_python_options_are_refused_before_anything_is_bound(options, error, named, monkeypatch):
    def no_bind(*args, **kwargs):
        raise AssertionError("the emulator bound a socket before checking its options")

    monkeypatch.setattr(emulator_module.server.HttpServer, "__init__", no_bind)
    for make in (
        lambda: emulator_module.Emulator(**options),
        lambda: emulator_module.running(**options).__enter__(),
    ):
        with pytest.raises(error) as info:
            make()
        assert named in str(info.value)


def test_the_rate_limit_with_burst_0_no_longer_starts_and_answers_500():
    with pytest.raises(InvalidArgumentError, match="burst must be at least 1"):
        emulator_module.running(rate_limit=10, burst=0).__enter__()


def test_faults_and_token_buckets_check_their_arguments_too():
    with pytest.raises(InvalidArgumentError, match="burst"):
        Faults(rate_limit=5, burst=0)
    with pytest.raises(InvalidArgumentError, match="burst >= 1"):
        TokenBucket(rate=5, burst=0)
    assert Faults(rate_limit=0.5).burst == 1.0  # default: the rate, at least one request


def test_good_options_still_start():
    with emulator_module.running(rate_limit=10, burst=3, latency_ms=0, error_rate=0.1,
                                 throttle_rate=0.2, port=0, scale=0.5,
                                 now="2026-10-01T00:00:00Z") as emu:  # fmt: skip
        assert emu.port > 0 and emu.faults.burst == 3


# (flags, the flag named in the message)
CLI_CASES = [
    (["--port", "-1"], "--port"),
    (["--port", "70000"], "--port"),
    (["--rate-limit", "10", "--burst", "0"], "--burst"),
    (["--burst", "5"], "--rate-limit"),
    (["--rate-limit", "0"], "--rate-limit"),
    (["--rate-limit", "-2"], "--rate-limit"),
    (["--latency-ms", "-5"], "--latency-ms"),
    (["--error-rate", "2"], "--error-rate"),
    (["--throttle-rate", "-0.5"], "--throttle-rate"),
    (["--error-rate", "0.7", "--throttle-rate", "0.7"], "--throttle-rate"),
    (["--campaigns", "-3"], "--campaigns"),
    (["--scale", "0"], "--scale"),
    (["--scale", "5"], "--scale"),
    (["--now", "not-a-time"], "--now"),
    (["--failing-id", ""], "--failing-id"),
    (["--host", " "], "--host"),
]


@pytest.mark.parametrize(("flags", "named"), CLI_CASES, ids=str)
def test_cli_flags_are_refused_up_front_naming_the_flag(flags, named, capsys, monkeypatch):
    def no_start(self):
        raise AssertionError("the emulator started before checking its flags")

    monkeypatch.setattr(emulator_module.Emulator, "start", no_start)
    assert cli.main(["emulator", *flags]) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
