"""Notebooks as a static page shows them: test markers hidden, widgets drawn from their state.

``conf.py`` passes every notebook through :func:`static_notebook` when it copies it into
``docs/notebooks/``. Two things change, nothing else (outputs stay exactly as nbval checks them):

- ``# NBVAL_CHECK_OUTPUT`` (and any other ``# NBVAL_`` marker line) is removed from the cells'
  code: it tells the test runner which outputs to compare, and means nothing to a reader.
- A widget output (``application/vnd.jupyter.widget-view+json``) becomes plain HTML drawn from the
  widget state the notebook stored when it was executed (``python notebooks/execute.py``): the
  dashboard's header, its controls as they were set (disabled), its caption, its chart image and
  its table, i.e. a picture of its real state. Left as a widget, a static page can only show it
  by loading the widget manager's JavaScript from a CDN, which fails offline and shows an empty
  box. Hidden widgets (finished progress bars) draw nothing. The page then needs no widget
  JavaScript at all, so the stored state is dropped from the page's metadata.

Only the core ipywidgets controls the library uses are drawn; any other widget keeps its
``text/plain`` representation.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from typing import Any

__all__ = ["static_notebook", "widget_html"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_MARKER = re.compile(r"^[ \t]*# NBVAL_[A-Z_]+[^\n]*\n?", re.MULTILINE)
_LAYOUT_CSS = ("width", "max_width", "min_width", "height", "margin", "padding", "flex_flow")


def static_notebook(notebook: dict) -> dict:
    """A copy of ``notebook`` (nbformat 4 as a dict) for a static page."""
    book = copy.deepcopy(notebook)
    widgets = book.get("metadata", {}).pop("widgets", None) or {}
    state = (widgets.get(WIDGET_STATE) or {}).get("state", {})
    for cell in book.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        cell["source"] = _MARKER.sub("", text)
        outputs = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                outputs.append(output)
                continue
            drawn = widget_html(view.get("model_id", ""), state)
            if drawn is None:  # unknown: keep the plain-text repr only
                output["data"] = {k: v for k, v in output["data"].items() if k != WIDGET_VIEW}
                outputs.append(output)
            elif drawn:
                text_plain = output["data"].get("text/plain", "")
                output["data"] = {"text/html": _frame(drawn), "text/plain": text_plain}
                outputs.append(output)
            # drawn == "": a hidden widget, nothing to show
        cell["outputs"] = outputs
    return book


def widget_html(model_id: str, state: dict[str, Any]) -> str | None:
    """HTML for one stored widget and its children: "" if hidden, None if not drawable."""
    model = state.get(model_id)
    if model is None:
        return None
    s = model.get("state", {})
    layout = _layout(s, state)
    if layout is None:
        return ""
    draw = _DRAWERS.get(model.get("model_name", ""))
    if draw is None:
        return None
    body = draw(model, s, state)
    if body is None:
        return None
    classes = " ".join(["ppk-static", *s.get("_dom_classes", [])])
    return f"<div class='{html.escape(classes)}' style='{layout}'>{body}</div>"


def _frame(body: str) -> str:
    return (
        "<div class='ppk-static-widget' title='A picture of the widget as the notebook left "
        "it; run the notebook to use its controls'>" + body + "</div>"
    )


def _ref(value: Any) -> str:
    return value.replace("IPY_MODEL_", "") if isinstance(value, str) else ""


def _layout(s: dict, state: dict) -> str | None:
    """Inline CSS from the widget's Layout model; None if it is hidden."""
    layout = (state.get(_ref(s.get("layout"))) or {}).get("state", {})
    if layout.get("display") == "none" or layout.get("visibility") == "hidden":
        return None
    css = [f"{k.replace('_', '-')}: {layout[k]}" for k in _LAYOUT_CSS if layout.get(k)]
    return html.escape("; ".join(css), quote=True)


def _described(s: dict, control: str) -> str:
    label = s.get("description") or ""
    if not label:
        return control
    return (
        f"<label class='ppk-static-control'><span class='ppk-static-label'>"
        f"{html.escape(label)}</span>{control}</label>"
    )


def _box(direction: str):
    def draw(model: dict, s: dict, state: dict) -> str:
        children = [widget_html(_ref(c), state) or "" for c in s.get("children", [])]
        return f"<div class='ppk-static-{direction}'>{''.join(children)}</div>"

    return draw


def _html(model: dict, s: dict, state: dict) -> str:
    return _described(s, f"<div>{s.get('value', '')}</div>")  # our own executed output


def _image(model: dict, s: dict, state: dict) -> str | None:
    data = next((b["data"] for b in model.get("buffers", []) if b.get("path") == ["value"]), None)
    if not data:
        return ""
    fmt = html.escape(s.get("format") or "png")
    return f"<img alt='chart' style='max-width: 100%' src='data:image/{fmt};base64,{data}'/>"


def _options(s: dict, chosen: set[int]) -> str:
    return "".join(
        f"<option{' selected' if i in chosen else ''}>{html.escape(label)}</option>"
        for i, label in enumerate(s.get("_options_labels", []))
    )


def _select_multiple(model: dict, s: dict, state: dict) -> str:
    chosen = set(s.get("index") or [])
    # a picture cannot be scrolled: show every option (up to 20), so every chosen one shows
    rows = max(int(s.get("rows") or 5), min(len(s.get("_options_labels", [])), 20))
    return _described(s, f"<select multiple disabled size='{rows}'>{_options(s, chosen)}</select>")


def _dropdown(model: dict, s: dict, state: dict) -> str:
    index = s.get("index")
    chosen = {index} if isinstance(index, int) else set()
    return _described(s, f"<select disabled>{_options(s, chosen)}</select>")


def _date(model: dict, s: dict, state: dict) -> str:
    value = s.get("value") or {}
    text = ""
    if value:  # ipywidgets serialises months from 0, as JavaScript does
        text = dt.date(value["year"], value["month"] + 1, value["date"]).isoformat()
    return _described(s, f"<input type='date' disabled value='{text}'/>")


def _toggle_buttons(model: dict, s: dict, state: dict) -> str:
    index = s.get("index")
    buttons = "".join(
        f"<button disabled class='{'ppk-static-on' if i == index else ''}'>"
        f"{html.escape(label)}</button>"
        for i, label in enumerate(s.get("_options_labels", []))
    )
    return _described(s, f"<span class='ppk-static-toggles'>{buttons}</span>")


def _progress(model: dict, s: dict, state: dict) -> str:
    return _described(
        s, f"<progress max='{s.get('max', 1)}' value='{s.get('value', 0)}'></progress>"
    )


def _output(model: dict, s: dict, state: dict) -> str:
    parts = []
    for out in s.get("outputs", []):
        data = out.get("data", {})
        if "text/html" in data:
            parts.append("".join(data["text/html"]))
        elif "image/png" in data:
            parts.append(f"<img src='data:image/png;base64,{data['image/png']}'/>")
        elif "text" in out or "text/plain" in data:
            text = out.get("text") or data.get("text/plain")
            parts.append(f"<pre>{html.escape(''.join(text))}</pre>")
    return "".join(parts)


_DRAWERS = {
    "VBoxModel": _box("vbox"),
    "HBoxModel": _box("hbox"),
    "BoxModel": _box("vbox"),
    "HTMLModel": _html,
    "ImageModel": _image,
    "SelectMultipleModel": _select_multiple,
    "DropdownModel": _dropdown,
    "DatePickerModel": _date,
    "ToggleButtonsModel": _toggle_buttons,
    "IntProgressModel": _progress,
    "FloatProgressModel": _progress,
    "OutputModel": _output,
}
