"""The HTTP/1.1 core: a threaded server that reads requests strictly and writes whole answers.

Each connection gets its own thread and is kept alive between requests, as botocore's connection
pool expects. A request is read with hard limits (request line, header lines, header count and
bytes) and two socket timeouts (idle between requests; the rest of a request once it has begun),
so a client that sends too much, too little or too slowly never holds a thread for long.
Anything malformed (a bad request line or header, a Content-Length that is not a byte count, a
body on a GET, a chunked body, limits exceeded) gets the application's 400 answer and the
connection is closed, since what follows on it can no longer be framed.

Each answer (status line, headers, body) is written with one ``send``: writing headers and body
separately stalls each request about 40 ms on a keep-alive connection (Nagle's algorithm meets
delayed ACK). Header parsing is a few string operations per line, not the stdlib's
``email.parser`` (which cost a quarter of the emulator's time per request).
"""

from __future__ import annotations

import contextlib
import http
import re
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

__all__ = [
    "HEADER_BYTES_LIMIT",
    "IDLE_TIMEOUT",
    "REQUEST_TIMEOUT",
    "Answer",
    "Application",
    "HttpServer",
    "Malformed",
    "Request",
    "read_request",
]

REQUEST_LINE_LIMIT = 8192
"""Longest request line, in bytes (method, target and version)."""
HEADER_LINE_LIMIT = 8192
"""Longest header line, in bytes."""
HEADER_COUNT_LIMIT = 100
"""Most header lines in one request."""
HEADER_BYTES_LIMIT = 65536
"""Most header bytes in one request."""
BODY_LIMIT = 65536
"""Largest body read (and discarded) on a method that may carry one; larger ones are refused."""
IDLE_TIMEOUT = 120.0
"""Seconds a kept-alive connection may wait for its next request before it is closed."""
REQUEST_TIMEOUT = 10.0
"""Seconds the rest of a request (headers, body) may take once its first line has arrived."""

_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_NO_BODY = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


class Malformed(Exception):
    """A request that cannot be read as HTTP/1.1: answered 400, then the connection is closed.

    Examples
    --------
    >>> Malformed("Content-Length must be a number of bytes, not '-1'.").message
    "Content-Length must be a number of bytes, not '-1'."
    """

    def __init__(self, message: str, method: str = "", target: str = ""):
        super().__init__(message)
        self.message = message
        self.method = method
        self.target = target


@dataclass(frozen=True)
class Request:
    """One request as read off the wire.

    Attributes
    ----------
    method, target, version : str
        From the request line (the target undecoded, path and query).
    headers : dict
        Header values by lowercase name (repeated headers joined with ``", "``).

    Examples
    --------
    >>> Request("GET", "/v1/apps", "HTTP/1.1", {}).keep_alive
    True
    """

    method: str
    target: str
    version: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def keep_alive(self) -> bool:
        """Whether the connection stays open after the answer (HTTP/1.1 unless ``close``)."""
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return "close" not in connection


@dataclass(frozen=True)
class Answer:
    """What the application answers: status, extra headers, body, and whether to close."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    close: bool = False


class Application(Protocol):
    """What the core serves: an answer for each request, one for malformed requests, the date."""

    def answer(self, request: Request) -> Answer: ...

    def malformed(self, error: Malformed) -> Answer: ...

    def http_date(self) -> str: ...


def read_request(rfile: BinaryIO) -> Request | None:
    """Read one request's line and headers (and discard a small body where one may be).

    Parameters
    ----------
    rfile : binary file
        The connection's buffered reader.

    Returns
    -------
    Request or None
        None when the connection closed cleanly before a request began.

    Raises
    ------
    Malformed
        The request cannot be framed; the caller answers 400 and closes.

    Examples
    --------
    >>> import io
    >>> request = read_request(io.BytesIO(b"GET /v1/apps HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"))
    >>> request.method, request.target, request.headers
    ('GET', '/v1/apps', {'host': 'x'})
    >>> read_request(io.BytesIO(b"GET / HTTP/1.1\\r\\nContent-Length: -1\\r\\n\\r\\n"))
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.emulator.httpcore.Malformed: Content-Length must be a number of bytes...
    """
    line = rfile.readline(REQUEST_LINE_LIMIT + 1)
    while line in (b"\r\n", b"\n"):  # tolerated between requests (RFC 9112, 2.2)
        line = rfile.readline(REQUEST_LINE_LIMIT + 1)
    if not line:
        return None
    method, target, version = _request_line(line)
    headers = _headers(rfile, method, target)
    _skip_body(rfile, method, target, headers)
    return Request(method, target, version, headers)


def _request_line(line: bytes) -> tuple[str, str, str]:
    if len(line) > REQUEST_LINE_LIMIT or not line.endswith(b"\n"):
        raise Malformed(f"The request line is longer than {REQUEST_LINE_LIMIT} bytes.")
    if not line.isascii():
        raise Malformed("The request line must be ASCII: percent-encode the path and query.")
    parts = line.decode("ascii").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not all(parts):
        raise Malformed("The request line must be 'METHOD /path HTTP/1.1'.")
    method, target, version = parts
    if not _TOKEN.issuperset(method):
        raise Malformed(f"Invalid method {method[:40]!r}.", target=target)
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise Malformed(f"Unsupported HTTP version {version[:20]!r}: use HTTP/1.1.", method, target)
    if _CONTROL.search(target):
        raise Malformed("The request target has control characters.", method)
    return method, target, version


def _headers(rfile: BinaryIO, method: str, target: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    total = 0
    for _ in range(HEADER_COUNT_LIMIT + 1):
        line = rfile.readline(HEADER_LINE_LIMIT + 1)
        total += len(line)
        if len(line) > HEADER_LINE_LIMIT or total > HEADER_BYTES_LIMIT:
            raise Malformed(
                f"Request headers too large: at most {HEADER_LINE_LIMIT} bytes a line and "
                f"{HEADER_BYTES_LIMIT} in all.",
                method,
                target,
            )
        if line in (b"\r\n", b"\n"):
            return headers
        if not line.endswith(b"\n"):
            raise Malformed("The connection closed in the middle of the headers.", method, target)
        text = line.decode("latin-1").rstrip("\r\n")
        name, colon, value = text.partition(":")
        if not colon or not name or not _TOKEN.issuperset(name):
            raise Malformed(f"Malformed header line {text[:60]!r}.", method, target)
        name, value = name.lower(), value.strip(" \t")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    raise Malformed(f"More than {HEADER_COUNT_LIMIT} request headers.", method, target)


def _skip_body(rfile: BinaryIO, method: str, target: str, headers: dict[str, str]) -> None:
    if "transfer-encoding" in headers:
        raise Malformed(
            "Transfer-Encoding is not supported: send a Content-Length.", method, target
        )
    length_text = headers.get("content-length")
    if length_text is None:
        return
    lengths = {part.strip() for part in length_text.split(",")}
    length_text = lengths.pop() if len(lengths) == 1 else length_text
    if not (length_text.isascii() and length_text.isdigit()):
        raise Malformed(
            f"Content-Length must be a number of bytes, not {length_text[:40]!r}.", method, target
        )
    length = int(length_text)
    if length and method in _NO_BODY:
        raise Malformed(
            f"A {method} request has no body (Content-Length {length}).", method, target
        )
    if length > BODY_LIMIT:
        raise Malformed(f"Request body too large: at most {BODY_LIMIT} bytes.", method, target)
    if length and len(rfile.read(length)) < length:
        raise Malformed("The connection closed in the middle of the body.", method, target)


def render(answer: Answer, date: str, keep_alive: bool, with_body: bool = True) -> bytes:
    """The bytes of an answer: status line, headers and (unless HEAD) body.

    Examples
    --------
    >>> render(Answer(200, b"{}"), "Thu, 29 Oct 2026 12:00:00 GMT", True).split(b"\\r\\n")[0]
    b'HTTP/1.1 200 OK'
    """
    lines = [
        f"HTTP/1.1 {answer.status} {http.HTTPStatus(answer.status).phrase}",
        f"Date: {date}",
        "Content-Type: application/json",
        f"Content-Length: {len(answer.body)}",
    ]
    lines += [f"{name}: {value}" for name, value in answer.headers]
    if not keep_alive:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + answer.body if with_body else head


class HttpServer(socketserver.ThreadingTCPServer):
    """A threaded HTTP/1.1 server for one :class:`Application`, closable connection by connection.

    Examples
    --------
    >>> class Hello:
    ...     def answer(self, request):
    ...         return Answer(200, b'{"hello": "world"}')
    ...     def malformed(self, error):
    ...         return Answer(400, b"{}", close=True)
    ...     def http_date(self):
    ...         return "Thu, 29 Oct 2026 12:00:00 GMT"
    >>> server = HttpServer(("127.0.0.1", 0), Hello())
    >>> server.server_address[1] > 0
    True
    >>> server.server_close()
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: Application, *, ipv6: bool = False):
        self.address_family = socket.AF_INET6 if ipv6 else socket.AF_INET
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every connection's thread (idle or mid-request) so it ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(socketserver.BaseRequestHandler):
    server: HttpServer

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        app = self.server.app
        with conn.makefile("rb") as rfile:
            while True:
                # Idle between requests for up to IDLE_TIMEOUT; once a byte of the next one has
                # come, all of it within REQUEST_TIMEOUT.
                conn.settimeout(IDLE_TIMEOUT)
                try:
                    if not rfile.peek(1):
                        return
                except (OSError, ValueError):  # idle too long, reset, or closed under us
                    return
                conn.settimeout(REQUEST_TIMEOUT)
                try:
                    request = read_request(rfile)
                except TimeoutError:
                    error = Malformed(f"The request did not arrive in full within "
                                      f"{REQUEST_TIMEOUT:g} s.")  # fmt: skip
                    self._send(app.malformed(error), keep_alive=False, with_body=True)
                    return
                except Malformed as error:
                    self._send(app.malformed(error), keep_alive=False, with_body=True)
                    return
                except (OSError, ValueError):  # reset, or closed under us
                    return
                if request is None:
                    return
                answer = app.answer(request)
                keep_alive = request.keep_alive and not answer.close
                if not self._send(answer, keep_alive, request.method != "HEAD") or not keep_alive:
                    return

    def _send(self, answer: Answer, keep_alive: bool, with_body: bool) -> bool:
        data = render(answer, self.server.app.http_date(), keep_alive, with_body)
        try:
            self.request.sendall(data)
        except OSError:
            return False
        return True
