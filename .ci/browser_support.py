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
import sys
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


def check_rates_with_intervals(page, scope: str = "") -> list[str]:
    """The Done-when of issue 10 in a real page: "Email open rate" on the six email campaigns
    with chart "compare" shows intervals in the chart and the table; the baseline control
    changes the table. ``scope`` is a CSS prefix for the dashboard (a notebook panel)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    def table() -> str:
        return page.inner_text(f"{scope} table.ppk-table")

    def wait_table_change(old: str, what: str) -> None:
        try:
            page.wait_for_function(
                "([sel, old]) => { const t = document.querySelector(sel);"
                " return t && t.innerText !== old; }",
                arg=[f"{scope} table.ppk-table", old],
                timeout=25_000,
            )
        except PlaywrightTimeout:
            raise CheckFailed(f"after {what} the table did not change") from None

    steps = []
    select = page.locator(f"{scope} .widget-select-multiple select")
    # the sample's campaign names say their channel ("Weekly Newsletter Email")
    email = [o for o in select.locator("option").all_inner_texts() if _plain(o).endswith(" Email")]
    if len(email) != 6:
        raise CheckFailed(f"expected six email campaigns, got {email}")
    before = table()
    select.select_option(label=email)
    wait_table_change(before, "selecting the six email campaigns")
    dropdowns = page.locator(f"{scope} .widget-dropdown select")
    kpi = dropdowns.first
    # ipywidgets renders option labels with non-breaking spaces
    label = next(
        o for o in kpi.locator("option").all_inner_texts() if _plain(o).startswith("Email open")
    )
    # the chart first: under the funnel the KPI picker is disabled
    image = f"{scope} .widget-image"
    src = page.eval_on_selector(image, "i => i.src")
    page.locator(f"{scope} .widget-toggle-buttons button", has_text="Compare").click()
    try:
        page.wait_for_function(
            "([sel, src]) => { const i = document.querySelector(sel);"
            " return i && i.src !== src && i.complete && i.naturalWidth > 0; }",
            arg=[image, src],
            timeout=25_000,
        )
    except PlaywrightTimeout:
        raise CheckFailed("after choosing the compare chart the chart did not change") from None
    before = table()
    kpi.select_option(label=label)
    wait_table_change(before, f"choosing {_plain(label)!r}")
    page.wait_for_timeout(500)
    shown = _plain(table())
    if "95% interval" not in shown or "Email open rate" not in shown:
        raise CheckFailed(f"the table shows no interval for the open rate:\n{shown}")
    if "significantly" not in shown:
        raise CheckFailed(f"the table shows no test result:\n{shown}")
    steps.append(f"{_plain(label)} on 6 email campaigns, compare: intervals, tests in the table")
    baseline = dropdowns.nth(1)
    choices = baseline.locator("option").all_inner_texts()
    other = next(c for c in choices if _plain(c).startswith("Back in Stock"))
    before = table()
    baseline.select_option(label=other)
    wait_table_change(before, "choosing another baseline")
    row = next(line for line in _plain(table()).splitlines() if line.startswith("Back in Stock"))
    if "baseline" not in row:
        raise CheckFailed(f"the new baseline's row does not say so: {row}")
    steps.append(f"baseline {_plain(other)}: the table follows")
    return steps


@contextlib.contextmanager
def emulator_process() -> Iterator[tuple[str, subprocess.Popen]]:
    """The bundled emulator as a process of its own (``pinpoint-kpi emulator``), so a check can
    stop it while the dashboard uses it; its URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "pinpoint_kpi_pandas.cli", "emulator", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        url = (process.stdout.readline() if process.stdout else "").strip()
        if not url.startswith("http://"):
            raise CheckFailed(f"the emulator did not print its URL (got {url!r})")
        yield url, process
    finally:
        stop(process)


def check_one_day_then_stopped(page, stop_emulator, shot, scope: str = "") -> list[str]:
    """The Done-when's last two: a one-day range shows that day (values, no error), and once the
    emulator stops, the next read says so inside the dashboard within seconds. ``shot(name)``
    gives a screenshot's path; ``scope`` is a CSS prefix for the dashboard."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    steps = []
    dates = page.locator(f"{scope} .widget-datepicker input")
    if dates.count() != 2:
        raise CheckFailed(f"expected two date pickers, found {dates.count()}")
    caption = f"{scope} .ppk-caption"
    before = page.inner_text(caption)
    dates.nth(0).fill("2026-10-20")
    dates.nth(1).fill("2026-10-20")
    try:
        page.wait_for_function(
            "([sel, old, day]) => { const c = document.querySelector(sel);"
            " return c && c.innerText !== old && c.innerText.includes(day); }",
            arg=[caption, before, "20 Oct 2026 – 20 Oct 2026"],
            timeout=25_000,
        )
    except PlaywrightTimeout:
        raise CheckFailed(
            f"a one-day range (20 Oct) did not show that day: {page.inner_text(caption)!r}"
        ) from None
    page.wait_for_timeout(500)
    errors = page.locator(f"{scope} .ppk-error")
    if errors.count() and errors.first.is_visible():
        raise CheckFailed(f"a one-day range shows an error: {errors.first.inner_text()}")
    shown = _plain(page.inner_text(f"{scope} table.ppk-table"))
    if "%" not in shown:
        raise CheckFailed(f"a one-day range shows no rate in the table:\n{shown}")
    target = shot("one-day")
    page.screenshot(path=str(target))
    steps.append(f"one-day range 20 Oct: that day's rates, no error (screenshot: {target.name})")

    stop_emulator()
    started = time.monotonic()
    dates.nth(0).fill("2026-10-13")  # a range not read yet: it needs the service
    try:
        page.wait_for_function(
            "sel => { const e = document.querySelector(sel);"
            " return e && e.offsetParent !== null && e.innerText.includes('Cannot reach'); }",
            arg=f"{scope} .ppk-error",
            timeout=15_000,
        )
    except PlaywrightTimeout:
        raise CheckFailed(
            "after the emulator stopped, the dashboard did not say so in 15 s"
        ) from None
    took = time.monotonic() - started
    said = _plain(page.inner_text(f"{scope} .ppk-error"))
    for python in ("endpoint_url", "boto3", "attrs", "Traceback"):
        if python in said:
            raise CheckFailed(f"the stopped-emulator message speaks Python ({python}): {said}")
    target = shot("stopped")
    page.screenshot(path=str(target))
    steps.append(
        f"emulator stopped: said in the dashboard in {took:.1f} s (screenshot: {target.name})"
    )
    return steps


def _plain(text: str) -> str:
    return text.replace("\xa0", " ")
