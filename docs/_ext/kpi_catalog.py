"""``.. kpi-catalog::`` — the KPI catalog page, generated from ``pinpoint_kpi_pandas.catalog``.

Writes one table per scope (application, campaign, journey) with the KPI name and console title,
its grouping, its kind and unit, the value key (the frame's column), whether the value key
and grouping key were seen in a public example, and where the KPI comes from: the API (and
event archives), or event archives only. Nothing is copied by hand, so the page cannot drift
from the code.

Options: ``:scope:`` to show one scope only.
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives

HEADERS = (
    "KPI name and console title",
    "Grouped by",
    "Kind: unit",
    "Value key",
    "Verified",
    "From",
)
WIDTHS = (38, 14, 17, 17, 7, 7)
EVENTS_ONLY = "events only"
"""The mark of a KPI the API never served: only ``read_pinpoint_events`` gives it."""


def catalog_rows(scope: str) -> list[tuple[tuple[str, bool], ...]]:
    """One row per KPI of ``scope``: ``(text, is_code)`` per column; the name's second item is
    its console title."""
    from pinpoint_kpi_pandas import catalog

    rows = []
    for kpi in catalog.kpis(scope, include_events_only=True):
        if kpi.grouped_by:
            grouped = (kpi.grouped_by + ("" if kpi.grouped_by_verified else " *"), True)
        else:
            grouped = ("– (one value)", False)
        verified = [
            *(["key"] if kpi.value_key_verified else []),
            *(
                ["group"]
                if kpi.grouped_by and kpi.grouped_by_verified and kpi.value_key_verified
                else []
            ),
        ]
        rows.append(
            (
                (kpi.name, kpi.title or ""),
                grouped,
                (f"{kpi.kind}: {kpi.unit}" if kpi.unit else kpi.kind, False),
                (kpi.value_key, True),
                (", ".join(verified) or "no", False),
                (EVENTS_ONLY if kpi.events_only else "API, events", False),
            )
        )
    return rows


def _entry(text: str, code: bool | str) -> nodes.entry:
    paragraph = nodes.paragraph()
    paragraph += nodes.literal(text=text) if code else nodes.Text(text)
    entry = nodes.entry("", paragraph)
    if isinstance(code, str) and code:  # the console title, under the name
        entry += nodes.paragraph("", "", nodes.emphasis(text=code), classes=["kpi-title"])
    return entry


def _table(scope: str) -> nodes.table:
    table = nodes.table(classes=["kpi-catalog"])
    group = nodes.tgroup(cols=len(HEADERS))
    table += group
    for width in WIDTHS:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *(_entry(h, False) for h in HEADERS))
    group += head
    body = nodes.tbody()
    for row in catalog_rows(scope):
        body += nodes.row("", *(_entry(text, code) for text, code in row))
    group += body
    return table


class KpiCatalog(Directive):
    has_content = False
    option_spec: ClassVar[dict] = {"scope": directives.unchanged}

    def run(self):
        from pinpoint_kpi_pandas import catalog

        scopes = [self.options["scope"]] if "scope" in self.options else list(catalog.SCOPES)
        result: list[nodes.Node] = []
        for scope in scopes:
            section = nodes.section(ids=[f"scope-{scope}"], names=[f"{scope} scope"])
            count = len(catalog.kpis(scope))
            extra = len(catalog.kpis(scope, include_events_only=True)) - count
            section += nodes.title(
                text=f"{scope.capitalize()} scope ({count} KPIs, and {extra} from events only)"
            )
            section += _table(scope)
            result.append(section)
        return result


def setup(app):
    app.add_directive("kpi-catalog", KpiCatalog)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
