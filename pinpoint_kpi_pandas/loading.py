"""Loading many saved files: :func:`~pinpoint_kpi_pandas.files.load_file` for each, in order,
in forked worker processes when the folder is large.

Decoding JSON is most of a saved read's time and needs nothing from the other files, so a large
folder is split into contiguous chunks: forked children load theirs while this process loads
its own, and each child sends back its answers as compact columns (every string of a chunk
joined into one, split again here). The result is the list a serial loop gives, in the same
order, with the same answers and the same problems for bad files: a child runs exactly
:func:`~pinpoint_kpi_pandas.files.load_file`.

Workers are used only where they pay (:data:`WORKERS_MIN_FILES`, measured: see
docs/benchmarks.md), where ``fork`` is safe and cheap (Linux), with at most one process per
CPU this process may run on (``os.sched_getaffinity``). A child runs only the loader (file
reads, msgspec, plain Python objects; no imports, no Arrow, no output), pickles its result into a
pipe and leaves with ``os._exit``. Whatever happens to a child (an error, a kill, no answer in
time), its chunk is loaded here instead: workers can make a read slower, never different.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import select
import signal
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from .decoding import msgspec_available
from .files import SavedAnswer, load_file
from .parse import AnswerHeader
from .rows import KpiRows

__all__ = [
    "WORKERS_MIN_FILES",
    "WORKER_PATIENCE",
    "idle_cpus",
    "load_files",
    "usable_cpus",
    "worker_count",
]

WORKERS_MIN_FILES = 6000
"""Folders with fewer files are loaded in this process. Measured on 2 cores (CPU time and
wall; docs/benchmarks.md): a worker costs 25-35% more CPU in all (fork, copy-on-write page
faults, sending the answers back), so it lost at 3,000 files and won about 10% of the wall time
at 10,000 when a core was idle."""

WORKER_PATIENCE = 30.0
"""Seconds a worker may take, beyond four times what this process took for its own share,
before its share is loaded here instead (a worker is never waited on forever)."""

_SEPARATOR = "\x00"  # joins a chunk's strings; a chunk holding it is sent as a list instead


def worker_count(n_files: int) -> int:
    """How many processes (this one included) load ``n_files`` files: 1 means no worker.

    Workers need ``fork`` (Linux), at least :data:`WORKERS_MIN_FILES` files (each process gets
    at least half that many) and CPUs that are idle (:func:`idle_cpus`): on a machine already
    busy, a worker only takes turns with this process and adds its own overhead.

    Examples
    --------
    >>> worker_count(10)
    1
    """
    if n_files < WORKERS_MIN_FILES or not _can_fork():
        return 1
    spare = int(idle_cpus() + 0.5)  # CPUs beyond the one this process runs on
    return max(1, min(usable_cpus(), 1 + spare, 2 * n_files // WORKERS_MIN_FILES))


def usable_cpus() -> int:
    """The CPUs this process may run on (``os.sched_getaffinity``, else ``os.cpu_count()``).

    Examples
    --------
    >>> usable_cpus() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def idle_cpus() -> float:
    """Usable CPUs minus the 1-minute load average (this process's own work included).

    Examples
    --------
    >>> idle_cpus() >= 0
    True
    """
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average: assume the machine is busy
        return 0.0
    return max(0.0, usable_cpus() - load)


def load_files(found: Sequence[tuple[str, bool]], *, check_values: bool = False) -> list:
    """:func:`~pinpoint_kpi_pandas.files.load_file` for every ``(path, named)``, in order.

    Large folders are loaded in forked worker processes (:func:`worker_count`); the result is
    the same list, answer for answer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> empty = pathlib.Path(tempfile.mkdtemp()) / "kpi.json"
    >>> _ = empty.write_text("")
    >>> [a.problem for a in load_files([(str(empty), True)])]
    ['empty (0 bytes): an interrupted `aws ... > file.json`?']
    """
    processes = 1 if check_values else worker_count(len(found))  # checks may use Arrow threads
    if processes == 1:
        return _load(found, check_values)
    msgspec_available()  # build the decoders now: a child must import nothing
    own = max(1, int(len(found) * 0.9 / processes))  # this process also unpacks the others'
    chunks = [found[a:b] for a, b in _bounds(len(found) - own, processes - 1)]
    children: list[tuple[int, int] | None] = []
    try:
        with _fork_quietly():
            children = [_start(chunk) for chunk in chunks]
        started = time.monotonic()
        mine = _load(found[len(found) - own :], check_values)
        deadline = time.monotonic() + WORKER_PATIENCE + 4 * (time.monotonic() - started)
        out: list = []
        for chunk in chunks:
            child = children.pop(0)  # _collect always reaps it
            loaded = _collect(*child, deadline) if child is not None else None
            out.extend(loaded if loaded is not None else _load(chunk, check_values))
        out.extend(mine)
        return out
    finally:
        for child in children:  # interrupted: no child outlives the read
            if child is not None:
                _stop(*child)


def _load(found: Sequence[tuple[str, bool]], check_values: bool) -> list[SavedAnswer]:
    return [
        a for path, named in found for a in load_file(path, named=named, check_values=check_values)
    ]


def _bounds(n: int, parts: int) -> list[tuple[int, int]]:
    edges = [round(n * i / parts) for i in range(parts + 1)]
    return list(itertools.pairwise(edges))


def _can_fork() -> bool:
    # macOS forks badly once system frameworks run threads; Windows cannot fork.
    return hasattr(os, "fork") and sys.platform.startswith("linux")


@contextlib.contextmanager
def _fork_quietly() -> Iterator[None]:
    # Python 3.12+ warns on any fork of a process running threads (a notebook kernel always
    # does), because the child may need a lock another thread held. This child needs none: it
    # decodes files with what is already imported, writes one pipe and calls os._exit; if it
    # ever hung, its chunk would be loaded here after the deadline.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        yield


def _start(chunk: Sequence[tuple[str, bool]]) -> tuple[int, int] | None:
    """Fork a child loading ``chunk``: its pid and the pipe it answers on (None: no fork)."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:  # no memory or process left: this process loads the chunk
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: load, send, leave (no cleanup of the parent's state)
        status = 1
        try:
            os.close(read_fd)
            payload = pickle.dumps(_packed(_load(chunk, False)), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view) :]
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd


def _collect(pid: int, fd: int, deadline: float) -> list[SavedAnswer] | None:
    """A child's answers (the child reaped), or None: then its chunk is loaded here."""
    pieces = []
    complete = False
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break  # no answer in time: never wait on a child forever
            piece = os.read(fd, 1 << 20)
            if not piece:
                complete = True
                break
            pieces.append(piece)
    finally:
        os.close(fd)
        if not complete:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not complete or status != 0:
        return None
    try:
        return _unpacked(pickle.loads(b"".join(pieces)))
    except Exception:  # a truncated or foreign payload: load the chunk here
        return None


def _stop(pid: int, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


# --- answers as compact columns ----------------------------------------------------------------


def _packed(answers: list[SavedAnswer]) -> tuple[list, Any]:
    """Answers as small records plus every column string of the chunk in one piece."""
    records: list[tuple] = []
    strings: list = []
    for a in answers:
        h, rows = a.header, a.rows
        header = None if h is None else (h.application_id, h.scope, h.kpi_name, h.resource_id,
                                         h.start_time, h.end_time)  # fmt: skip
        packed_rows = None
        if rows is not None:
            columns = []
            for member in (rows.groups, rows.values):
                for key, column in member.items():
                    columns.append((key, len(column)))
                    strings.extend(column)
            packed_rows = (
                rows.kpi_name, rows.resource_id, rows.start_time, rows.end_time, len(rows.groups),
                columns, dict(rows.value_types), rows.source, rows.origin, rows.provisional_days,
            )  # fmt: skip
        records.append((a.label, a.path, header, packed_rows, a.problem, a.listing))
    return records, _joined(strings)


def _joined(strings: list) -> Any:
    try:
        joined = _SEPARATOR.join(strings)
    except TypeError:  # a value that is no string (the reader reports it): send them as they are
        return strings
    if joined.count(_SEPARATOR) != len(strings) - 1 or not strings:
        return strings
    return joined


def _unpacked(packed: tuple[list, Any]) -> list[SavedAnswer]:
    records, joined = packed
    strings = joined.split(_SEPARATOR) if isinstance(joined, str) else joined
    out = []
    at = 0
    for label, path, header, packed_rows, problem, listing in records:
        rows = None
        if packed_rows is not None:
            kpi_name, resource_id, start, end, n_groups, columns, types, source, origin, days = (
                packed_rows
            )
            data = {}
            for key, length in columns:
                data[key] = strings[at : at + length]
                at += length
            keys = list(data)
            groups = {k: data[k] for k in keys[:n_groups]}
            values = {k: data[k] for k in keys[n_groups:]}
            rows = KpiRows(
                kpi_name, resource_id, start, end, groups, values, types, source, origin, days
            )
        out.append(
            SavedAnswer(
                label,
                path,
                AnswerHeader(*header) if header is not None else None,
                rows,
                problem,
                listing,
            )
        )
    return out
