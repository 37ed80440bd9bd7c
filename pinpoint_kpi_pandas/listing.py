"""Listings for labelling and whole-project reads: projects, campaigns, journeys as frames.

botocore has no paginator for Pinpoint, so pages are followed by hand (``Token`` in,
``NextToken`` out).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from .cache import open_store, report_unsaved
from .checks import check_bool, check_id
from .client import ClientOptions, client_options
from .errors import InvalidArgumentError, MissingFromStoreError
from .fetch import service_error
from .retries import unreachable_from
from .store import OFFLINE_NEEDS_CACHE, ResponseStore

__all__ = [
    "LISTING_MEMBERS",
    "item_names",
    "list_applications",
    "list_campaigns",
    "list_journeys",
    "name_map",
    "project_listing",
    "saved_listing_names",
    "stored_names",
]

_PAGE_SIZE = "100"
_LISTINGS = {
    # name: (boto3 method, payload member)
    "applications": ("get_apps", "ApplicationsResponse"),
    "campaigns": ("get_campaigns", "CampaignsResponse"),
    "journeys": ("list_journeys", "JourneysResponse"),
}
LISTING_MEMBERS = frozenset(member for _, member in _LISTINGS.values())
"""Payload members of saved listings (AWS CLI shape), which are not KPI answers."""


def _items(client: Any, name: str, application_id: str | None = None) -> list[dict]:
    method, member = _LISTINGS[name]
    params: dict = {"PageSize": _PAGE_SIZE}
    if application_id is not None:
        params["ApplicationId"] = application_id
    items: list[dict] = []
    seen_tokens: set[str] = set()
    while True:
        try:
            page = getattr(client, method)(**params)[member]
        except Exception as exc:
            where = f" of application {application_id}" if application_id else ""
            what = f"listing the {name}{where}"
            # the projects: no store keeps them, so the advice does not offer one
            unreachable = unreachable_from(exc, subject=what, stored=application_id is not None)
            raise (unreachable or service_error(None, exc, what=what)) from exc
        items.extend(page.get("Item") or [])
        token = page.get("NextToken")
        if not token or token in seen_tokens:
            return items
        seen_tokens.add(token)
        params["Token"] = token


def _frame(items: list[dict], columns: dict[str, Callable[[dict], Any]]) -> pd.DataFrame:
    data = {name: [get(item) for item in items] for name, get in columns.items()}
    frame = pd.DataFrame(data, index=pd.Index([i["Id"] for i in items], name="Id", dtype="str"))
    for column in frame.columns:
        if column.endswith("Date") or column in ("StartTime", "EndTime"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def _campaign_channel(item: dict) -> str | None:
    config = item.get("MessageConfiguration") or {}
    found = [
        channel
        for channel, key in (
            ("EMAIL", "EmailMessage"),
            ("SMS", "SMSMessage"),
            ("PUSH", "DefaultMessage"),
            ("PUSH", "APNSMessage"),
            ("PUSH", "GCMMessage"),
            ("IN_APP", "InAppMessage"),
            ("CUSTOM", "CustomMessage"),
        )
        if config.get(key)
    ]
    return found[0] if found else None


_CAMPAIGN_COLUMNS: dict[str, Callable[[dict], Any]] = {
    "Name": lambda i: i.get("Name"),
    "Channel": _campaign_channel,
    "State": lambda i: (i.get("State") or {}).get("CampaignStatus"),
    "CreationDate": lambda i: i.get("CreationDate"),
    "LastModifiedDate": lambda i: i.get("LastModifiedDate"),
    "StartTime": lambda i: (i.get("Schedule") or {}).get("StartTime"),
    "Version": lambda i: i.get("Version"),
}
_JOURNEY_COLUMNS: dict[str, Callable[[dict], Any]] = {
    "Name": lambda i: i.get("Name"),
    "State": lambda i: i.get("State"),
    "CreationDate": lambda i: i.get("CreationDate"),
    "LastModifiedDate": lambda i: i.get("LastModifiedDate"),
    "Activities": lambda i: len(i.get("Activities") or {}),
}
_APPLICATION_COLUMNS: dict[str, Callable[[dict], Any]] = {
    "Name": lambda i: i.get("Name"),
    "Arn": lambda i: i.get("Arn"),
    "CreationDate": lambda i: i.get("CreationDate"),
}


def list_applications(
    *,
    client_options: ClientOptions | None = None,
    client: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    boto3_session: Any = None,
) -> pd.DataFrame:
    """The account's Pinpoint projects, one row per project.

    Parameters
    ----------
    client_options, client, region_name, endpoint_url, boto3_session
        How to reach Pinpoint, as for :func:`read_pinpoint_kpi`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Id``; columns ``Name``, ``Arn``, ``CreationDate`` (UTC).

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> with ppk.emulator.running() as emu:
    ...     apps = ppk.list_applications(endpoint_url=emu.endpoint_url)
    >>> apps["Name"].iloc[0]
    'Acme Retail'
    """
    reach = _reach(client_options, client, boto3_session, region_name, endpoint_url)
    return _frame(_items(reach.make_client(), "applications"), _APPLICATION_COLUMNS)


def list_campaigns(
    application_id: str,
    *,
    cache: str | os.PathLike | None = None,
    offline: bool = False,
    client_options: ClientOptions | None = None,
    client: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    boto3_session: Any = None,
) -> pd.DataFrame:
    """The project's campaigns, one row per campaign, following every page.

    Parameters
    ----------
    application_id : str
        The project id.
    cache : str or path, optional
        A response store (as for :func:`read_pinpoint_kpi`): the listing is saved there, and
        read back from there when ``offline=True``.
    offline : bool, default False
        Never call the service; read the listing saved in ``cache`` (which it needs: without
        one, :class:`~pinpoint_kpi_pandas.errors.InvalidArgumentError`, as for
        :func:`read_pinpoint_kpi`).
    client_options, client, region_name, endpoint_url, boto3_session
        How to reach Pinpoint, as for :func:`read_pinpoint_kpi`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Id``; columns ``Name``, ``Channel`` (EMAIL, SMS, PUSH, ...), ``State``,
        ``CreationDate``, ``LastModifiedDate``, ``StartTime`` (UTC) and ``Version``.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     campaigns = ppk.list_campaigns(app.id, endpoint_url=emu.endpoint_url)
    >>> len(campaigns) == len(app.campaigns)
    True
    """
    reach = _reach(client_options, client, boto3_session, region_name, endpoint_url)
    return _listing_frame(application_id, "campaigns", reach, cache=cache, offline=offline)


def list_journeys(
    application_id: str,
    *,
    cache: str | os.PathLike | None = None,
    offline: bool = False,
    client_options: ClientOptions | None = None,
    client: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    boto3_session: Any = None,
) -> pd.DataFrame:
    """The project's journeys, one row per journey, following every page.

    Parameters
    ----------
    application_id : str
        The project id.
    cache : str or path, optional
        A response store (as for :func:`read_pinpoint_kpi`): the listing is saved there, and
        read back from there when ``offline=True``.
    offline : bool, default False
        Never call the service; read the listing saved in ``cache`` (which it needs: without
        one, :class:`~pinpoint_kpi_pandas.errors.InvalidArgumentError`, as for
        :func:`read_pinpoint_kpi`).
    client_options, client, region_name, endpoint_url, boto3_session
        How to reach Pinpoint, as for :func:`read_pinpoint_kpi`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``Id``; columns ``Name``, ``State``, ``CreationDate``, ``LastModifiedDate``
        (UTC) and ``Activities`` (how many).

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     journeys = ppk.list_journeys(app.id, endpoint_url=emu.endpoint_url)
    >>> len(journeys) == len(app.journeys)
    True
    """
    reach = _reach(client_options, client, boto3_session, region_name, endpoint_url)
    return _listing_frame(application_id, "journeys", reach, cache=cache, offline=offline)


_PROJECT_COLUMNS = {"campaigns": _CAMPAIGN_COLUMNS, "journeys": _JOURNEY_COLUMNS}


def _reach(
    options: ClientOptions | None,
    client: Any,
    boto3_session: Any,
    region_name: str | None,
    endpoint_url: str | None,
) -> ClientOptions:
    return client_options(
        options,
        client=client,
        boto3_session=boto3_session,
        region_name=region_name,
        endpoint_url=endpoint_url,
    )


def _listing_frame(
    application_id: str,
    name: str,
    reach: ClientOptions,
    *,
    cache: str | os.PathLike | None,
    offline: bool,
) -> pd.DataFrame:
    # list_campaigns and list_journeys differ only in the listing and its columns.
    items = project_listing(
        application_id, name, client_factory=reach.make_client, cache=cache, offline=offline
    )
    return _frame(items, _PROJECT_COLUMNS[name])


def project_listing(
    application_id: str,
    name: str,
    *,
    client_factory: Callable[[], Any],
    cache: str | os.PathLike | ResponseStore | None,
    offline: bool,
) -> list[dict]:
    """The items of a project's ``campaigns`` or ``journeys`` listing, every page.

    Online, the listing is fetched and, with a store, saved there (AWS CLI shape); offline it is
    read back from the store and the service is never called (``offline=True`` without a store is
    an :class:`InvalidArgumentError`, as in the readers; a store without the listing, or with a
    corrupt one, is a :class:`MissingFromStoreError`).

    Parameters
    ----------
    application_id : str
        The project id.
    name : {"campaigns", "journeys"}
        The listing.
    client_factory : callable
        Makes the boto3 client, called only when the service is asked.
    cache : str, path or ResponseStore, optional
        Where the listing is saved (online) or read back from (offline).
    offline : bool
        Never call the service.

    Returns
    -------
    list of dict
        The listing's items, in the service's shape (``Id``, ``Name``, ...).

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.client import ClientOptions
    >>> from pinpoint_kpi_pandas.listing import project_listing
    >>> with ppk.emulator.running() as emu:
    ...     app = emu.world.applications[0]
    ...     reach = ClientOptions(endpoint_url=emu.endpoint_url)
    ...     items = project_listing(app.id, "journeys", client_factory=reach.make_client,
    ...                             cache=None, offline=False)
    >>> [item["Id"] for item in items] == [j.id for j in app.journeys]
    True
    """
    check_id(application_id, "application_id")
    check_bool(offline, "offline")
    if offline and cache is None:
        raise InvalidArgumentError(OFFLINE_NEEDS_CACHE)
    store = open_store(cache, offline=offline)
    member = _LISTINGS[name][1]
    if offline and store is not None:
        saved = store.load_listing(application_id, name, member)
        if saved is None:
            raise MissingFromStoreError(
                f"offline=True needs the project's {name} listing, and the store at "
                f"{store.root} has none; run once online with the same cache= (reading "
                f"{name[:-1]}_id='all' or list_{name}() saves it), or pass the ids explicitly.",
                missing=[],
            )
        return saved[member]["Item"]
    items = _items(client_factory(), name, application_id)
    if store is not None:
        store.save_listing(application_id, name, {member: {"Item": items}})
        if store is not cache:  # a store of its own: it reports what could not be saved
            report_unsaved(store, None, "warn")
    return items


# --- names: what the readers carry in a frame's contract, and every names= argument -----------


def name_map(names: Any) -> dict[str, str]:
    """A ``{id: name}`` dict from a mapping, a Series, or a listing frame with a ``Name`` column.

    The one rule for every ``names=`` argument (the readers, labels, plots, the dashboard, the
    command line). Ids without a name (None or missing) are left out, so they are shown as ids.

    Examples
    --------
    >>> import pandas as pd
    >>> from pinpoint_kpi_pandas.listing import name_map
    >>> listing = pd.DataFrame({"Name": ["Spring sale"]}, index=pd.Index(["c1"], name="Id"))
    >>> name_map(listing)
    {'c1': 'Spring sale'}
    >>> name_map({"c1": "Welcome", "c2": None})
    {'c1': 'Welcome'}
    """
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        if "Name" not in names.columns:
            raise InvalidArgumentError(
                "names= as a DataFrame needs a 'Name' column indexed by id, as list_campaigns() "
                f"and list_journeys() return; it has {list(names.columns)}."
            )
        source = names["Name"] if "Id" not in names.columns else names.set_index("Id")["Name"]
        return {str(k): str(v) for k, v in source.items() if pd.notna(v)}
    if isinstance(names, pd.Series):
        return {str(k): str(v) for k, v in names.items() if pd.notna(v)}
    if isinstance(names, Mapping):
        return {str(k): str(v) for k, v in names.items() if v is not None and pd.notna(v)}
    raise InvalidArgumentError(
        "names= must be a mapping {id: name}, a Series, or a DataFrame with a 'Name' column, "
        f"not {type(names).__name__}."
    )


def item_names(items: Iterable[Any]) -> dict[str, str]:
    """``{Id: Name}`` of a listing's items (in the service's shape), those that have both.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.listing import item_names
    >>> item_names([{"Id": "c1", "Name": "Welcome"}, {"Id": "c2"}, "junk"])
    {'c1': 'Welcome'}
    """
    return {
        item["Id"]: item["Name"]
        for item in items
        if isinstance(item, Mapping)
        and isinstance(item.get("Id"), str)
        and isinstance(item.get("Name"), str)
    }


def stored_names(store: ResponseStore | None, application_id: str, scope: str | None) -> dict:
    """The names in the campaigns (journeys) listing a store saved for the project, if any.

    Examples
    --------
    >>> import tempfile
    >>> from pinpoint_kpi_pandas.listing import stored_names
    >>> from pinpoint_kpi_pandas.store import ResponseStore
    >>> store = ResponseStore(tempfile.mkdtemp())
    >>> _ = store.save_listing("a1", "campaigns",
    ...                        {"CampaignsResponse": {"Item": [{"Id": "c1", "Name": "Sale"}]}})
    >>> stored_names(store, "a1", "campaign"), stored_names(store, "a1", "journey")
    ({'c1': 'Sale'}, {})
    """
    name = {"campaign": "campaigns", "journey": "journeys"}.get(scope or "")
    if store is None or name is None:
        return {}
    member = _LISTINGS[name][1]
    saved = store.load_listing(application_id, name, member)
    return item_names(saved[member]["Item"]) if saved is not None else {}


def saved_listing_names(path: str | os.PathLike) -> dict[str, str]:
    """The names in a saved listing file: ``aws pinpoint get-campaigns`` (``list-journeys``,
    ``get-apps``) output, or a listing a ``cache=`` store saved. ``{}`` when the file cannot be
    read as one.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> from pinpoint_kpi_pandas.listing import saved_listing_names
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "campaigns.json"
    >>> _ = path.write_text(json.dumps(
    ...     {"CampaignsResponse": {"Item": [{"Id": "c1", "Name": "Spring sale"}]}}))
    >>> saved_listing_names(path)
    {'c1': 'Spring sale'}
    """
    try:
        with open(path, "rb") as handle:
            document = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    names: dict[str, str] = {}
    if isinstance(document, Mapping):
        for member in LISTING_MEMBERS & document.keys():
            page = document[member]
            items = page.get("Item") if isinstance(page, Mapping) else None
            names.update(item_names(items if isinstance(items, list) else ()))
    return names
