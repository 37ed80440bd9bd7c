"""Real-browser check: the campaign-comparison widget works inside Notebook 7.

Serves a copy of ``notebooks/`` with ``jupyter notebook`` (Notebook 7, the ``notebook`` package)
on 127.0.0.1, opens ``/notebooks/dashboard.ipynb`` and then ``02_comparing_campaigns.ipynb`` in
Debian's headless Chromium, runs all cells from the Run menu and drives each dashboard (see
``jupyter_support.py``, shared with the JupyterLab check). Screenshots:
``artifacts/notebook-check.png`` and ``artifacts/notebook-check-02_comparing_campaigns.png``; the
server's log: ``artifacts/jupyternotebook.log``. Exits non-zero, saying why, on failure.

Needs: ``apt-get install chromium`` (``/usr/bin/chromium``; never a downloaded browser) and
``pip install -e '.[browser]'`` (notebook, playwright, ipywidgets). Run from the repository
root::

    python .ci/notebook_check.py
"""

from __future__ import annotations

import sys

from jupyter_support import Frontend, run

NOTEBOOK_7 = Frontend(
    label="notebook check",
    title="Notebook",
    command="notebook",
    module="notebook",
    page="notebooks/",
)

if __name__ == "__main__":
    sys.exit(run(NOTEBOOK_7))
