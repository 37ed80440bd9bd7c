"""The dashboard checked live in a Jupyter front end: JupyterLab or Notebook 7.

Shared by ``lab_check.py`` and ``notebook_check.py``, which only say which front end to run:
copies ``notebooks/`` to a temporary directory (the checked notebooks have their stored outputs
and widget state cleared, so whatever renders comes from this run's kernel), serves it on
127.0.0.1 (a free port, no token; news, update checks and the extension manager off: nothing
leaves loopback, and any request that tries is reported), and for each checked notebook opens it
in Debian's headless Chromium through Playwright, runs all cells from the Run menu, waits for the
dashboard (campaign selector, chart image, summary table), picks other campaigns, and checks that
the chart image and the table change. The notebooks checked: ``dashboard.ipynb`` (the Voila app)
and ``02_comparing_campaigns.ipynb``, whose dashboard must still answer after Run All (its last
cell used to stop the emulator). Screenshots are saved under ``artifacts/``, with the server's
log.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
NOTEBOOKS = ROOT / "notebooks"
CHECKED = ("dashboard.ipynb", "02_comparing_campaigns.ipynb")
SERVER_READY_S = 30
UI_S = 30
RENDER_S = 40
UPDATE_S = 25
TOTAL_S = 90  # per notebook checked: a hard ceiling for the whole check

# User settings written before the server starts: never ask about, or fetch, news.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}

# The notebook shown (JupyterLab keeps the notebooks opened before in hidden tabs).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# Run All is done when no cell waits or runs ("[*]") and every code cell has a number.
ALL_RAN_JS = f"""() => {{
  const prompts = [...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}}"""
IMAGE_READY_JS = (
    f"() => {{ const i = document.querySelector('{PANEL} .widget-image');"
    " return i && i.src && i.complete && i.naturalWidth > 0; }"
)
IMAGE_CHANGED_JS = (
    f"src => {{ const i = document.querySelector('{PANEL} .widget-image');"
    " return i && i.src !== src && i.complete && i.naturalWidth > 0; }"
)
TABLE_CHANGED_JS = (
    f"old => {{ const t = document.querySelector('{PANEL} table.ppk-table');"
    " return t && t.innerText !== old; }"
)


@dataclass(frozen=True)
class Frontend:
    """How to start one Jupyter front end and where it opens a notebook."""

    label: str  # "lab check"
    title: str  # "JupyterLab"
    command: str  # the `jupyter` subcommand: "lab" or "notebook"
    module: str  # its Python module, for the version and `python -m` when no script
    page: str  # URL path of the notebook, after the server's root
    extra_args: tuple[str, ...] = ()

    def screenshot(self, notebook: str) -> Path:
        suffix = "" if notebook == CHECKED[0] else "-" + notebook.removesuffix(".ipynb")
        return ROOT / "artifacts" / f"{self.command}-check{suffix}.png"

    @property
    def log(self) -> Path:
        return ROOT / "artifacts" / f"jupyter{self.command}.log"


def prepare(workdir: Path) -> tuple[Path, dict[str, str]]:
    """Copy notebooks/ (checked notebooks' outputs cleared), lay out private Jupyter dirs."""
    root = workdir / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in CHECKED:
        path = root / name
        notebook = json.loads(path.read_text(encoding="utf-8"))
        notebook.get("metadata", {}).pop("widgets", None)
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"] = []
                cell["execution_count"] = None
        path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")

    settings = workdir / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    # No AWS_* at all (the emulator needs no credentials; run() adds the emulator process's
    # URL for dashboard.ipynb), no JUPYTER_* of the developer's.

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JUPYTER"))}
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "lab-workspaces"),
        JUPYTER_CONFIG_DIR=str(workdir / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(workdir / "jupyter-runtime"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    return root, env


def server_command(frontend: Frontend, port: int, root: Path) -> list[str]:
    jupyter = Path(sys.executable).with_name("jupyter")
    base = (
        [str(jupyter), frontend.command]
        if jupyter.exists()
        else [sys.executable, "-m", frontend.module]
    )
    return [
        *base,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",  # CI runs as root
        "--ServerApp.terminals_enabled=False",
        *frontend.extra_args,
    ]


def wait_for_idle_kernel(url: str, notebook: str) -> None:
    """Wait until the server reports the notebook's kernel started and idle."""
    deadline = time.monotonic() + UI_S
    states: list[str] = []
    while time.monotonic() < deadline:
        with contextlib.suppress(urllib.error.URLError, OSError, ValueError):
            with urllib.request.urlopen(url + "api/sessions", timeout=2) as answer:
                sessions = json.load(answer)
            states = [
                (s.get("kernel") or {}).get("execution_state", "?")
                for s in sessions
                if s.get("path", "").endswith(notebook)
            ]
            if "idle" in states:
                return
        time.sleep(0.3)
    raise CheckFailed(f"the notebook's kernel was not idle within {UI_S} s: {states}")


def _cell_errors(page) -> str | None:
    errors = page.locator(f"{PANEL} [data-mime-type='application/vnd.jupyter.error']")
    return errors.first.inner_text()[-1500:] if errors.count() else None


def _run_all(page, frontend: Frontend) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-content .lm-Menu-item[data-command='runmenu:run-all']").click()
    except PlaywrightTimeout as exc:
        raise CheckFailed(
            f"could not choose Run > Run All Cells in {frontend.title}: {exc}"
        ) from None


def drive(url: str, frontend: Frontend, stop_emulator=None) -> list[str]:
    """Check every notebook of CHECKED in one browser; the steps done."""
    steps: list[str] = []
    outside: list[str] = []
    with chromium_page({"width": 1400, "height": 1200}) as page:
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if urlsplit(r.url).hostname not in (None, "127.0.0.1", "localhost")
                and not r.url.startswith(("data:", "blob:"))
                else None
            ),
        )
        page.set_default_timeout(UI_S * 1000)
        for notebook in CHECKED:
            steps += [
                f"{notebook}: {step}"
                for step in check_notebook(page, url, frontend, notebook, stop_emulator)
            ]
    if outside:
        raise CheckFailed(f"the page tried to leave loopback: {sorted(set(outside))[:5]}")
    steps.append("no request left loopback")
    return steps


def check_notebook(
    page, url: str, frontend: Frontend, notebook: str, stop_emulator=None
) -> list[str]:
    """Open ``notebook``, Run All, drive its dashboard; the steps done."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    steps: list[str] = []
    page.goto(f"{url}{frontend.page}{notebook}", wait_until="domcontentloaded")
    try:
        page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=UI_S * 1000)
    except PlaywrightTimeout as exc:
        raise CheckFailed(f"{frontend.title} did not open {notebook}: {exc}") from None
    wait_for_idle_kernel(url, notebook)
    if page.locator(f"{PANEL} .widget-select-multiple").count():
        raise CheckFailed("the widget is on the page before any cell ran")
    steps.append(f"{frontend.title} opened {notebook} with an idle kernel")

    _run_all(page, frontend)
    try:
        page.wait_for_selector(f"{PANEL} .widget-select-multiple select", timeout=RENDER_S * 1000)
        page.wait_for_selector(f"{PANEL} table.ppk-table", timeout=RENDER_S * 1000)
        page.wait_for_function(IMAGE_READY_JS, timeout=RENDER_S * 1000)
    except PlaywrightTimeout:
        detail = _cell_errors(page) or "no error shown"
        raise CheckFailed(f"after Run All Cells the dashboard did not render ({detail})") from None
    try:  # cells after the dashboard may still change it: wait for the last one
        page.wait_for_function(ALL_RAN_JS, timeout=RENDER_S * 1000)
    except PlaywrightTimeout:
        raise CheckFailed(f"Run All Cells did not finish within {RENDER_S} s") from None
    steps.append("Run > Run All Cells: every cell ran, dashboard rendered (selector, chart, table)")

    select = page.locator(f"{PANEL} .widget-select-multiple select")
    options = select.locator("option").all_inner_texts()
    chosen = select.locator("option:checked").all_inner_texts()
    if len(options) < 6 or len(chosen) != 3:
        raise CheckFailed(
            f"expected a dozen campaigns with three selected, got {len(options)} "
            f"options and {chosen}"
        )
    before_src = page.eval_on_selector(f"{PANEL} .widget-image", "i => i.src")
    before_table = page.inner_text(f"{PANEL} table.ppk-table")
    before_caption = page.inner_text(f"{PANEL} .ppk-caption")
    steps.append(f"initial selection: {', '.join(chosen)}".replace("\xa0", " "))

    new = [options[4], options[7]]
    select.select_option(label=new)
    try:
        page.wait_for_function(IMAGE_CHANGED_JS, arg=before_src, timeout=UPDATE_S * 1000)
        page.wait_for_function(TABLE_CHANGED_JS, arg=before_table, timeout=UPDATE_S * 1000)
    except PlaywrightTimeout:
        raise CheckFailed(
            "after selecting other campaigns the chart image or the table did not change"
        ) from None
    table = page.inner_text(f"{PANEL} table.ppk-table")
    caption = page.inner_text(f"{PANEL} .ppk-caption")
    # ipywidgets renders option labels with non-breaking spaces.
    missing = [name for name in new if name.replace("\xa0", " ").split(" (")[0] not in table]
    if missing:
        raise CheckFailed(f"the table does not list the new campaigns {missing}:\n{table}")
    if "2 campaigns" not in caption or caption == before_caption:
        raise CheckFailed(f"the caption did not follow the selection: {caption!r}")
    shown = page.locator(f"{PANEL} .ppk-error")
    if shown.count() and shown.first.is_visible():
        raise CheckFailed(f"the dashboard shows an error: {shown.first.inner_text()}")
    traceback = _cell_errors(page)
    if traceback:
        raise CheckFailed(f"a cell raised: {traceback}")
    steps.append(f"selected {', '.join(new)}: chart and table updated".replace("\xa0", " "))

    steps += check_rates_with_intervals(page, PANEL)

    # The dashboard from its header down: selector, chart and table in one picture.
    page.eval_on_selector(f"{PANEL} .ppk-head", "h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    shot = frontend.screenshot(notebook)
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    steps.append(f"screenshot: {shot.relative_to(ROOT)}")
    if notebook == CHECKED[0] and stop_emulator is not None:
        # dashboard.ipynb reads the emulator process the check started: stop it under it
        steps += check_one_day_then_stopped(
            page, stop_emulator, lambda name: shot.with_name(f"{shot.stem}-{name}.png"), PANEL
        )
    return steps


def run(frontend: Frontend) -> int:
    """Run one check; 0 when it passed, 1 (saying why) when not."""
    started = time.monotonic()
    if not Path(CHROMIUM).exists():
        print(f"{frontend.label} FAILED: no Chromium at {CHROMIUM} (apt-get install chromium)")
        return 1
    try:
        module = __import__(frontend.module)
    except ImportError:
        print(
            f"{frontend.label} FAILED: {frontend.module} is not installed "
            "(pip install -e '.[browser]')"
        )
        return 1
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    frontend.log.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=f"{frontend.command}-check-") as workdir,
        open(frontend.log, "w") as log,
        emulator_process() as (endpoint, emulator),
    ):
        root, env = prepare(Path(workdir))
        # dashboard.ipynb uses this emulator (a process the check can stop under it); the
        # other notebooks start their own in their kernels
        env["AWS_ENDPOINT_URL_PINPOINT"] = endpoint
        server = subprocess.Popen(
            server_command(frontend, port, root),
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
        # On SIGTERM the server shuts its kernels down (each has a session of its own); a
        # kernel whose server died anyway exits by itself (ipykernel watches its parent).
        steps = supervise(
            frontend.label,
            server,
            lambda: drive(url, frontend, lambda: stop(emulator)),
            ready=lambda: wait_for_server(
                url + "api/status",
                server,
                name=f"jupyter {frontend.command}",
                seconds=SERVER_READY_S,
            ),
            total_s=TOTAL_S * len(CHECKED),
            log_hint=f"the server's log: {frontend.log.relative_to(ROOT)}",
        )
    if steps is None:
        return 1
    for step in steps:
        print(f"  ok  {step}")
    print(
        f"{frontend.label} passed in {time.monotonic() - started:.1f} s "
        f"({frontend.title} {module.__version__})"
    )
    return 0
