"""Real-browser check: the Voila dashboard renders, and reacts to a new campaign selection.

Serves ``notebooks/dashboard.ipynb`` with Voila on 127.0.0.1 (a free port; the notebook starts
the emulator inside its own kernel), drives Debian's headless Chromium through Playwright, picks
other campaigns in the selector, and checks that the chart image and the summary table change.
Then a one-day range, and the emulator (a process of its own) stopped under the dashboard.
Screenshots: ``artifacts/browser-check.png``, ``browser-check-one-day.png``,
``browser-check-stopped.png``. Exits non-zero, saying why, on failure.

Needs: ``apt-get install chromium`` (``/usr/bin/chromium``; never a downloaded browser) and
``pip install -e '.[browser]'`` (voila, playwright). Run from the repository root::

    python .ci/browser_check.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from browser_support import (
    CHROMIUM,
    CheckFailed,
    check_one_day_then_stopped,
    check_rates_with_intervals,
    chromium_page,
    emulator_process,
    free_port,
    stop,
    supervise,
    wait_for_server,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "dashboard.ipynb"
SCREENSHOT = ROOT / "artifacts" / "browser-check.png"
SERVER_READY_S = 45
PAGE_S = 60
UPDATE_S = 30
TOTAL_S = 150  # the whole check, a hard ceiling of two and a half minutes


def start_voila(port: int, log, endpoint_url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # The emulator runs as a process of its own, so the check can stop it under the dashboard
    # (the notebook starts one in its kernel only without AWS_ENDPOINT_URL_PINPOINT). No keys.
    env["AWS_ENDPOINT_URL_PINPOINT"] = endpoint_url
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


def drive(url: str, stop_emulator) -> list[str]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    steps: list[str] = []
    with chromium_page({"width": 1280, "height": 1000}) as page:
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
        missing = [name for name in new if name.replace("\xa0", " ").split(" (")[0] not in table]
        if missing:
            raise CheckFailed(f"the table does not list the new campaigns {missing}:\n{table}")
        if "2 campaigns" not in caption or caption == before_caption:
            raise CheckFailed(f"the caption did not follow the selection: {caption!r}")
        errors = page.locator(".ppk-error")
        if errors.count() and errors.first.is_visible():
            raise CheckFailed(f"the dashboard shows an error: {errors.first.inner_text()}")
        steps.append(f"selected {', '.join(new)}: chart and table updated".replace("\xa0", " "))

        steps += check_rates_with_intervals(page)

        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        steps.append(f"screenshot: {SCREENSHOT.relative_to(ROOT)}")

        steps += check_one_day_then_stopped(
            page, stop_emulator, lambda name: SCREENSHOT.with_name(f"browser-check-{name}.png")
        )
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
    with open(log_path, "w") as log, emulator_process() as (endpoint, emulator):
        voila = start_voila(port, log, endpoint)
        steps = supervise(
            "browser check",
            voila,
            lambda: drive(url, lambda: stop(emulator)),
            ready=lambda: wait_for_server(
                url + "voila/static/", voila, name="voila", seconds=SERVER_READY_S
            ),
            total_s=TOTAL_S,
            log_hint=f"voila's log: {log_path}",
        )
    if steps is None:
        return 1
    for step in steps:
        print(f"  ok  {step}")
    print(f"browser check passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
