"""What the service says about a project: its name, and its clock.

Default ranges are counted back from the service's clock (the ``Date`` header of its answers:
the emulator's clock, or AWS's), never from the machine's, which after Pinpoint's shutdown (or
beside a frozen emulator) has no data; the dashboard's header names the project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

from .checks import check_id
from .client import ClientOptions
from .fetch import service_error

__all__ = ["ProjectInfo", "answer_date", "describe_project"]


class ProjectInfo(NamedTuple):
    """What one ``GetApp`` call says: the project's name, and the service's clock.

    Examples
    --------
    >>> ProjectInfo("Acme Retail", None).name
    'Acme Retail'
    """

    name: str | None
    """The project's name (None when it has none)."""
    now: dt.datetime | None
    """The service's time, from its answer's ``Date`` header (None when it sent none)."""


def describe_project(application_id: str, *, client_options: ClientOptions) -> ProjectInfo:
    """The project's name and the service's clock, from one ``GetApp`` call.

    The service's clock is the ``Date`` header of its answer: the emulator's clock, or AWS's.
    Default ranges are counted back from it, never from the machine's clock, which after the
    shutdown (or beside a frozen emulator) has no data.

    Raises
    ------
    ServiceError
        The call failed (an unknown project: not found; an endpoint that cannot be reached).

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.client import ClientOptions
    >>> from pinpoint_kpi_pandas.project import describe_project
    >>> with ppk.emulator.running() as emu:  # its clock is frozen at 2026-10-29T12:00Z
    ...     app = emu.world.applications[0]
    ...     info = describe_project(app.id, client_options=ClientOptions(
    ...         endpoint_url=emu.endpoint_url))
    >>> info.name, info.now.isoformat()
    ('Acme Retail', '2026-10-29T12:00:00+00:00')
    """
    check_id(application_id, "application_id")
    try:
        answer = client_options.make_client().get_app(ApplicationId=application_id)
    except Exception as exc:
        raise service_error(None, exc, what=f"asking for project {application_id}") from exc
    name = (answer.get("ApplicationResponse") or {}).get("Name")
    return ProjectInfo(name if isinstance(name, str) else None, answer_date(answer))


def answer_date(answer: Mapping[str, Any]) -> dt.datetime | None:
    """The UTC time in a boto3 answer's ``Date`` header (None without a usable one).

    Examples
    --------
    >>> from pinpoint_kpi_pandas.project import answer_date
    >>> answer_date({"ResponseMetadata": {"HTTPHeaders": {
    ...     "date": "Thu, 29 Oct 2026 12:00:00 GMT"}}}).isoformat()
    '2026-10-29T12:00:00+00:00'
    """
    from email.utils import parsedate_to_datetime

    header = (answer.get("ResponseMetadata") or {}).get("HTTPHeaders", {}).get("date")
    try:
        return parsedate_to_datetime(header).astimezone(dt.UTC) if header else None
    except (TypeError, ValueError):
        return None
