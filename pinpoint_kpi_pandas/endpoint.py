"""Which endpoint a client talks to, and whether it is the bundled emulator.

The emulator needs no AWS credentials: it accepts any SigV4 signature. The library knows an
endpoint is the emulator only when **the endpoint says so**: the emulator answers
``GET /.well-known/pinpoint-kpi-emulator`` with its name and version (before checking any
signature, and outside its request log and its faults). The address alone decides nothing: a
loopback URL may be the user's own tunnel or proxy to AWS (where placeholder credentials would
only fail), and the emulator may run on another host (a container). An endpoint that claims to
be the emulator gets placeholder credentials, never the user's, so a false claim gains nothing.

An endpoint that answered but is not the emulator is remembered as such for the life of the
process (one question per real endpoint); the emulator is asked each time a client is built (a
loopback round trip), so a stopped emulator is noticed at once, before any request.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from typing import NamedTuple

__all__ = [
    "EMULATOR_CREDENTIALS",
    "EMULATOR_IDENTITY_PATH",
    "EMULATOR_NAME",
    "EndpointProbe",
    "configured_endpoint",
    "emulator_identity",
    "probe_endpoint",
]

EMULATOR_IDENTITY_PATH = "/.well-known/pinpoint-kpi-emulator"
"""Where the emulator says what it is (an RFC 8615 well-known path)."""

EMULATOR_NAME = "pinpoint-kpi-pandas emulator"
"""The ``Emulator`` member of the emulator's identity answer."""

EMULATOR_CREDENTIALS = {
    "aws_access_key_id": "pinpoint-kpi-emulator",
    "aws_secret_access_key": "pinpoint-kpi-emulator",
}
"""What requests to the emulator are signed with: placeholders, never anyone's real keys."""

PROBE_TIMEOUT_S = 2.0

_known: dict[str, bool] = {}
_known_lock = threading.Lock()


class EndpointProbe(NamedTuple):
    """What asking an endpoint for its identity found.

    Examples
    --------
    >>> EndpointProbe(is_emulator=False, problem="connection refused").problem
    'connection refused'
    """

    is_emulator: bool
    problem: str | None = None
    """Why nothing answered (connection refused, timed out), or None when it answered."""


def emulator_identity(version: str) -> dict[str, str]:
    """The body the emulator answers at :data:`EMULATOR_IDENTITY_PATH`.

    Examples
    --------
    >>> emulator_identity("0.1.0")
    {'Emulator': 'pinpoint-kpi-pandas emulator', 'Version': '0.1.0'}
    """
    return {"Emulator": EMULATOR_NAME, "Version": version}


def configured_endpoint(endpoint_url: str | None) -> str | None:
    """The endpoint a client will use: ``endpoint_url``, else the one the environment sets.

    botocore reads ``AWS_ENDPOINT_URL_PINPOINT``, then ``AWS_ENDPOINT_URL``, unless
    ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` is true. None means AWS's own endpoint for the
    Region (an endpoint set only in an AWS config file also counts as None here: it is then
    treated as a real endpoint, which needs real credentials).

    Examples
    --------
    >>> configured_endpoint("http://127.0.0.1:4566")
    'http://127.0.0.1:4566'
    """
    if endpoint_url:
        return endpoint_url
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    for name in ("AWS_ENDPOINT_URL_PINPOINT", "AWS_ENDPOINT_URL"):
        if os.environ.get(name):
            return os.environ[name]
    return None


def probe_endpoint(endpoint_url: str, *, timeout: float = PROBE_TIMEOUT_S) -> EndpointProbe:
    """Ask ``endpoint_url`` whether it is the bundled emulator (one unsigned ``GET``).

    Parameters
    ----------
    endpoint_url : str
        Base URL, as given to boto3's ``endpoint_url``.
    timeout : float, default 2.0
        Seconds to wait for the connection and the answer.

    Returns
    -------
    EndpointProbe
        ``is_emulator`` True only when the endpoint answered with the emulator's identity;
        ``problem`` says why nothing answered, if so.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import emulator
    >>> with emulator.running() as emu:
    ...     probe_endpoint(emu.endpoint_url)
    EndpointProbe(is_emulator=True, problem=None)
    >>> probe_endpoint("http://127.0.0.1:9").is_emulator  # nothing listens on port 9
    False
    """
    base = endpoint_url.rstrip("/")
    with _known_lock:
        if base in _known:
            return EndpointProbe(_known[base])
    try:
        request = urllib.request.Request(base + EMULATOR_IDENTITY_PATH, method="GET")
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(4096)
        identity = json.loads(body)
        found = isinstance(identity, dict) and identity.get("Emulator") == EMULATOR_NAME
    except urllib.error.HTTPError:
        found = False  # it answered, with an error: a real service, or some other server
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return EndpointProbe(False, str(reason) or type(reason).__name__)
    except ValueError:  # not JSON, or not a URL urllib can open
        found = False
    if not found:
        with _known_lock:
            _known[base] = False
    return EndpointProbe(found)
