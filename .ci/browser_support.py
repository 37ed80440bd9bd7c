"""What the real-browser checks share: Debian's Chromium, a server in its own process group, and
one supervised run with a hard time limit.

Used by ``browser_check.py`` (Voila) and ``lab_check.py`` (JupyterLab), each of which only says
how to start its server and what to do in the page.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium, never a downloaded build; the background-network flags keep it on loopback.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class CheckFailed(Exception):
    """The dashboard did not behave; the message says what was expected."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, *, name: str, seconds: float) -> None:
    """Return once ``url`` answers over HTTP (any status: the server is listening)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckFailed(f"{name} exited early with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise CheckFailed(f"{name} did not answer on {url} within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True``, through its process group."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def chromium_page(viewport: dict[str, int]) -> Iterator:
    """A page in headless Chromium with a fresh profile, closed on exit."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as p:
        # A fresh profile directory per run (Playwright's way of passing --user-data-dir).
        browser = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=viewport,
            timeout=30_000,
        )
        try:
            yield browser.pages[0] if browser.pages else browser.new_page()
        finally:
            browser.close()


def supervise(
    label: str,
    server: subprocess.Popen,
    drive: Callable[[], list[str]],
    *,
    ready: Callable[[], None],
    total_s: int,
    log_hint: str,
) -> list[str] | None:
    """Wait for the server, drive the page, always stop the server; the steps, or None after
    printing why the check failed. Whatever hangs, it ends within ``total_s`` seconds."""
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(CheckFailed("timed out")))
    signal.alarm(total_s)
    try:
        ready()
        return drive()
    except Exception as exc:  # CheckFailed, or Playwright / Chromium failing to start
        what = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
        print(f"{label} FAILED: {what}\n({log_hint})")
        return None
    finally:
        signal.alarm(0)
        stop(server)
