"""The request that the current write belongs to, so services can audit IP and user agent.

Services are called from views, the API, importers and the CLI; only some of these have a
request. A context variable carries its metadata to the audit writer without threading
``request`` through every service signature.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    """What the audit log keeps of the request behind a change."""

    ip: str | None = None
    user_agent: str = ""
    channel: str = "web"


_CLI = RequestMeta(channel="cli")
_current: ContextVar[RequestMeta] = ContextVar("yuanqu_request_meta", default=_CLI)  # noqa: B039 (frozen)


def current_request_meta() -> RequestMeta:
    """The metadata of the request being served, or a CLI marker outside a request."""
    return _current.get()


def set_request_meta(meta: RequestMeta) -> object:
    """Install ``meta`` for the current context; returns a token for :func:`reset_request_meta`."""
    return _current.set(meta)


def reset_request_meta(token: object) -> None:
    """Restore the metadata that was current before :func:`set_request_meta`."""
    _current.reset(token)  # type: ignore[arg-type]
