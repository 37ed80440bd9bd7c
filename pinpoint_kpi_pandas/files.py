"""Saved files: finding them, reading them, and judging each one before any is trusted.

Both :func:`~pinpoint_kpi_pandas.read_pinpoint_kpi_json` and
:func:`~pinpoint_kpi_pandas.inventory` start here: paths (files, folders, globs) become a list of
files (:func:`find_files`), and each file becomes one :class:`SavedAnswer` per answer it holds
(:func:`load_file`), either parsed or marked bad with the reason. Nothing here raises for a bad
file: the callers decide (``on_bad_file``).
"""

from __future__ import annotations

import contextlib
import gc
import glob
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

from .casting import check_rows
from .dates import format_instant, provisional_days
from .decoding import decode_answer, decode_json
from .errors import ArgumentTypeError, InvalidArgumentError, ResponseFormatError
from .listing import LISTING_MEMBERS
from .parse import AnswerHeader, answer_clock, parse_answer
from .rows import KpiRows
from .store import StorePath, parse_store_path

__all__ = ["SavedAnswer", "decode_json", "find_files", "gc_paused", "load_file", "load_files"]


class SavedAnswer(NamedTuple):
    """One answer found in a saved file (a file holding a JSON list has several).

    Attributes
    ----------
    label : str
        The file's path, with ``[n]`` appended for the n-th answer of a list (n > 0).
    path : str
        The file's path.
    header : AnswerHeader or None
        What the answer says it is (None when the file could not be parsed).
    rows : KpiRows or None
        Its rows (None when bad).
    problem : str or None
        Why the file is bad, or None.
    listing : bool
        The file is a project listing (saved by ``cache=``, or ``aws pinpoint get-campaigns``
        output) beside the answers, not an answer: the reader takes names from it.

    Examples
    --------
    >>> SavedAnswer("x.json", "x.json", None, None, "empty").bad
    True
    """

    label: str
    path: str
    header: AnswerHeader | None
    rows: KpiRows | None
    problem: str | None = None
    listing: bool = False

    @property
    def bad(self) -> bool:
        """True when the file cannot be read as KPI answers."""
        return self.problem is not None


def find_files(paths: Any) -> list[tuple[str, bool]]:
    """Every file ``paths`` names, in order, and whether it was named explicitly.

    ``paths`` is a file, a folder (searched recursively for ``*.json`` in any case, skipping
    hidden files and folders), a glob pattern (``"exports/**/*.json"``; its ``.json`` matches
    any case too), or a list (or pandas Series) of them. Duplicates are listed once.

    Raises
    ------
    InvalidArgumentError
        A path matches no file, or the list is empty.
    ArgumentTypeError
        Not a path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "b.JSON").write_text("{}"); _ = (folder / "a.json").write_text("{}")
    >>> [pathlib.Path(p).name for p, _ in find_files(folder)]
    ['a.json', 'b.JSON']
    """
    items = _items(paths)
    found: dict[str, bool] = {}
    for item in items:
        text = os.fspath(item)
        path = os.path.expanduser(text)
        named, walked = False, os.path.isdir(path)
        if walked:
            matches = _walk(os.path.abspath(path))  # absolute and normal: so is every match
        elif os.path.lexists(path):  # a file (or a pipe, a broken link: reported as bad)
            matches, named = [path], True
        elif glob.has_magic(text):
            matches = sorted(  # folders left out; pipes and broken links reported as bad
                p for p in glob.glob(_any_case_json(path), recursive=True) if not os.path.isdir(p)
            )
        else:
            matches = []
        if not matches:
            fix = (
                "check the pattern (its folders, and that files end in .json)"
                if glob.has_magic(text)
                else "check the path, or use a glob such as 'exports/**/*.json'"
            )
            raise InvalidArgumentError(
                f"paths: {text!r} matches no file"
                + (" (a folder with no .json files)" if walked else "")
                + f"; {fix}."
            )
        for match in matches:
            found.setdefault(match if walked else os.path.abspath(match), named)
    return list(found.items())


def _items(paths: Any) -> list:
    if isinstance(paths, str | os.PathLike):
        return [paths]
    if isinstance(paths, Sequence) or hasattr(paths, "__array__"):
        items = list(paths)
        if not items:
            raise InvalidArgumentError("paths is an empty list; pass at least one file or folder.")
        for item in items:
            if not isinstance(item, str | os.PathLike):
                raise ArgumentTypeError(
                    f"each path must be a str or a path, not {type(item).__name__}."
                )
        return items
    raise ArgumentTypeError(
        f"paths must be a path, a glob pattern or a list of them, not {type(paths).__name__}."
    )


def _walk(folder: str) -> list[str]:
    """Every ``*.json`` file under ``folder`` (any case), hidden files and folders skipped,
    symlinked folders not followed, unreadable folders skipped (as ``os.walk`` does)."""
    out: list[str] = []
    pending = [folder]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        if name[-5:].lower() == ".json":
                            out.append(entry.path)
                    elif not entry.is_symlink():
                        pending.append(entry.path)
        except OSError:
            continue
    out.sort()
    return out


def _any_case_json(pattern: str) -> str:
    if pattern.lower().endswith(".json"):
        return pattern[:-5] + ".[jJ][sS][oO][nN]"
    return pattern


def load_file(path: str, *, named: bool = False, check_values: bool = False) -> list[SavedAnswer]:
    """Read one saved file: one :class:`SavedAnswer` per answer, or one marked bad.

    Parameters
    ----------
    path : str
    named : bool
        The file was named explicitly (a listing is a listing either way: its names are read).
    check_values : bool
        Also type every value now (slower; the reader does it once for all files instead).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> empty = pathlib.Path(tempfile.mkdtemp()) / "kpi.json"
    >>> _ = empty.write_text("")
    >>> load_file(str(empty))[0].problem
    'empty (0 bytes): an interrupted `aws ... > file.json`?'
    """
    data, problem = _read_bytes(path)
    if problem is None:
        fast = decode_answer(data)  # the typed path; None: the detailed path below decides
        if fast is not None:
            header, groups, values, types, clock = fast
            rows = KpiRows(
                header.kpi_name,
                header.resource_id,
                header.start_time,
                header.end_time,
                groups,
                values,
                types,
                source=path,
                origin="file",
            )
            return [_judged(path, header, rows, parse_store_path(path), clock, check_values)]
        documents, problem = _documents(data)
    if problem is not None:
        return [SavedAnswer(path, path, None, None, problem)]
    if _is_listing(documents[0]):  # read for its names, not as an answer
        return [SavedAnswer(path, path, None, None, listing=True)]
    described = parse_store_path(path)
    answers = []
    for number, document in enumerate(documents):
        label = path if number == 0 else f"{path}[{number}]"
        answer = _answer(document, path, label, described, check_values)
        if answer.bad:  # one bad answer makes the file bad: never half a file
            return [answer._replace(label=path)]
        answers.append(answer)
    return answers


def load_files(found: Sequence[tuple[str, bool]]) -> list[SavedAnswer]:
    """:func:`load_file` for every ``(path, named)`` that :func:`find_files` gave, in order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> empty = pathlib.Path(tempfile.mkdtemp()) / "kpi.json"
    >>> _ = empty.write_text("")
    >>> [a.problem for a in load_files([(str(empty), True)])]
    ['empty (0 bytes): an interrupted `aws ... > file.json`?']
    """
    return [answer for path, named in found for answer in load_file(path, named=named)]


def _read_bytes(path: str) -> tuple[bytes, str | None]:
    try:
        # O_NONBLOCK: a named pipe opens at once (to be refused below), not when a writer comes
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                return b"", NOT_REGULAR
            return _read_all(fd, status.st_size), None
        finally:
            os.close(fd)
    except OSError as exc:
        if not os.path.exists(path) and os.path.islink(path):
            return b"", "a broken symbolic link (its target does not exist)"
        return b"", f"cannot be read ({exc.strerror or exc})"


NOT_REGULAR = "not a regular file (a named pipe, socket or device): not a saved answer"


def _read_all(fd: int, size: int) -> bytes:
    """Everything a regular file holds: one read when it is the size ``fstat`` said."""
    data = os.read(fd, size + 1)
    if len(data) == size:  # its end: asked for one byte more and it was not there
        return data
    # It grew or shrank since fstat, or is larger than one read returns (Linux caps a read at
    # about 2 GiB): read on until a read returns nothing.
    chunks = [data]
    while chunk := os.read(fd, max(size - len(data), 1 << 16)):
        chunks.append(chunk)
    return b"".join(chunks)


def _documents(data: bytes) -> tuple[list, str | None]:
    if not data:
        return [], "empty (0 bytes): an interrupted `aws ... > file.json`?"
    if not data.strip():
        return [], "only whitespace, no JSON: an interrupted `aws ... > file.json`?"
    try:
        document = decode_json(data)
    except UnicodeDecodeError:
        return [], "not UTF-8 text (binary or damaged)"
    except ValueError as exc:
        return [], f"not valid JSON ({str(exc)[:80]}): truncated, or not a saved response?"
    except RecursionError:
        return [], "JSON nested too deeply to be a KPI answer"
    if isinstance(document, list):
        if not document:
            return [], "an empty JSON list holds no answer"
        return document, None
    return [document], None


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block (if it was running).

    Parsing thousands of files allocates millions of small dicts and lists, none in a cycle;
    the collector would walk them all again and again as they survive (a third of a read's
    time, measured). Reference counting still frees everything; the collector runs again after.

    Examples
    --------
    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _is_listing(document: Any) -> bool:
    return isinstance(document, dict) and bool(LISTING_MEMBERS & document.keys())


def _answer(
    document: Any, path: str, label: str, described: StorePath | None, check_values: bool
) -> SavedAnswer:
    if _is_listing(document):
        return SavedAnswer(label, path, None, None, "a project listing, not a KPI answer")
    try:
        header, rows = parse_answer(document, source=label, origin="file")
    except ResponseFormatError as exc:
        return SavedAnswer(label, path, None, None, str(exc).removeprefix(f"{label}: "))
    except RecursionError:
        return SavedAnswer(label, path, None, None, "nested too deeply to be a KPI answer")
    return _judged(path, header, rows, described, answer_clock(document), check_values, label)


def _judged(
    path: str,
    header: AnswerHeader,
    rows: KpiRows,
    described: StorePath | None,
    clock: datetime | None,
    check_values: bool,
    label: str | None = None,
) -> SavedAnswer:
    """A parsed answer, judged: values typed (``check_values``), window known, path agrees."""
    label = label or path
    if check_values:
        try:
            check_rows(rows)
        except ResponseFormatError as exc:
            return SavedAnswer(label, path, None, None, str(exc).removeprefix(f"{label}: "))
        except RecursionError:
            return SavedAnswer(label, path, None, None, "nested too deeply to be a KPI answer")
    if header.start_time is None or header.end_time is None:
        return SavedAnswer(
            label, path, header, None, "no StartTime/EndTime, so the days it covers are unknown"
        )
    mismatch = _layout_mismatch(described, header) if described is not None else None
    if mismatch is not None:
        return SavedAnswer(label, path, header, None, mismatch)
    days = _provisional(described, header, clock)
    if days:
        rows = replace(rows, provisional_days=days)
    return SavedAnswer(label, path, header, rows)


def _layout_mismatch(described: StorePath, header: AnswerHeader) -> str | None:
    said = (
        described.application_id,
        described.scope,
        described.resource_id,
        described.kpi_name,
        described.start_time,
        described.end_time,
    )
    held = (
        header.application_id,
        header.scope,
        header.resource_id,
        header.kpi_name,
        header.start_time,
        header.end_time,
    )
    if said == held:
        return None
    names = ("application", "scope", "id", "KPI")
    wrong = [
        f"{n} {a} by its path, {b} by its content"
        for n, a, b in zip(names, said[:4], held[:4], strict=True)
        if a != b
    ]
    if said[4:] != held[4:]:
        wrong.append(
            f"window {_window_text(said[4], said[5])} by its path, "
            f"{_window_text(held[4], held[5])} by its content"
        )
    return (
        f"its path (a cache= layout) and its content disagree ({'; '.join(wrong)}): a file "
        "copied over another? Remove it, or re-read online with cache= to fetch it again"
    )


def _window_text(start: Any, end: Any) -> str:
    if start is None or end is None:
        return "unknown"
    return f"{format_instant(start)}/{format_instant(end)}"


def _provisional(
    described: StorePath | None, header: AnswerHeader, clock: datetime | None
) -> tuple:
    if described is not None and described.provisional:
        clock = described.as_of or header.end_time  # older stores recorded no clock
    # else: the answer's own clock (boto3 dumps keep the HTTP Date; CLI output does not)
    days = provisional_days(header.start_time, header.end_time, clock)
    return tuple(d.isoformat() for d in days)
