"""The one place boto3 Pinpoint clients are built; :class:`ClientOptions`, how to reach Pinpoint.

Retries are botocore's job: the ``standard`` retry mode retries 429 (TooManyRequestsException) and
5xx answers with exponential backoff and jitter. It was chosen by measurement over ``adaptive``,
whose client-side rate limiter over-corrects under a token-bucket quota and collapses under 429s
that are not about the rate (see ``docs/benchmarks.md``). The clients built here have no retry
budget, do not retry an endpoint that cannot be reached, and give up early on a request that
keeps failing while the service answers others (:mod:`pinpoint_kpi_pandas.retries`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ._version import __version__
from .checks import check_endpoint_url, check_region
from .endpoint import EMULATOR_CREDENTIALS, configured_endpoint, probe_endpoint
from .errors import ArgumentTypeError, InvalidArgumentError
from .retries import install_retries, unreachable_error

__all__ = ["DEFAULT_MAX_ATTEMPTS", "RETRY_MODE", "ClientOptions", "client_options", "make_client"]

RETRY_MODE = "standard"
"""botocore retry mode used for every client this library builds."""

DEFAULT_MAX_ATTEMPTS = 10
"""Attempts per request (first call + retries) before a request is reported as failed."""


def make_client(
    *,
    client: Any = None,
    boto3_session: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    max_pool_connections: int = 10,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Any:
    """A boto3 Pinpoint client configured for KPI reads, or ``client`` itself when given.

    Parameters
    ----------
    client : botocore client, optional
        A ready ``boto3.client("pinpoint")``; returned unchanged (its own retry settings apply).
    boto3_session : boto3.session.Session, optional
        Session to build the client from (profile, credentials, region). Default: boto3's
        default session (what ``boto3.client`` uses), which reads the usual AWS environment and
        config files.
    region_name : str, optional
        AWS Region. With an ``endpoint_url`` and no region configured, ``us-east-1`` is used for
        signing.
    endpoint_url : str, optional
        Another endpoint, e.g. the emulator's. boto3 also honours ``AWS_ENDPOINT_URL_PINPOINT``.
        An endpoint that identifies itself as the bundled emulator
        (:func:`~pinpoint_kpi_pandas.endpoint.probe_endpoint`) is signed with placeholder
        credentials: it needs none, and never sees yours.
    max_pool_connections : int, default 10
        HTTP connections kept open; at least the number of worker threads.
    max_attempts : int, default 10
        Attempts per request under botocore's standard retry mode.

    Returns
    -------
    botocore.client.Pinpoint

    Raises
    ------
    InvalidArgumentError
        No Region can be found, or no credentials for an endpoint that is not the emulator.

    Examples
    --------
    >>> from pinpoint_kpi_pandas import emulator
    >>> from pinpoint_kpi_pandas.client import make_client
    >>> with emulator.running() as emu:  # no credentials, no Region needed
    ...     c = make_client(endpoint_url=emu.endpoint_url)
    ...     apps = c.get_apps()["ApplicationsResponse"]["Item"]
    >>> c.meta.region_name, c.meta.config.retries["mode"], len(apps)
    ('us-east-1', 'standard', 3)
    """
    if client is not None:
        if not hasattr(client, "get_campaign_date_range_kpi"):
            raise InvalidArgumentError(
                "client must be a boto3 Pinpoint client: boto3.client('pinpoint')."
            )
        return client
    import boto3
    from botocore.config import Config
    from botocore.exceptions import NoRegionError

    session = boto3_session
    if session is None:
        # boto3's own default session, as boto3.client() uses: its loaded service models are
        # reused, so each read does not pay to parse them again.
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
    config = Config(
        # total_max_attempts counts the first call too (botocore's max_attempts counts retries)
        retries={"mode": RETRY_MODE, "total_max_attempts": max_attempts},
        max_pool_connections=max(max_pool_connections, 1),
        user_agent_extra=f"pinpoint-kpi-pandas/{__version__}",
        connect_timeout=10,
        read_timeout=60,
    )
    endpoint = configured_endpoint(endpoint_url)
    if region_name is None and session.region_name is None and endpoint is not None:
        region_name = "us-east-1"
    credentials = _credentials_for(endpoint, session)
    try:
        client = session.client(
            "pinpoint",
            region_name=region_name,
            endpoint_url=endpoint_url,
            config=config,
            **credentials,
        )
    except NoRegionError:
        raise InvalidArgumentError(
            "No AWS Region is configured: pass region_name='us-east-1' (or your project's "
            "Region), or set AWS_DEFAULT_REGION."
        ) from None
    install_retries(client, max_attempts)
    return client


@dataclasses.dataclass(frozen=True)
class ClientOptions:
    """How to reach Pinpoint: one small value passed to every function that talks to it.

    Every reader, listing, ``df.pinpoint.label()``, the dashboard and the command line accept
    ``client_options=`` beside their ``client=``, ``boto3_session=``, ``region_name=`` and
    ``endpoint_url=`` arguments (see :func:`client_options` for how the two combine). The
    arguments are checked when the object is made, before any request.

    Parameters
    ----------
    client : botocore client, optional
        A ready ``boto3.client("pinpoint")``; the other fields are then not used to build one.
    boto3_session : boto3.session.Session, optional
        Session (profile, credentials, region) to build the client from.
    region_name : str, optional
        AWS Region.
    endpoint_url : str, optional
        Another endpoint, e.g. the bundled emulator's.
    max_attempts : int, default 10
        Attempts per request (first call and retries) under botocore's standard retry mode.

    Examples
    --------
    >>> import pinpoint_kpi_pandas as ppk
    >>> from pinpoint_kpi_pandas.client import ClientOptions
    >>> with ppk.emulator.running() as emu:
    ...     reach = ClientOptions(endpoint_url=emu.endpoint_url, max_attempts=3)
    ...     apps = ppk.list_applications(client_options=reach)
    >>> apps["Name"].iloc[0]
    'Acme Retail'
    >>> ClientOptions(boto3_session="default")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pinpoint_kpi_pandas.errors.ArgumentTypeError: boto3_session must be a boto3 session, ...
    """

    client: Any = None
    boto3_session: Any = None
    region_name: str | None = None
    endpoint_url: str | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    def __post_init__(self) -> None:
        client, session = self.client, self.boto3_session
        if client is not None and not callable(
            getattr(client, "get_campaign_date_range_kpi", None)
        ):
            raise ArgumentTypeError(
                "client must be a boto3 Pinpoint client, e.g. boto3.client('pinpoint') or "
                f"session.client('pinpoint'), not {_shown(client)}."
            )
        if session is not None and not callable(getattr(session, "client", None)):
            hint = (
                " (a botocore session: wrap it as boto3.Session(botocore_session=...))"
                if callable(getattr(session, "create_client", None))
                else "; for a named profile pass that session (or set AWS_PROFILE)"
            )
            raise ArgumentTypeError(
                "boto3_session must be a boto3 session, e.g. "
                f"boto3.Session(profile_name='analytics'), not {_shown(session)}{hint}."
            )
        if self.region_name is not None:
            check_region(self.region_name)
        if self.endpoint_url is not None:
            check_endpoint_url(self.endpoint_url)
        attempts = self.max_attempts
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise InvalidArgumentError(
                f"max_attempts must be a whole number of attempts, at least 1 (default "
                f"{DEFAULT_MAX_ATTEMPTS}), not {attempts!r}."
            )

    def make_client(self, *, max_pool_connections: int = 10) -> Any:
        """The client these options describe (``client`` itself when given).

        Examples
        --------
        >>> from pinpoint_kpi_pandas import emulator
        >>> from pinpoint_kpi_pandas.client import ClientOptions
        >>> with emulator.running() as emu:  # needs no credentials
        ...     c = ClientOptions(endpoint_url=emu.endpoint_url).make_client()
        >>> c.meta.endpoint_url == emu.endpoint_url
        True
        """
        return make_client(
            client=self.client,
            boto3_session=self.boto3_session,
            region_name=self.region_name,
            endpoint_url=self.endpoint_url,
            max_pool_connections=max_pool_connections,
            max_attempts=self.max_attempts,
        )


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def client_options(
    options: ClientOptions | None = None,
    *,
    client: Any = None,
    boto3_session: Any = None,
    region_name: str | None = None,
    endpoint_url: str | None = None,
) -> ClientOptions:
    """One :class:`ClientOptions` from ``client_options=`` and the separate keyword arguments.

    A field may come from either; given in both with different values, it is refused (no
    silent precedence).

    Parameters
    ----------
    options : ClientOptions, optional
        What the caller passed as ``client_options=``.
    client, boto3_session, region_name, endpoint_url
        What the caller passed as separate arguments (None: not given).

    Returns
    -------
    ClientOptions

    Raises
    ------
    ArgumentTypeError
        ``options`` is not a ClientOptions, or a field has the wrong type.
    InvalidArgumentError
        A field given both ways, with different values.

    Examples
    --------
    >>> from pinpoint_kpi_pandas.client import ClientOptions, client_options
    >>> reach = client_options(ClientOptions(region_name="eu-west-1"), endpoint_url="http://h:1")
    >>> reach.region_name, reach.endpoint_url
    ('eu-west-1', 'http://h:1')
    """
    given = {
        "client": client,
        "boto3_session": boto3_session,
        "region_name": region_name,
        "endpoint_url": endpoint_url,
    }
    given = {k: v for k, v in given.items() if v is not None}
    if options is None:
        return ClientOptions(**given)
    if not isinstance(options, ClientOptions):
        raise ArgumentTypeError(
            "client_options must be a pinpoint_kpi_pandas.client.ClientOptions, e.g. "
            f"ClientOptions(endpoint_url=...), not {_shown(options)}."
        )
    clashes = [k for k, v in given.items() if getattr(options, k) not in (None, v)]
    if clashes:
        raise InvalidArgumentError(
            f"{', '.join(clashes)} given both in client_options= and as separate arguments, "
            "with different values; pass each once."
        )
    return dataclasses.replace(options, **given) if given else options


def _credentials_for(endpoint: str | None, session: Any) -> dict[str, str]:
    """Placeholder credentials for the bundled emulator; else the session's own, which must
    exist (checked here, so a read without them fails once, before any request, saying how to
    set them)."""
    probe = probe_endpoint(endpoint) if endpoint is not None else None
    if probe is not None and probe.is_emulator:
        return dict(EMULATOR_CREDENTIALS)
    if session.get_credentials() is not None:
        return {}
    if probe is not None and probe.problem:
        # nothing answers (a stopped emulator, a wrong port): that, not credentials, is the
        # problem to fix first; the same error a read meets when the endpoint stops answering
        raise unreachable_error(str(endpoint).rstrip("/"), probe.problem)
    if probe is None:
        where, state = "AWS's Pinpoint endpoint", "To try the library without AWS"
    else:
        where, state = f"the endpoint {endpoint}", "That endpoint is not the emulator; for it"
    hint = (
        f" {state}, start the bundled emulator (`pinpoint-kpi emulator`, or "
        "pinpoint_kpi_pandas.emulator.running() in Python) and pass its URL as endpoint_url: "
        "it needs no credentials."
    )
    raise InvalidArgumentError(
        f"No AWS credentials found for {where}. Set them the usual way: `aws configure` or "
        "`aws sso login` (then AWS_PROFILE=name), the variables AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, an instance or container role; or pass "
        "boto3_session=boto3.Session(profile_name=...)." + hint
    )
