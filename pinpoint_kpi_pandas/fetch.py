"""Running a plan: store look-ups, concurrent calls on one client, progress, error collection.

Each :class:`KpiRequest` is answered from the response store when it holds a final answer, else
by one boto3 call on a bounded thread pool that shares one client (botocore clients are
thread-safe). botocore retries throttling and 5xx answers; a :class:`RequestPacer` slows every
attempt to the service's pace once it throttles, and holds an optional fixed ceiling. A failed
request never stops the others: every failure is collected and reported once all requests are
done. Results come back in plan order whatever order they complete in.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import (
    AccessDeniedError,
    InvalidArgumentError,
    LargeReadWarning,
    MissingFromStoreError,
    ServiceError,
    warn_user,
)
from .parse import answer_clock
from .plan import KpiRequest
from .retries import UNREACHABLE_FIX, unreachable_from
from .store import ResponseStore

__all__ = [
    "DEFAULT_MAX_WORKERS",
    "LARGE_READ_SECONDS",
    "LISTED",
    "SERVICE_QUOTA",
    "UNREACHABLE_FIX",
    "FetchOutcome",
    "RequestPacer",
    "fetch_responses",
    "service_error",
]

DEFAULT_MAX_WORKERS = 16
"""Threads per read. Measured (benchmarks/fetch_many.py, 2 cores): against 25 ms latency, 8
threads took 1.9 s for 400 calls, 16 took 1.0 s, 24 and 32 no better (the client's own CPU is
then the limit). At AWS's usual 50-100 ms, 16 threads make 160-320 requests/s: about the
300 requests/s quota, which botocore's retries absorb."""

SERVICE_QUOTA = 300
"""Pinpoint's request quota, per second, per account and Region (shared with every caller)."""

LARGE_READ_SECONDS = 60.0
"""A read that takes longer than this at :data:`SERVICE_QUOTA` is said so before it starts."""

LISTED = 10
"""Requests a message lists by name; the rest are counted (the error's attribute has all)."""

PROGRESS_THRESHOLD = 4
"""A progress bar appears (when interactive) for reads making more calls than this."""


@dataclass
class FetchOutcome:
    """What running a plan produced, in plan order.

    Attributes
    ----------
    responses : list of dict or None
        One per request; None where the request failed.
    sources : list of str or None
        ``"api"`` or ``"cache"`` per request; None where it failed.
    failures : list of ServiceError
        The failed requests' errors, in plan order.
    clocks : list of datetime or None
        The service's clock when each answer was given, where its days may not all be final:
        the HTTP ``Date`` of a live answer (the local clock if it had none), the recorded clock
        of a provisional stored answer; None for final stored answers and failed requests.

    Examples
    --------
    >>> outcome = FetchOutcome(responses=[{"KpiResult": {"Rows": []}}, None],
    ...                        sources=["cache", None])
    >>> outcome.calls  # the failed request went to the service; the cached one did not
    1
    """

    responses: list[dict | None]
    sources: list[str | None]
    failures: list[ServiceError] = field(default_factory=list)
    clocks: list[datetime | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.clocks:
            self.clocks = [None] * len(self.responses)

    @property
    def calls(self) -> int:
        """How many requests went to the service (successful or not)."""
        return sum(1 for s in self.sources if s != "cache")


class RequestPacer:
    """Paces every HTTP attempt a client makes during one read, first calls and retries alike.

    botocore retries throttled calls with jittered exponential backoff; when many threads keep
    sending at a quota, a few unlucky requests are throttled again and again and their backoff
    (1, 2, 4, 8 s ...) sets the wall time. The pacer prevents that pile-up under a rate limit:

    - it does nothing until the service has throttled and a full second of answers (since the
      first attempt) measures the rate it answers successfully; it then spaces attempts at
      that rate;
    - every quarter second (or once 12 answers have come, if fewer came) it looks at the share
      of 429s in the answers since its last look:
      above 5% it slows down by a quarter, at 1% or less it speeds up by 10%, else it holds;
    - each time slowing down has halved the pace, it checks that the share of 429s fell with
      it (under a rate limit it does: share = 1 - limit / pace); if it stayed within three
      quarters of what it was, the 429s are not about the rate, and it stops pacing for the
      rest of the read.

    ``max_rate`` is a fixed ceiling, applied from the first attempt. The pacer hooks the
    client's ``before-send`` and ``response-received`` events for one read only; two reads
    sharing one ``client=`` at the same time each pace all of its attempts.

    Parameters
    ----------
    max_rate : float, optional
        Requests per second never exceeded; None for no ceiling until the service throttles.
    clock : callable, default time.monotonic
        Seconds, for measuring rates (tests pass their own).

    Examples
    --------
    >>> pacer = RequestPacer(max_rate=1000.0)
    >>> pacer.wait()
    >>> pacer.rate
    1000.0
    """

    _WINDOW = 1.0  # seconds of answers that measure the service
    _SETTLE = 0.25  # seconds between adjustments
    _SLOWER, _FASTER = 0.75, 1.10
    _HIGH, _LOW = 0.05, 0.01  # shares of 429s that slow down / allow speeding up
    _RESPONSIVE = 0.75  # after halving the pace, the share of 429s must fall below this part
    _SAMPLE = 12  # answers a look needs (at a slow pace, a look waits for them)

    def __init__(
        self, max_rate: float | None = None, *, clock: Callable[[], float] = time.monotonic
    ):
        if max_rate is not None and not max_rate > 0:
            raise InvalidArgumentError(
                f"max_rate must be a positive number of requests/s, not {max_rate!r}."
            )
        self._clock = clock
        self.max_rate = max_rate
        self.rate: float | None = max_rate
        self.throttled = 0
        self.gave_up = False
        self._next = clock()
        self._first: float | None = None
        self._paced_since: float | None = None
        self._checkpoint: tuple[float, float] | None = None  # (pace, share of 429s) then
        self._answers: deque[tuple[float, bool]] = deque()  # (time, throttled), last second
        self._since_look: list[bool] = []  # throttled?, per answer since the last adjustment
        self._last_look = float("-inf")
        self._lock = threading.Lock()

    @property
    def next_slot(self) -> float:
        """When (on ``clock``) the next attempt may be sent, while pacing; read-only."""
        return self._next

    @property
    def recent_answers(self) -> int:
        """How many answers the pacer saw in the last second (what it measures); read-only."""
        return len(self._answers)

    def _capped(self, rate: float) -> float:
        rate = max(rate, 1.0)
        return min(rate, self.max_rate) if self.max_rate else rate

    def wait(self, **_: Any) -> None:
        """Block until the next attempt may be sent (a ``before-send`` handler)."""
        with self._lock:
            now = self._clock()
            if self._first is None:
                self._first = now
            if self.rate is None:
                return
            slot = max(now, self._next)
            self._next = slot + 1.0 / self.rate
        if slot > now:
            time.sleep(slot - now)

    def observe(self, response_dict: dict | None = None, **_: Any) -> None:
        """Note an attempt's outcome (a ``response-received`` handler)."""
        status = (response_dict or {}).get("status_code")
        if status is None or (status >= 400 and status != 429):
            return  # transport errors and 5xx say nothing about the rate
        throttled = status == 429
        with self._lock:
            now = self._clock()
            answers = self._answers
            answers.append((now, throttled))
            while answers[0][0] < now - self._WINDOW:
                answers.popleft()
            self._since_look.append(throttled)
            self.throttled += throttled
            first = self._first if self._first is not None else now
            if self.gave_up or now - first < self._WINDOW:
                return
            if self._paced_since is None:
                if throttled:  # start pacing at the rate the service answers successfully
                    self._start_pacing(now)
                return
            if (
                now - self._last_look < self._SETTLE
                or len(self._since_look) < self._SAMPLE
                or self.rate is None
            ):
                return  # too soon, or too few answers for a share to mean anything
            self._adjust(now)

    def _start_pacing(self, now: float) -> None:
        answers = self._answers
        self._paced_since = self._last_look = now
        successes = len(answers) - sum(t for _, t in answers)
        self.rate = self._capped(successes / self._WINDOW)
        self._next = max(self._next, now)
        self._since_look = []

    def _adjust(self, now: float) -> None:
        """One look at the share of 429s since the last: slow down, speed up, or give up."""
        assert self.rate is not None
        recent = sum(self._since_look) / len(self._since_look)
        self._since_look, self._last_look = [], now
        if self._checkpoint is None:
            self._checkpoint = (self.rate, recent)
        elif self.rate <= self._checkpoint[0] / 2:
            if recent > self._HIGH and recent > self._RESPONSIVE * self._checkpoint[1]:
                self.gave_up = True  # halving the pace did not cut the 429s
                self.rate, self._paced_since = self.max_rate, None
                return
            self._checkpoint = (self.rate, recent)
        if recent > self._HIGH:
            self.rate = self._capped(self.rate * self._SLOWER)
        elif recent <= self._LOW:
            self.rate = self._capped(self.rate * self._FASTER)
            if self.rate > self._checkpoint[0]:
                self._checkpoint = (self.rate, recent)

    @contextmanager
    def attached(self, client: Any) -> Iterator[None]:
        """Pace ``client``'s attempts for the duration of the block."""
        events = client.meta.events
        key = f"pinpoint-kpi-pacer-{id(self)}"
        events.register("before-send.pinpoint", self.wait, unique_id=key + "-send")
        events.register("response-received.pinpoint", self.observe, unique_id=key + "-seen")
        try:
            yield
        finally:
            events.unregister("before-send.pinpoint", unique_id=key + "-send")
            events.unregister("response-received.pinpoint", unique_id=key + "-seen")


def fetch_responses(
    requests: Sequence[KpiRequest],
    *,
    client_factory: Callable[[], Any],
    store: ResponseStore | None = None,
    offline: bool = False,
    max_workers: int = DEFAULT_MAX_WORKERS,
    max_rate: float | None = None,
    progress: bool | None = None,
) -> FetchOutcome:
    """Answer every request, from the store where possible, else from the service.

    Parameters
    ----------
    requests : sequence of KpiRequest
        The plan, in assembly order.
    client_factory : callable
        Returns the boto3 client; called at most once, and only if a call is needed (so offline
        and fully cached reads never import boto3 or need credentials).
    store : ResponseStore, optional
        Where answers are looked up first and saved after a successful call.
    offline : bool, default False
        Never call the service; every request the store lacks is named in a
        :class:`MissingFromStoreError`.
    max_workers : int, default 16
        Concurrent calls.
    max_rate : float, optional
        Client-side ceiling in requests per second.
    progress : bool, optional
        Show a tqdm bar; None shows one only in interactive sessions and for more than a few
        calls.

    Returns
    -------
    FetchOutcome

    Examples
    --------
    >>> fetch_responses([], client_factory=lambda: None).responses
    []
    """
    n = len(requests)
    responses: list[dict | None] = [None] * n
    sources: list[str | None] = [None] * n
    clocks: list[datetime | None] = [None] * n
    pending: list[int] = []
    for i, request in enumerate(requests):
        found = store.lookup(request, allow_provisional=offline) if store is not None else None
        if found is not None:
            responses[i], sources[i], clocks[i] = found.document, "cache", found.as_of
        else:
            pending.append(i)

    if offline and pending:
        missing = [requests[i] for i in pending]
        listed = "\n  ".join(r.describe() for r in missing[:LISTED])
        if len(missing) > LISTED:
            listed += f"\n  ... and {len(missing) - LISTED} more (every one is in .missing)"
        where = f"the store at {store.root}" if store is not None else "no store (cache=None)"
        raise MissingFromStoreError(
            f"offline=True, but {where} lacks {len(missing)} of {n} requests:\n  {listed}\n"
            "Re-run once online with the same cache= to fill it, or drop offline=True.",
            missing=missing,
        )
    if not pending:
        return FetchOutcome(responses, sources, clocks=clocks)
    _warn_if_large(len(pending))

    client = client_factory()
    pacer = RequestPacer(max_rate)
    failures: dict[int, ServiceError] = {}

    def run(i: int) -> None:
        request = requests[i]
        try:
            response = getattr(client, request.operation)(**request.call_parameters())
        except Exception as exc:  # every failure is collected, none stops the others
            failures[i] = service_error(request, exc)
            return
        responses[i], sources[i] = response, "api"
        clocks[i] = answer_clock(response) or datetime.now(UTC)
        if store is not None:
            store.put(request, response)

    bar = _progress_bar(len(pending), progress)
    workers = max(1, min(max_workers, len(pending)))
    try:
        with (
            pacer.attached(client),
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pinpoint-kpi") as pool,
        ):
            # Executor.map cancels its queued calls if this loop is interrupted (Ctrl-C in a
            # notebook): requests in flight finish and are stored, no new one starts.
            for _ in pool.map(run, pending):
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return FetchOutcome(responses, sources, [failures[i] for i in sorted(failures)], clocks)


def _warn_if_large(calls: int) -> None:
    seconds = calls / SERVICE_QUOTA
    if seconds <= LARGE_READ_SECONDS:
        return
    warn_user(
        f"this read makes {calls:,} requests; at Pinpoint's quota of {SERVICE_QUOTA} requests/s "
        f"(per account and Region, shared with your other callers) that takes at least "
        f"{_duration(seconds)}. Read fewer ids, KPIs or days if you meant less (with cache=, a "
        "second read takes the answers from disk).",
        LargeReadWarning,
    )


def _duration(seconds: float) -> str:
    """Seconds as a person would say them: ``"5 min 34 s"``, ``"1 h 23 min"``.

    Examples
    --------
    >>> _duration(333.6), _duration(4980), _duration(61), _duration(0.12)
    ('5 min 34 s', '1 h 23 min', '1 min 1 s', '0.1 s')
    """
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def service_error(
    request: KpiRequest | None, exc: BaseException, *, what: str | None = None
) -> ServiceError:
    """A library error for a failed call, naming it and keeping ``exc`` as ``__cause__``.

    ``what`` describes the call when it is not a KPI request (a listing, say).

    Examples
    --------
    >>> error = service_error(None, ConnectionError("refused"), what="listing the campaigns")
    >>> str(error), error.code
    ('listing the campaigns failed: ConnectionError: refused', 'ConnectionError')
    """
    code, status, message = type(exc).__name__, None, str(exc)
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        code = error.get("Code") or code
        message = error.get("Message") or message
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    cls = ServiceError
    subject = what or (request.describe() if request is not None else "a Pinpoint call")
    unreachable = unreachable_from(
        exc, subject=subject, request=request, code=code, service_message=message
    )
    if unreachable is not None:
        return unreachable
    text = f"{subject} failed: {code}"
    if status:
        text += f" (HTTP {status})"
    said = " ".join(message.split())  # one line, whatever the server sent
    web_page = said[:14].lower().startswith(("<!doctype html", "<html"))
    if web_page:  # a web server's page: something other than Pinpoint answered
        shown = said if len(said) <= 40 else said[:40] + "..."
        said = (
            f"an HTML page, not a Pinpoint answer ({shown}): is the endpoint Pinpoint (or the "
            "emulator)? Check endpoint_url."
        )
    elif len(said) > 300:
        said = said[:300] + "..."
    text += f": {said}"
    if web_page:
        pass  # the advice is in the message: no id or credential is at fault
    elif status == 403 or code in ("NoCredentialsError", "PartialCredentialsError"):
        cls = AccessDeniedError
        text = _followed_by(
            text,
            "Check your credentials: `aws sts get-caller-identity` shows who you are; set "
            "AWS_PROFILE or pass boto3_session=boto3.Session(profile_name=...), and make sure "
            "the identity may call mobiletargeting:Get*DateRangeKpi in this Region.",
        )
    elif status == 404:
        text = _followed_by(
            text,
            "Check the ids: list_applications() shows the projects, list_campaigns("
            "application_id) a project's campaigns.",
        )
    error = cls(text, request=request, code=code, status=status, service_message=message)
    error.__cause__ = exc
    return error


def _followed_by(text: str, sentence: str) -> str:
    """``text``, ended as a sentence (one full stop, whether or not it had one), then ``sentence``.

    A service's message may or may not end with a full stop; the library's advice follows it.

    Examples
    --------
    >>> _followed_by("campaign 'x' does not exist.", "Check the ids.")
    "campaign 'x' does not exist. Check the ids."
    >>> _followed_by("campaign 'x' does not exist", "Check the ids.")
    "campaign 'x' does not exist. Check the ids."
    """
    text = text.rstrip()
    return f"{text} {sentence}" if text.endswith((".", "!", "?")) else f"{text}. {sentence}"


def _progress_bar(total: int, progress: bool | None):
    if progress is False or total <= 0:
        return None
    if progress is None and (total <= PROGRESS_THRESHOLD or not _interactive()):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Pinpoint KPI requests", unit="req", leave=False)


def _interactive() -> bool:
    """True in a Jupyter kernel or a terminal; False in CI logs, pipes and files."""
    ipython = sys.modules.get("IPython")
    if ipython is not None:
        shell = getattr(ipython, "get_ipython", lambda: None)()
        if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
            return True
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())
