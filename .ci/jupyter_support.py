"""The dashboard checked live in a Jupyter front end: JupyterLab or Notebook 7.

Shared by ``lab_check.py`` and ``notebook_check.py``, which only say which front end to run:
copies ``notebooks/`` to a temporary directory (the copy of ``dashboard.ipynb`` has its stored
outputs and widget state cleared, so whatever renders comes from this run's kernel), serves it on
127.0.0.1 (a free port, no token; news, update checks and the extension manager off: nothing
leaves loopback, and any request that tries is reported), opens the notebook in Debian's headless
Chromium through Playwright, runs all cells from the Run menu, waits for the dashboard (campaign
selector, chart image, summary table), picks other campaigns, and checks that the chart image and
the table change. A screenshot is saved under ``artifacts/``, with the server's log.
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
    chromium_page,
    free_port,
    supervise,
    wait_for_server,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_NAME = "dashboard.ipynb"
SERVER_READY_S = 30
UI_S = 30
RENDER_S = 40
UPDATE_S = 25
TOTAL_S = 85  # one whole check, a hard ceiling under ninety seconds

# User settings written before the server starts: never ask about, or fetch, news.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}

PANEL = ".jp-NotebookPanel"
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

    @property
    def screenshot(self) -> Path:
        return ROOT / "artifacts" / f"{self.command}-check.png"

    @property
    def log(self) -> Path:
        return ROOT / "artifacts" / f"jupyter{self.command}.log"


def prepare(workdir: Path) -> tuple[Path, dict[str, str]]:
    """Copy notebooks/ (dashboard outputs cleared) and lay out private Jupyter directories."""
    root = workdir / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    path = root / NOTEBOOK_NAME
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
    # No AWS_* at all (the emulator needs no credentials), no AWS_ENDPOINT_URL_PINPOINT: the
    # notebook starts the emulator in its kernel. No JUPYTER_* of the developer's.
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


def wait_for_idle_kernel(url: str) -> None:
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
                if s.get("path", "").endswith(NOTEBOOK_NAME)
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


def drive(url: str, frontend: Frontend) -> list[str]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
        page.goto(f"{url}{frontend.page}{NOTEBOOK_NAME}", wait_until="domcontentloaded")
        try:
            page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=UI_S * 1000)
        except PlaywrightTimeout as exc:
            raise CheckFailed(f"{frontend.title} did not open {NOTEBOOK_NAME}: {exc}") from None
        wait_for_idle_kernel(url)
        if page.locator(f"{PANEL} .widget-select-multiple").count():
            raise CheckFailed("the widget is on the page before any cell ran")
        steps.append(f"{frontend.title} opened {NOTEBOOK_NAME} with an idle kernel")

        _run_all(page, frontend)
        try:
            page.wait_for_selector(
                f"{PANEL} .widget-select-multiple select", timeout=RENDER_S * 1000
            )
            page.wait_for_selector(f"{PANEL} table.ppk-table", timeout=RENDER_S * 1000)
            page.wait_for_function(IMAGE_READY_JS, timeout=RENDER_S * 1000)
        except PlaywrightTimeout:
            detail = _cell_errors(page) or "no error shown"
            raise CheckFailed(
                f"after Run All Cells the dashboard did not render ({detail})"
            ) from None
        steps.append("Run > Run All Cells: dashboard rendered (selector, chart, table)")

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

        # The dashboard from its header down: selector, chart and table in one picture.
        page.eval_on_selector(f"{PANEL} .ppk-head", "h => h.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        frontend.screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(frontend.screenshot))
        steps.append(f"screenshot: {frontend.screenshot.relative_to(ROOT)}")
    if outside:
        raise CheckFailed(f"the page tried to leave loopback: {sorted(set(outside))[:5]}")
    steps.append("no request left loopback")
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
    ):
        root, env = prepare(Path(workdir))
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
            lambda: drive(url, frontend),
            ready=lambda: wait_for_server(
                url + "api/status",
                server,
                name=f"jupyter {frontend.command}",
                seconds=SERVER_READY_S,
            ),
            total_s=TOTAL_S,
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
