"""The ``cache=`` argument of a read: checked before any request, its failures reported once.

A read (or a listing) opens its response store with :func:`open_store`, which refuses a store
that cannot work before anything is fetched. If saving fails all the same during the read (a
full disk, a file where one of the store's folders would be), the store records each file it
could not write (:attr:`~pinpoint_kpi_pandas.store.ResponseStore.unsaved`), the read goes on,
and :func:`report_unsaved` says so once, naming the folder, after the frame is complete: nothing
fetched is lost to a local failure.
"""

from __future__ import annotations

import os
from typing import Any

from .checks import check_folder
from .errors import ArgumentTypeError, StoreWarning, StoreWriteError, warn_user
from .store import ResponseStore

__all__ = ["open_store", "report_unsaved", "unsaved_summary"]


def open_store(cache: object, *, offline: bool) -> ResponseStore | None:
    """The response store a ``cache=`` argument names, checked before any request.

    An empty path, a file, a path under a file, or (online, since answers will be written) a
    folder that cannot be written or created is refused, naming ``cache``. Offline, the store
    is only read.

    Examples
    --------
    >>> import tempfile
    >>> open_store(tempfile.mkdtemp() + "/kpi-cache", offline=False)  # doctest: +ELLIPSIS
    ResponseStore('.../kpi-cache')
    >>> open_store("", offline=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.InvalidArgumentError: cache='' is empty; ...
    """
    if cache is None or isinstance(cache, ResponseStore):
        return cache
    if not isinstance(cache, str | os.PathLike):
        raise ArgumentTypeError(
            f"cache must be a directory path (str or pathlib.Path), not {type(cache).__name__}."
        )
    return ResponseStore(check_folder(cache, "cache", writable=not offline))


def unsaved_summary(store: ResponseStore) -> str | None:
    """One message for every file ``store`` could not write (None if there is none).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> store = ResponseStore(tempfile.mkdtemp())
    >>> unsaved_summary(store) is None
    True
    >>> store.unsaved.append((Path("x.json"), OSError(28, "No space left on device")))
    >>> print(unsaved_summary(store))  # doctest: +ELLIPSIS
    could not save 1 file in the response store at ... (No space left on device): ...
    """
    if not store.unsaved:
        return None
    count = len(store.unsaved)
    first = store.unsaved[0][1]
    reason = first.strerror or str(first) or type(first).__name__
    return (
        f"could not save {count} file{'' if count == 1 else 's'} in the response store at "
        f"{store.root} ({reason}): the answers are in the frame but not stored, so the next "
        "read fetches them again; free space or fix the folder's permissions, or pass another "
        "cache="
    )


def report_unsaved(store: ResponseStore | None, frame: Any, errors: str) -> None:
    """Say once what ``store`` could not save: a warning (``errors="warn"``), or an error that
    holds the complete ``frame`` (``errors="raise"``).

    Examples
    --------
    >>> import tempfile, warnings
    >>> from pathlib import Path
    >>> store = ResponseStore(tempfile.mkdtemp())
    >>> store.unsaved.append((Path("x.json"), OSError(28, "No space left on device")))
    >>> try:
    ...     report_unsaved(store, "the frame", "raise")
    ... except StoreWriteError as error:
    ...     print(error.frame)
    the frame
    """
    summary = unsaved_summary(store) if store is not None else None
    if summary is None or store is None:
        return
    if errors == "warn":
        warn_user(summary + ".", StoreWarning)
        return
    raise StoreWriteError(
        summary + "; the frame is in this error's .frame (errors='warn' returns it with a "
        "warning instead).",
        frame=frame,
        folder=store.root,
        unsaved=list(store.unsaved),
    )
