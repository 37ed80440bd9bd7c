"""Real-browser check: the Voila dashboard renders, and reacts to a new campaign selection.

Serves ``notebooks/dashboard.ipynb`` with Voila on 127.0.0.1 (a free port; the notebook starts
the emulator inside its own kernel), drives Debian's headless Chromium through Playwright, picks
other campaigns in the selector, and checks that the chart image and the summary table change.
A screenshot is saved to ``artifacts/browser-check.png``. Exits non-zero, saying why, on failure.

Needs: ``apt-get install chromium`` (``/usr/bin/chromium``; never a downloaded browser) and
``pip install -e '.[browser]'`` (voila, playwright). Run from the repository root::

    python .ci/browser_check.py
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
SCREENSHOT = ROOT / "artifacts" / "browser-check.png"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
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
SERVER_READY_S = 45
PAGE_S = 60
UPDATE_S = 30
TOTAL_S = 110  # the whole check, a hard ceiling under two minutes


class CheckFailed(Exception):
    """The dashboard did not behave; the message says what was expected."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_voila(port: int, log) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # No AWS_ENDPOINT_URL_PINPOINT: the notebook starts the emulator in its kernel.
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        str(NOTEBOOK),
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for_server(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_READY_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckFailed(f"voila exited early with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "voila/static/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is listening
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise CheckFailed(f"voila did not answer on {url} within {SERVER_READY_S} s")


def stop(process: subprocess.Popen) -> None:
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


def drive(url: str) -> list[str]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    steps: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as p:
        # A fresh profile directory per run (Playwright's way of passing --user-data-dir).
        browser = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 1000},
            timeout=30_000,
        )
        try:
            page = browser.pages[0] if browser.pages else browser.new_page()
            page.set_default_timeout(PAGE_S * 1000)
            page.goto(url, wait_until="domcontentloaded")
            try:
                page.wait_for_selector("text=Campaign comparison", timeout=PAGE_S * 1000)
                page.wait_for_selector("table.ppk-table", timeout=PAGE_S * 1000)
                page.wait_for_function(
                    "() => { const i = document.querySelector('.widget-image');"
                    " return i && i.src && i.naturalWidth > 0; }",
                    timeout=PAGE_S * 1000,
                )
            except PlaywrightTimeout as exc:
                raise CheckFailed(f"the dashboard did not render: {exc}") from None
            steps.append("dashboard rendered (header, chart image, summary table)")

            select = page.locator(".widget-select-multiple select")
            options = select.locator("option").all_inner_texts()
            chosen = select.locator("option:checked").all_inner_texts()
            if len(options) < 6 or len(chosen) != 3:
                raise CheckFailed(
                    f"expected a dozen campaigns with three selected, got {len(options)} "
                    f"options and {chosen}"
                )
            before_src = page.eval_on_selector(".widget-image", "i => i.src")
            before_table = page.inner_text("table.ppk-table")
            before_caption = page.inner_text(".ppk-caption")
            steps.append(f"initial selection: {', '.join(chosen)}".replace("\xa0", " "))

            new = [options[4], options[7]]
            select.select_option(label=new)
            try:
                page.wait_for_function(
                    "src => { const i = document.querySelector('.widget-image');"
                    " return i && i.src !== src && i.naturalWidth > 0; }",
                    arg=before_src,
                    timeout=UPDATE_S * 1000,
                )
                page.wait_for_function(
                    "old => { const t = document.querySelector('table.ppk-table');"
                    " return t && t.innerText !== old; }",
                    arg=before_table,
                    timeout=UPDATE_S * 1000,
                )
            except PlaywrightTimeout:
                raise CheckFailed(
                    "after selecting other campaigns the chart image or the table did not change"
                ) from None
            table = page.inner_text("table.ppk-table")
            caption = page.inner_text(".ppk-caption")
            # ipywidgets renders option labels with non-breaking spaces.
            missing = [
                name for name in new if name.replace("\xa0", " ").split(" (")[0] not in table
            ]
            if missing:
                raise CheckFailed(f"the table does not list the new campaigns {missing}:\n{table}")
            if "2 campaigns" not in caption or caption == before_caption:
                raise CheckFailed(f"the caption did not follow the selection: {caption!r}")
            errors = page.locator(".ppk-error")
            if errors.count() and errors.first.is_visible():
                raise CheckFailed(f"the dashboard shows an error: {errors.first.inner_text()}")
            steps.append(f"selected {', '.join(new)}: chart and table updated".replace("\xa0", " "))

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            steps.append(f"screenshot: {SCREENSHOT.relative_to(ROOT)}")
        finally:
            browser.close()
    return steps


def main() -> int:
    started = time.monotonic()
    if not Path(CHROMIUM).exists():
        print(f"browser check FAILED: no Chromium at {CHROMIUM} (apt-get install chromium)")
        return 1
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    log_path = SCREENSHOT.parent / "voila.log"
    with open(log_path, "w") as log:
        voila = start_voila(port, log)
        # A hard ceiling: whatever hangs, the check ends within TOTAL_S.
        signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(CheckFailed("timed out")))
        signal.alarm(TOTAL_S)
        try:
            wait_for_server(url, voila)
            steps = drive(url)
        except Exception as exc:  # CheckFailed, or Playwright / Chromium failing to start
            what = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
            print(f"browser check FAILED: {what}\n(voila's log: {log_path})")
            return 1
        finally:
            signal.alarm(0)
            stop(voila)
    for step in steps:
        print(f"  ok  {step}")
    print(f"browser check passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
