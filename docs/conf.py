"""Sphinx configuration for pinpoint-kpi-pandas.

Build (warnings are errors)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

The notebooks are rendered from their stored outputs (no execution, no pandoc): they are copied
from ../notebooks into docs/notebooks/ when the build starts (git-ignored), so the docs show
exactly what nbval checks (test markers hidden, widgets drawn from their stored state: see
``_ext/static_notebooks.py``). The KPI catalog page is generated from the package's catalog by the
``kpi-catalog`` directive in ``_ext/kpi_catalog.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from static_notebooks import static_notebook  # noqa: E402

import pinpoint_kpi_pandas  # noqa: E402

project = "pinpoint-kpi-pandas"
author = "pinpoint-kpi-pandas contributors"
copyright = "2026, " + author
release = pinpoint_kpi_pandas.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "kpi_catalog",
]

root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "notebooks/dashboard.ipynb"]  # a Voila app
# .rst first: autosummary writes its API stubs with the first suffix.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# API reference: stubs generated from the docstrings (numpydoc format).
autosummary_generate = True
templates_path = ["_templates"]  # autosummary titles without the package prefix
autodoc_typehints = "none"  # the numpydoc Parameters sections say it better
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Notebooks: rendered from their stored outputs, never executed here.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = "pinpoint-kpi-pandas"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    # Four links, the rest under "More": at 1,400 px the header then holds on one line.
    "header_links_before_dropdown": 4,
    # The catalog's table needs the whole width.
    "secondary_sidebar_items": {"**": ["page-toc"], "kpi-catalog": []},
}
# The top bar is the navigation (the site is flat); a left sidebar would stand empty.
html_sidebars = {"**": []}
html_show_sourcelink = False


def _copy_notebooks(app) -> None:
    # A copy, not a symlink: works on every OS and in a fresh clone. Outputs are kept as stored,
    # except that test markers are hidden and widgets are drawn from their stored state
    # (_ext/static_notebooks.py: no widget JavaScript from a CDN, no empty boxes).
    source = HERE.parent / "notebooks"
    target = HERE / "notebooks"
    target.mkdir(exist_ok=True)
    for notebook in sorted(source.glob("*.ipynb")):
        page = static_notebook(json.loads(notebook.read_text(encoding="utf-8")))
        text = json.dumps(page, indent=1, ensure_ascii=False) + "\n"
        destination = target / notebook.name
        if not destination.exists() or destination.read_text(encoding="utf-8") != text:
            destination.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _copy_notebooks)
