"""The public surface: pinned, so it never grows by accident, and documented with examples."""

import importlib
import inspect

import pandas as pd
import pytest

import pinpoint_kpi_pandas as ppk

TOP_LEVEL = [
    "PinpointKpiError",
    "__version__",
    "catalog",
    "emulator",
    "inventory",
    "kpi_frame",
    "list_applications",
    "list_campaigns",
    "list_journeys",
    "read_pinpoint_events",
    "read_pinpoint_kpi",
    "read_pinpoint_kpi_json",
]

PUBLIC_MODULES = [
    "pinpoint_kpi_pandas.accessor",
    "pinpoint_kpi_pandas.cache",
    "pinpoint_kpi_pandas.casting",
    "pinpoint_kpi_pandas.catalog",
    "pinpoint_kpi_pandas.checks",
    "pinpoint_kpi_pandas.cli",
    "pinpoint_kpi_pandas.client",
    "pinpoint_kpi_pandas.combine",
    "pinpoint_kpi_pandas.dates",
    "pinpoint_kpi_pandas.decoding",
    "pinpoint_kpi_pandas.demo",
    "pinpoint_kpi_pandas.derived",
    "pinpoint_kpi_pandas.emulator",
    "pinpoint_kpi_pandas.emulator.archive",
    "pinpoint_kpi_pandas.emulator.event_records",
    "pinpoint_kpi_pandas.events",
    "pinpoint_kpi_pandas.events.athena",
    "pinpoint_kpi_pandas.events.definitions",
    "pinpoint_kpi_pandas.events.due",
    "pinpoint_kpi_pandas.events.engines",
    "pinpoint_kpi_pandas.events.examples",
    "pinpoint_kpi_pandas.events.measures",
    "pinpoint_kpi_pandas.events.query",
    "pinpoint_kpi_pandas.events.reader",
    "pinpoint_kpi_pandas.events.rows",
    "pinpoint_kpi_pandas.events.run",
    "pinpoint_kpi_pandas.events.schema",
    "pinpoint_kpi_pandas.events.sources",
    "pinpoint_kpi_pandas.endpoint",
    "pinpoint_kpi_pandas.errors",
    "pinpoint_kpi_pandas.fetch",
    "pinpoint_kpi_pandas.files",
    "pinpoint_kpi_pandas.frame",
    "pinpoint_kpi_pandas.listing",
    "pinpoint_kpi_pandas.meta",
    "pinpoint_kpi_pandas.parse",
    "pinpoint_kpi_pandas.plan",
    "pinpoint_kpi_pandas.plotting",
    "pinpoint_kpi_pandas.project",
    "pinpoint_kpi_pandas.reader",
    "pinpoint_kpi_pandas.retries",
    "pinpoint_kpi_pandas.rows",
    "pinpoint_kpi_pandas.saved",
    "pinpoint_kpi_pandas.stats",
    "pinpoint_kpi_pandas.store",
    "pinpoint_kpi_pandas.widgets",
]
# Internal: the layer the accessor, plots, widgets and CLI share (not in the API reference), held
# to the same documentation bar.
DOCUMENTED_INTERNAL = ["pinpoint_kpi_pandas.analysis"]

# Public names added by issues 10, 11 and 12 (the rest of each module's __all__ is as before).
NEW_NAMES = {
    "pinpoint_kpi_pandas.checks": {
        "ID_PATTERN",
        "REGION_PATTERN",
        "check_alpha",
        "check_bool",
        "check_endpoint_url",
        "check_folder",
        "check_id",
        "check_output_file",
        "check_region",
        "shown",
    },
    "pinpoint_kpi_pandas.client": {"ClientOptions", "client_options"},
    "pinpoint_kpi_pandas.cache": {"open_store", "report_unsaved", "unsaved_summary"},
    "pinpoint_kpi_pandas.cli": {"COMMANDS", "FLAGS", "to_flags"},
    "pinpoint_kpi_pandas.errors": {"LargeReadWarning", "StoreWriteError", "UnservedRangeWarning"},
    "pinpoint_kpi_pandas.fetch": {
        "LARGE_READ_SECONDS",
        "LISTED",
        "SERVICE_QUOTA",
        "UNREACHABLE_FIX",
    },
    "pinpoint_kpi_pandas.listing": {
        "item_names",
        "name_map",
        "project_listing",
        "saved_listing_names",
        "stored_names",
    },
    "pinpoint_kpi_pandas.project": {"ProjectInfo", "answer_date", "describe_project"},
    "pinpoint_kpi_pandas.derived": {
        "CLICK_RATE",
        "DERIVED",
        "count_kpis",
        "derived_metrics",
        "find_metric",
        "is_derived",
    },
    "pinpoint_kpi_pandas.plan": {"unstitchable"},
    "pinpoint_kpi_pandas.plotting": {"BASELINE_COLOR", "LINESTYLES", "OTHER_COLOR", "style"},
    "pinpoint_kpi_pandas.retries": {
        "FAILING_REQUEST_ATTEMPTS",
        "MAX_BACKOFF",
        "SERVER_ERROR_SCALE",
        "Backoff",
        "FaultRules",
        "install_retries",
        "unreachable_endpoint",
    },
    "pinpoint_kpi_pandas.widgets": {
        "DashboardState",
        "DataSource",
        "FrameSource",
        "ReaderSource",
        "caption_html",
        "project_title",
        "table_html",
    },
}


def test_top_level_surface_is_pinned():
    assert ppk.__all__ == TOP_LEVEL
    for name in TOP_LEVEL:
        assert getattr(ppk, name) is not None


def public_objects():
    for module_name in PUBLIC_MODULES + DOCUMENTED_INTERNAL:
        module = importlib.import_module(module_name)
        assert module.__doc__, f"{module_name} has no module docstring"
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                if inspect.isclass(obj) and issubclass(obj, BaseException | Warning):
                    continue
                yield f"{module_name}.{name}", obj


@pytest.mark.parametrize(("name", "obj"), list(public_objects()), ids=lambda v: str(v))
def test_every_public_function_and_class_has_a_numpydoc_example(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert "Examples\n--------" in doc, f"{name} has no Examples section"


def test_errors_derive_from_one_base_class_and_builtins():
    from pinpoint_kpi_pandas import errors

    for name in errors.__all__:
        obj = getattr(errors, name)
        if not isinstance(obj, type):
            continue  # warn_user, the one helper
        assert issubclass(obj, errors.PinpointKpiError | errors.PinpointKpiWarning), name
        if issubclass(obj, Warning):
            assert issubclass(obj, UserWarning), name
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert issubclass(errors.ArgumentTypeError, TypeError)


def test_accessor_is_registered_and_its_public_methods_are_documented():
    assert "pinpoint" in pd.DataFrame._accessors
    from pinpoint_kpi_pandas.accessor import PinpointAccessor

    for name, member in inspect.getmembers(PinpointAccessor):
        if name.startswith("_"):
            continue
        doc = inspect.getdoc(member) or ""
        assert doc, f"DataFrame.pinpoint.{name} has no docstring"


@pytest.mark.parametrize("module_name", sorted(NEW_NAMES))
def test_names_added_by_the_restructuring_are_exported(module_name):
    module = importlib.import_module(module_name)
    assert NEW_NAMES[module_name] <= set(module.__all__)


def test_moved_names_keep_their_import_paths():
    from pinpoint_kpi_pandas.accessor import (  # noqa: F401
        ENTITY_LEVELS,
        ID_LEVELS,
        LEVEL_TITLES,
        UNWEIGHTED_SUFFIX,
        column_kpis,
        compare,
        label,
        name_map,
        resample,
        tidy,
        total,
    )
    from pinpoint_kpi_pandas.cli import build_parser, main  # noqa: F401
    from pinpoint_kpi_pandas.demo import RUN_KPIS, format_comparison, run_demo  # noqa: F401
    from pinpoint_kpi_pandas.plotting import (  # noqa: F401
        FUNNEL_STAGES,
        PALETTE,
        funnel_totals,
        plot_calendar,
        plot_compare,
        plot_funnel,
        plot_trend,
        style,
    )
    from pinpoint_kpi_pandas.widgets import (  # noqa: F401
        CHARTS,
        FUNNEL_KPIS,
        CampaignComparison,
        Selection,
        compare_campaigns,
        render_comparison,
        summary_table,
        table_html,
    )
