"""The emulator: a local Pinpoint analytics server for the real boto3 client and AWS CLI.

It ties the parts together: the world (:mod:`.world`), the operations answered from it
(:mod:`.operations`), the rest-json service around them (:mod:`.service`) and the HTTP/1.1 core
(:mod:`.httpcore`), and starts and stops them. Options are checked up front (:mod:`.options`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterable, Iterator

from .clock import Clock
from .faults import Faults
from .httpcore import HttpServer
from .operations import Operations
from .options import check_options
from .requestlog import RequestLog
from .service import OPERATIONS, Service
from .world import World, build_world

__all__ = ["OPERATIONS", "Emulator", "running"]


class Emulator:
    """A local Amazon Pinpoint analytics server speaking the real wire format.

    Point boto3 (``endpoint_url=emu.endpoint_url``) or the AWS CLI (``--endpoint-url``) at it.
    Any SigV4-signed request is accepted, whatever the credentials.

    Parameters
    ----------
    seed : int
        Seeds the world (ids, names, every counter) and the error draws.
    now : datetime, str or None
        The clock: None for the frozen :data:`~.clock.DEFAULT_NOW` (2026-10-29T12:00:00Z), an
        aware datetime or ISO string for another frozen instant, ``"system"`` for the wall clock.
    latency_ms : float
        Fixed delay per request.
    rate_limit : float or None
        Requests per second per operation before 429 TooManyRequestsException.
    burst : float or None
        Token-bucket size, at least 1, only with ``rate_limit``; default ``rate_limit``.
    error_rate : float
        Seeded share (0 to 1) of requests answered 500 InternalServerErrorException.
    failing_ids : iterable of str
        Application, campaign or journey ids whose KPI requests always answer 500.
    throttle_rate : float
        Seeded share (0 to 1 - ``error_rate``) of requests answered 429
        TooManyRequestsException, independent of timing.
    campaigns_per_project : int
        Campaigns in the main sample project.
    scale : float
        A fraction above 0 and at most 1 that shrinks every audience and volume of the world
        (:func:`~.world.build_world`); an event archive written with the same seed, clock and
        scale describes the same world.
    host : str
        Address to bind; loopback by default.
    port : int
        Port to bind, 0 to 65535; 0 picks a free one.

    Raises
    ------
    InvalidArgumentError, ArgumentTypeError
        An option out of range or of the wrong type (checked before anything is built or
        bound), naming it.

    Attributes
    ----------
    world : World
        The data served; ``world.applications[0]`` is the main sample.
    peak_in_flight : int
        The most requests the server was handling at once (since the last :meth:`clear_log`):
        shows a client's real concurrency.
    request_log : RequestLog
        Every request answered, oldest first.
    clock : Clock
        The emulator's clock.
    faults : Faults
        The injected faults.

    Examples
    --------
    >>> emu = Emulator(seed=0).start()
    >>> emu.endpoint_url.startswith("http://127.0.0.1:")
    True
    >>> emu.world.applications[0].name
    'Acme Retail'
    >>> emu.stop()
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        now: dt.datetime | str | None = None,
        latency_ms: float = 0,
        rate_limit: float | None = None,
        burst: float | None = None,
        error_rate: float = 0.0,
        failing_ids: Iterable[str] = (),
        campaigns_per_project: int = 12,
        host: str = "127.0.0.1",
        port: int = 0,
        throttle_rate: float = 0.0,
        scale: float = 1.0,
    ):
        failing_ids = list(failing_ids) if not isinstance(failing_ids, str) else failing_ids
        check_options(seed=seed, now=now, latency_ms=latency_ms, rate_limit=rate_limit, burst=burst,
                      error_rate=error_rate, throttle_rate=throttle_rate, failing_ids=failing_ids,
                      campaigns_per_project=campaigns_per_project, host=host, port=port,
                      scale=scale)  # fmt: skip
        self.seed = seed
        self.clock = Clock(now)
        self.world: World = build_world(seed, self.clock.today(), campaigns_per_project, scale)
        self.faults = Faults(
            latency_ms, rate_limit, burst, error_rate, failing_ids, seed, throttle_rate
        )
        self.operations = Operations(self.world, self.clock, self.faults)
        self.engine = self.operations.engine
        self.request_log = RequestLog()
        self._service = Service(self.operations, self.clock, self.request_log)
        self.host = host
        self.port = port
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind and serve in a background thread; returns self.

        Examples
        --------
        >>> emu = Emulator().start()
        >>> emu.port > 0
        True
        >>> emu.stop()
        """
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._server = HttpServer((self.host, self.port), self._service, ipv6=":" in self.host)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"pinpoint-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection (idempotent).

        Examples
        --------
        >>> emu = Emulator().start()
        >>> emu.stop(); emu.stop()
        """
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait(self) -> None:
        """Block until :meth:`stop` is called from another thread (or a signal handler)."""
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(timeout=0.2)

    def __enter__(self) -> Emulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        """The URL to pass as ``endpoint_url``, e.g. ``http://127.0.0.1:54321``."""
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def peak_in_flight(self) -> int:
        """The most requests handled at once since the last :meth:`clear_log`."""
        return self._service.peak_in_flight

    def clear_log(self) -> None:
        """Forget the requests logged so far (and the peak of requests in flight)."""
        self.request_log.clear()
        self._service.reset_peak()

    def handle(self, operation: str, params: dict[str, str], query: dict[str, str]) -> dict:
        """Answer one operation without HTTP: the body of a 200 answer, or raise ``ApiError``.

        Examples
        --------
        >>> emu = Emulator()
        >>> len(emu.handle("GetApps", {}, {})["Item"])
        3
        """
        return self.operations.handle(operation, params, query)

    def __repr__(self) -> str:
        state = self.endpoint_url if self._server is not None else "stopped"
        return f"<Emulator seed={self.seed} {self.clock!r} {state}>"


@contextlib.contextmanager
def running(
    seed: int = 0,
    now: dt.datetime | str | None = None,
    latency_ms: float = 0,
    rate_limit: float | None = None,
    burst: float | None = None,
    error_rate: float = 0.0,
    failing_ids: Iterable[str] = (),
    campaigns_per_project: int = 12,
    host: str = "127.0.0.1",
    port: int = 0,
    throttle_rate: float = 0.0,
    scale: float = 1.0,
) -> Iterator[Emulator]:
    """Run an :class:`Emulator` for the duration of a ``with`` block.

    Parameters are those of :class:`Emulator`.

    Yields
    ------
    Emulator
        Started; stopped when the block exits.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import emulator
    >>> with emulator.running(seed=0) as emu:
    ...     sample = emu.world.applications[0]
    ...     url = emu.endpoint_url
    >>> sample.name, url.startswith("http://127.0.0.1:")
    ('Acme Retail', True)

    With boto3::

        with emulator.running() as emu:
            client = boto3.client("pinpoint", endpoint_url=emu.endpoint_url,
                                  region_name="us-east-1", aws_access_key_id="testing",
                                  aws_secret_access_key="testing")
            app_id = emu.world.applications[0].id
            client.get_application_date_range_kpi(ApplicationId=app_id,
                                                   KpiName="txn-emails-sent-grouped-by-date")
    """
    emu = Emulator(
        seed=seed,
        now=now,
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        burst=burst,
        error_rate=error_rate,
        failing_ids=failing_ids,
        campaigns_per_project=campaigns_per_project,
        host=host,
        port=port,
        throttle_rate=throttle_rate,
        scale=scale,
    ).start()
    try:
        yield emu
    finally:
        emu.stop()
