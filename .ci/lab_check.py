"""Real-browser check: the campaign-comparison widget works inside JupyterLab.

Copies ``notebooks/`` to a temporary directory (the copy of ``dashboard.ipynb`` has its stored
outputs and widget state cleared, so whatever renders comes from this run's kernel), serves it
with ``jupyter lab`` on 127.0.0.1 (a free port, no token, news, update checks and the extension
manager off: nothing leaves loopback), opens ``/lab/tree/dashboard.ipynb`` in Debian's headless
Chromium through Playwright, runs all cells from the Run menu, waits for the dashboard (campaign
selector, chart image, summary table), picks other campaigns, and checks that the chart image and
the table change. A screenshot is saved to ``artifacts/lab-check.png``, the server's log to
``artifacts/jupyterlab.log``. Exits non-zero, saying why, on failure.

Needs: ``apt-get install chromium`` (``/usr/bin/chromium``; never a downloaded browser) and
``pip install -e '.[browser]'`` (jupyterlab, playwright, ipywidgets). Run from the repository
root::

    python .ci/lab_check.py
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
from pathlib import Path

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
SCREENSHOT = ROOT / "artifacts" / "lab-check.png"
LOG = ROOT / "artifacts" / "jupyterlab.log"
SERVER_READY_S = 30
LAB_UI_S = 30
RENDER_S = 40
UPDATE_S = 25
TOTAL_S = 85  # the whole check, a hard ceiling under ninety seconds

# JupyterLab user settings written before the server starts: never ask about, or fetch, news.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}

IMAGE_READY_JS = (
    "() => { const i = document.querySelector('.jp-NotebookPanel .widget-image');"
    " return i && i.src && i.complete && i.naturalWidth > 0; }"
)
IMAGE_CHANGED_JS = (
    "src => { const i = document.querySelector('.jp-NotebookPanel .widget-image');"
    " return i && i.src !== src && i.complete && i.naturalWidth > 0; }"
)
TABLE_CHANGED_JS = (
    "old => { const t = document.querySelector('.jp-NotebookPanel table.ppk-table');"
    " return t && t.innerText !== old; }"
)


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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "JUPYTER"))}
    # No AWS_ENDPOINT_URL_PINPOINT: the notebook starts the emulator in its kernel.
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "lab-workspaces"),
        JUPYTER_CONFIG_DIR=str(workdir / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(workdir / "jupyter-runtime"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    return root, env


def lab_command(port: int, root: Path) -> list[str]:
    jupyter = Path(sys.executable).with_name("jupyter")
    base = [str(jupyter), "lab"] if jupyter.exists() else [sys.executable, "-m", "jupyterlab"]
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
        # Nothing beyond loopback: no news feed, no update check, no extension manager (PyPI).
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]


def start_lab(port: int, root: Path, env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        lab_command(port, root),
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as a whole
    )


def wait_for_idle_kernel(url: str) -> None:
    """Wait until the server reports the notebook's kernel started and idle."""
    deadline = time.monotonic() + LAB_UI_S
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
    raise CheckFailed(f"the notebook's kernel was not idle within {LAB_UI_S} s: {states}")


def drive(url: str) -> list[str]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    steps: list[str] = []
    with chromium_page({"width": 1400, "height": 1200}) as page:
        page.set_default_timeout(LAB_UI_S * 1000)
        page.goto(f"{url}lab/tree/{NOTEBOOK_NAME}", wait_until="domcontentloaded")
        try:
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=LAB_UI_S * 1000)
        except PlaywrightTimeout as exc:
            raise CheckFailed(f"JupyterLab did not open {NOTEBOOK_NAME}: {exc}") from None
        wait_for_idle_kernel(url)
        if page.locator(".jp-NotebookPanel .widget-select-multiple").count():
            raise CheckFailed("the widget is on the page before any cell ran")
        steps.append(f"JupyterLab opened {NOTEBOOK_NAME} with an idle kernel")

        try:
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-content .lm-Menu-item[data-command='runmenu:run-all']").click()
        except PlaywrightTimeout as exc:
            raise CheckFailed(f"could not choose Run > Run All Cells: {exc}") from None
        try:
            page.wait_for_selector(
                ".jp-NotebookPanel .widget-select-multiple select", timeout=RENDER_S * 1000
            )
            page.wait_for_selector(".jp-NotebookPanel table.ppk-table", timeout=RENDER_S * 1000)
            page.wait_for_function(IMAGE_READY_JS, timeout=RENDER_S * 1000)
        except PlaywrightTimeout:
            errors = page.locator(
                ".jp-NotebookPanel [data-mime-type='application/vnd.jupyter.error']"
            )
            detail = errors.first.inner_text()[-1500:] if errors.count() else "no error shown"
            raise CheckFailed(
                f"after Run All Cells the dashboard did not render ({detail})"
            ) from None
        steps.append("Run > Run All Cells: dashboard rendered (selector, chart, table)")

        select = page.locator(".jp-NotebookPanel .widget-select-multiple select")
        options = select.locator("option").all_inner_texts()
        chosen = select.locator("option:checked").all_inner_texts()
        if len(options) < 6 or len(chosen) != 3:
            raise CheckFailed(
                f"expected a dozen campaigns with three selected, got {len(options)} "
                f"options and {chosen}"
            )
        before_src = page.eval_on_selector(".jp-NotebookPanel .widget-image", "i => i.src")
        before_table = page.inner_text(".jp-NotebookPanel table.ppk-table")
        before_caption = page.inner_text(".jp-NotebookPanel .ppk-caption")
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
        table = page.inner_text(".jp-NotebookPanel table.ppk-table")
        caption = page.inner_text(".jp-NotebookPanel .ppk-caption")
        # ipywidgets renders option labels with non-breaking spaces.
        missing = [name for name in new if name.replace("\xa0", " ").split(" (")[0] not in table]
        if missing:
            raise CheckFailed(f"the table does not list the new campaigns {missing}:\n{table}")
        if "2 campaigns" not in caption or caption == before_caption:
            raise CheckFailed(f"the caption did not follow the selection: {caption!r}")
        shown = page.locator(".jp-NotebookPanel .ppk-error")
        if shown.count() and shown.first.is_visible():
            raise CheckFailed(f"the dashboard shows an error: {shown.first.inner_text()}")
        tracebacks = page.locator(
            ".jp-NotebookPanel [data-mime-type='application/vnd.jupyter.error']"
        )
        if tracebacks.count():
            raise CheckFailed(f"a cell raised: {tracebacks.first.inner_text()[-1500:]}")
        steps.append(f"selected {', '.join(new)}: chart and table updated".replace("\xa0", " "))

        # The dashboard from its header down: selector, chart and table in one picture.
        page.eval_on_selector(
            ".jp-NotebookPanel .ppk-head", "h => h.scrollIntoView({block: 'start'})"
        )
        page.wait_for_timeout(300)
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        steps.append(f"screenshot: {SCREENSHOT.relative_to(ROOT)}")
    return steps


def main() -> int:
    started = time.monotonic()
    if not Path(CHROMIUM).exists():
        print(f"lab check FAILED: no Chromium at {CHROMIUM} (apt-get install chromium)")
        return 1
    try:
        import jupyterlab
    except ImportError:
        print("lab check FAILED: jupyterlab is not installed (pip install -e '.[browser]')")
        return 1
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lab-check-") as workdir, open(LOG, "w") as log:
        root, env = prepare(Path(workdir))
        lab = start_lab(port, root, env, log)
        # On SIGTERM the server shuts its kernels down (each has a session of its own); a
        # kernel whose server died anyway exits by itself (ipykernel watches its parent).
        steps = supervise(
            "lab check",
            lab,
            lambda: drive(url),
            ready=lambda: wait_for_server(
                url + "api/status", lab, name="jupyter lab", seconds=SERVER_READY_S
            ),
            total_s=TOTAL_S,
            log_hint=f"jupyter lab's log: {LOG.relative_to(ROOT)}",
        )
    if steps is None:
        return 1
    for step in steps:
        print(f"  ok  {step}")
    print(
        f"lab check passed in {time.monotonic() - started:.1f} s "
        f"(JupyterLab {jupyterlab.__version__})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
