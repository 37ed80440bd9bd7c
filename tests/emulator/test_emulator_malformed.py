"""Malformed requests over raw sockets: a 400 in the service's error shape, fast, no thread held."""

from __future__ import annotations

import json
import socket
import time

import pytest

from pinpoint_kpi_pandas import emulator as emulator_module
from pinpoint_kpi_pandas.emulator import httpcore

AUTH = "Authorization: AWS4-HMAC-SHA256 Credential=testing/20261029/us-east-1/x/aws4_request\r\n"
WAIT = 5.0  # seconds a test waits for an answer; the old server never answered some of these


def exchange(port: int, data: bytes, wait: float = WAIT, head_only=False) -> tuple[bytes, bool]:
    """Send raw bytes, read until the server closes or one whole answer came; (answer, closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        out = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                pytest.fail(f"no answer within {wait} s to {data[:60]!r}")
            if not chunk:
                return out, True
            out += chunk
            head, sep, body = out.partition(b"\r\n\r\n")
            if sep and (head_only or len(body) >= _content_length(head)):
                return out, False


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            return int(value)
    return 0


def parse(answer: bytes) -> tuple[int, dict[str, str], dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.lower()] = value.strip()
    return int(lines[0].split()[1]), headers, json.loads(body) if body else {}


@pytest.fixture
def emu():
    with emulator_module.running() as running_emulator:
        yield running_emulator


def _kpi_path(emu) -> str:
    return f"/v1/apps/{emu.world.applications[0].id}/kpis/daterange/txn-emails-sent"


MALFORMED = {
    "negative Content-Length": "GET /v1/apps HTTP/1.1\r\n{auth}Content-Length: -1\r\n\r\n",
    "Content-Length not a number": "GET /v1/apps HTTP/1.1\r\n{auth}Content-Length: 12abc\r\n\r\n",
    "two different Content-Lengths": (
        "GET /v1/apps HTTP/1.1\r\n{auth}Content-Length: 1\r\nContent-Length: 2\r\n\r\n"
    ),
    "body on a GET": "GET /v1/apps HTTP/1.1\r\n{auth}Content-Length: 5\r\n\r\nhello",
    "chunked body": "GET /v1/apps HTTP/1.1\r\n{auth}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "body too large": "POST /v1/apps HTTP/1.1\r\n{auth}Content-Length: 10000000\r\n\r\n",
    "not a request line": "HELLO\r\n\r\n",
    "HTTP/2 preface": "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "unknown HTTP version": "GET /v1/apps HTTP/3.0\r\n{auth}\r\n",
    "bad method token": "G(E)T /v1/apps HTTP/1.1\r\n{auth}\r\n",
    "control character in the target": "GET /v1/a\tpps HTTP/1.1\r\n{auth}\r\n",
    "raw non-ASCII in the target": "GET /v1/apps/\xe9 HTTP/1.1\r\n{auth}\r\n",
    "target without a slash": "GET v1/apps HTTP/1.1\r\n{auth}\r\n",
    "bad percent escape in the path": "GET /v1/apps/%ZZ HTTP/1.1\r\n{auth}\r\n",
    "path not UTF-8": "GET /v1/apps/%FF%FE HTTP/1.1\r\n{auth}\r\n",
    "query field without =": "GET {kpi}?start-time HTTP/1.1\r\n{auth}\r\n",
    "query with a bad escape": "GET {kpi}?start-time=2026-10-01%G1 HTTP/1.1\r\n{auth}\r\n",
    "query not UTF-8": "GET {kpi}?start-time=%C3%28 HTTP/1.1\r\n{auth}\r\n",
    "query parameter twice": (
        "GET {kpi}?start-time=2026-10-01&start-time=2026-10-02 HTTP/1.1\r\n{auth}\r\n"
    ),
    "empty query field": (
        "GET {kpi}?start-time=2026-10-01&&end-time=2026-10-02 HTTP/1.1\r\n{auth}\r\n"
    ),
    "header line without a colon": "GET /v1/apps HTTP/1.1\r\n{auth}NoColonHere\r\n\r\n",
    "header name with a space": "GET /v1/apps HTTP/1.1\r\n{auth}Bad Name: x\r\n\r\n",
    "folded header line": "GET /v1/apps HTTP/1.1\r\n{auth}X-A: 1\r\n  folded\r\n\r\n",
    "huge header": "GET /v1/apps HTTP/1.1\r\n{auth}X-Big: " + "a" * 20_000 + "\r\n\r\n",
    "too many headers": (
        "GET /v1/apps HTTP/1.1\r\n{auth}" + "".join(f"X-H{i}: v\r\n" for i in range(150)) + "\r\n"
    ),
    "huge request line": "GET /v1/apps?" + "a=b&" * 5000 + "c=d HTTP/1.1\r\n{auth}\r\n",
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_request_answers_400_in_the_service_shape(emu, case):
    data = MALFORMED[case].replace("{auth}", AUTH).replace("{kpi}", _kpi_path(emu))
    if not data.endswith("\r\n\r\n") and "\r\n\r\n" not in data:
        data += "\r\n"
    started = time.monotonic()
    answer, _ = exchange(emu.port, data.encode("latin-1"))
    assert time.monotonic() - started < WAIT
    status, headers, body = parse(answer)
    assert status == 400
    assert headers["x-amzn-errortype"] == "BadRequestException"
    assert set(body) == {"Message", "RequestID"}
    assert body["RequestID"] == headers["x-amzn-requestid"]
    assert body["Message"]
    (logged,) = [e for e in emu.request_log if e.request_id == body["RequestID"]]
    assert (logged.status, logged.error_code) == (400, "BadRequestException")
    # The server is unharmed: the next request on a new connection is answered.
    ok, _ = exchange(emu.port, f"GET /v1/apps HTTP/1.1\r\n{AUTH}\r\n".encode())
    assert parse(ok)[0] == 200


def test_framing_errors_close_the_connection(emu):
    bad = f"GET /v1/apps HTTP/1.1\r\n{AUTH}Content-Length: -1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", emu.port), timeout=WAIT) as sock:
        sock.sendall((bad + f"GET /v1/apps HTTP/1.1\r\n{AUTH}\r\n").encode())
        received = b""
        while chunk := sock.recv(65536):  # until the server closes
            received += chunk
    assert parse(received)[0] == 400 and b"Connection: close" in received
    # The bytes after a bad frame are never read as a request.
    assert received.count(b"HTTP/1.1 ") == 1
    assert emu.request_log.count(status=400) == 1 and len(emu.request_log) == 1


def test_a_bad_query_keeps_the_connection_alive(emu):
    with socket.create_connection(("127.0.0.1", emu.port), timeout=WAIT) as sock:
        bad = f"GET {_kpi_path(emu)}?start-time HTTP/1.1\r\n{AUTH}\r\n"
        good = f"GET /v1/apps HTTP/1.1\r\n{AUTH}\r\n"
        sock.sendall((bad + good).encode())
        received = b""
        while received.count(b"HTTP/1.1 ") < 2 or not received.endswith(b"}"):
            received += sock.recv(65536)
    assert received.startswith(b"HTTP/1.1 400 ") and b"HTTP/1.1 200 OK" in received


def test_a_stalled_request_holds_no_other_client_and_ends_in_400(emu, monkeypatch, kpi_caller):
    monkeypatch.setattr(httpcore, "REQUEST_TIMEOUT", 0.5)
    stalled = socket.create_connection(("127.0.0.1", emu.port), timeout=WAIT)
    truncated = socket.create_connection(("127.0.0.1", emu.port), timeout=WAIT)
    try:
        stalled.sendall(f"GET /v1/apps HTTP/1.1\r\n{AUTH}X-Partial: ".encode())
        truncated.sendall(f"POST /v1/apps HTTP/1.1\r\n{AUTH}Content-Length: 10\r\n\r\nab".encode())
        # Meanwhile, boto3 is served as usual.
        caller = kpi_caller(emu.endpoint_url, emu.world.applications[0].id)
        assert caller.value("txn-emails-sent", start="2026-10-01", end="2026-10-02") > 0
        for sock in (stalled, truncated):
            answer = sock.recv(65536)
            status, _, body = parse(answer)
            assert status == 400 and "did not arrive in full" in body["Message"]
            assert sock.recv(65536) == b""  # closed
    finally:
        stalled.close()
        truncated.close()


def test_keep_alive_http_1_0_and_head(emu):
    with socket.create_connection(("127.0.0.1", emu.port), timeout=WAIT) as sock:
        for _ in range(3):  # one connection, three answers
            sock.sendall(f"GET /v1/apps HTTP/1.1\r\n{AUTH}\r\n".encode())
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(65536)
            head, _, body = head.partition(b"\r\n\r\n")
            while len(body) < _content_length(head):
                body += sock.recv(65536)
            assert head.startswith(b"HTTP/1.1 200 ")
    answer, _ = exchange(emu.port, f"GET /v1/apps HTTP/1.0\r\n{AUTH}\r\n".encode())
    assert parse(answer)[0] == 200 and b"Connection: close" in answer
    answer, _ = exchange(emu.port, f"HEAD /v1/apps HTTP/1.1\r\n{AUTH}\r\n".encode(),
                         head_only=True)  # fmt: skip
    assert parse(answer)[0] == 405  # the operations are GETs; no body follows a HEAD answer
    assert answer.endswith(b"\r\n\r\n")


def test_an_absolute_form_target_is_served(emu):
    answer, _ = exchange(emu.port, f"GET http://127.0.0.1/v1/apps HTTP/1.1\r\n{AUTH}\r\n".encode())
    status, _, body = parse(answer)
    assert status == 200 and len(body["Item"]) == 3
