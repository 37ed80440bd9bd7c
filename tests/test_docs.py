"""The documentation's notebook pages: test markers hidden, widgets drawn from stored state.

``docs/_ext/static_notebooks.py`` turns each stored notebook into what its static page shows.
These tests run it on the real notebooks (as executed by ``notebooks/execute.py``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from static_notebooks import WIDGET_STATE, WIDGET_VIEW, static_notebook, widget_html  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def load(name: str) -> dict:
    return json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))


def outputs(book: dict):
    for index, cell in enumerate(book["cells"]):
        for output in cell.get("outputs", []):
            yield index, output


def drawn(output: dict) -> bool:
    return "ppk-static-widget" in "".join(output.get("data", {}).get("text/html", ""))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_test_markers_are_hidden_and_every_other_output_kept(path):
    stored = json.loads(path.read_text(encoding="utf-8"))
    page = static_notebook(stored)
    assert any("NBVAL_CHECK_OUTPUT" in "".join(c["source"]) for c in stored["cells"])
    assert not any("NBVAL" in c["source"] for c in page["cells"])
    for before, after in zip(stored["cells"], page["cells"], strict=True):
        kept = [o for o in before.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})]
        assert [o for o in after.get("outputs", []) if not drawn(o)] == kept
    assert "widgets" not in page["metadata"]  # no widget JavaScript needed on the page


def test_the_dashboard_is_drawn_from_the_state_it_was_left_in():
    stored = load("02_comparing_campaigns.ipynb")
    state = stored["metadata"]["widgets"][WIDGET_STATE]["state"]
    page = static_notebook(stored)
    cell = next(
        i for i, c in enumerate(stored["cells"]) if "compare_campaigns(" in "".join(c["source"])
    )
    (output,) = page["cells"][cell]["outputs"]
    assert set(output["data"]) == {"text/html", "text/plain"}
    html = output["data"]["text/html"]

    models = {m["model_name"]: m for m in state.values() if m["model_name"] != "LayoutModel"}
    image = models["ImageModel"]["buffers"][0]["data"]
    assert f"src='data:image/png;base64,{image}'" in html  # the chart it showed
    assert "Campaign comparison" in html
    assert re.search(r"<table class=\"[^\"]*ppk-table", html)  # the summary table it showed
    select = models["SelectMultipleModel"]["state"]
    chosen = re.findall(r"<option selected>([^<]*)</option>", html)
    labels = [select["_options_labels"][i] for i in select["index"]]
    toggles = models["ToggleButtonsModel"]["state"]
    shown_chart = toggles["_options_labels"][toggles["index"]]
    dropdowns = [m["state"] for m in state.values() if m["model_name"] == "DropdownModel"]
    picked = [d["_options_labels"][d["index"]] for d in dropdowns]  # KPI and baseline
    assert chosen[: len(labels)] == labels and sorted(chosen[len(labels) :]) == sorted(picked)
    assert f"class='ppk-static-on'>{shown_chart}</button>" in html
    assert "value='2026-10-01'" in html and "value='2026-10-28'" in html  # months count from 0


def test_finished_progress_bars_draw_nothing():
    stored = load("02_comparing_campaigns.ipynb")
    page = static_notebook(stored)
    progress = [
        i
        for i, o in outputs(stored)
        if "Pinpoint KPI requests" in "".join(o.get("data", {}).get("text/plain", ""))
    ]
    assert progress  # the reads showed tqdm bars while they ran
    for index in progress:
        assert not any(
            "Pinpoint KPI requests" in "".join(o.get("data", {}).get("text/plain", ""))
            for o in page["cells"][index]["outputs"]
        )


def test_a_widget_it_cannot_draw_keeps_its_text():
    state = {"m1": {"model_name": "ColorPickerModel", "state": {}}}
    assert widget_html("m1", state) is None
    book = {
        "metadata": {"widgets": {WIDGET_STATE: {"state": state}}},
        "cells": [
            {
                "cell_type": "code",
                "source": "picker",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {WIDGET_VIEW: {"model_id": "m1"}, "text/plain": "ColorPicker()"},
                    }
                ],
            }
        ],
    }
    (output,) = static_notebook(book)["cells"][0]["outputs"]
    assert output["data"] == {"text/plain": "ColorPicker()"}
