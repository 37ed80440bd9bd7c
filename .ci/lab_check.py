"""Real-browser check: the campaign-comparison widget works inside JupyterLab.

Serves a copy of ``notebooks/`` with ``jupyter lab`` on 127.0.0.1, opens
``/lab/tree/dashboard.ipynb`` and then ``02_comparing_campaigns.ipynb`` in Debian's headless
Chromium, runs all cells from the Run menu and drives each dashboard (see ``jupyter_support.py``,
shared with the Notebook 7 check). Screenshots: ``artifacts/lab-check.png`` and
``artifacts/lab-check-02_comparing_campaigns.png``; the server's log:
``artifacts/jupyterlab.log``. Exits non-zero,
saying why, on failure.

Needs: ``apt-get install chromium`` (``/usr/bin/chromium``; never a downloaded browser) and
``pip install -e '.[browser]'`` (jupyterlab, playwright, ipywidgets). Run from the repository
root::

    python .ci/lab_check.py
"""

from __future__ import annotations

import sys

from jupyter_support import Frontend, run

JUPYTERLAB = Frontend(
    label="lab check",
    title="JupyterLab",
    command="lab",
    module="jupyterlab",
    page="lab/tree/",
    # Nothing beyond loopback: no news feed, no update check, no extension manager (PyPI).
    extra_args=(
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ),
)

if __name__ == "__main__":
    sys.exit(run(JUPYTERLAB))
