"""Where the current request came from, for the audit records written while serving it.

The request id is always the server's own (a random UUID, answered as ``X-Request-ID``): an id
chosen by the client could collide with, or impersonate, another request in the audit log. A
client's ``X-Request-ID`` is kept beside it (``client_request_id``, printable ASCII only), so a
client can still match its logs with ours.

The address is the TCP peer's (``REMOTE_ADDR``) unless the peer is one of the reverse proxies named
in ``DANGJIAN_TRUSTED_PROXIES``; only then is ``X-Forwarded-For`` read, right to left, skipping the
trusted proxies, and the first other address is the client's. Without that setting the header is
ignored entirely, since anyone can send it.
"""

from __future__ import annotations

import contextvars
import ipaddress
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    address: str | None = None
    request_id: str = ""
    client_request_id: str = ""
    # Refusals met while serving the request (core.refusals audits them once the response is made,
    # after the refused action's transaction has rolled back): (reason, object type, object id).
    refusals: list = field(default_factory=list)


MAX_REFUSALS_NOTED = 20
NO_REQUEST = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("dangjian_request", default=None)
CLIENT_ID = re.compile(r"[\x21-\x7e]{1,64}")  # printable ASCII, no spaces


def current_request() -> RequestContext:
    return _current.get() or NO_REQUEST


def note_refusal(reason: str, *, object_type: str = "", object_id: int = 0) -> None:
    """Remember a refusal for the audit log (outside a request, e.g. a command, there is none)."""
    context = _current.get()
    if context is not None and len(context.refusals) < MAX_REFUSALS_NOTED:
        context.refusals.append((reason, object_type, object_id))


@lru_cache(maxsize=4)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _ip(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in net for net in networks)


def client_address(request) -> str | None:
    """The client's address: the peer's, or — when the peer is a trusted proxy — the last address
    in ``X-Forwarded-For`` that is not itself a trusted proxy."""
    peer = _ip(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(peer, networks):
        return str(peer) if peer is not None else None
    forwarded = [_ip(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for hop in reversed(forwarded):
        if hop is None:
            break  # a malformed entry: nothing to its left can be trusted
        if not _trusted(hop, networks):
            return str(hop)
    return str(peer)


def client_request_id(request) -> str:
    raw = request.headers.get("X-Request-ID", "")
    return raw if CLIENT_ID.fullmatch(raw) else ""


class RequestContextMiddleware:
    """Gives every request the server's id (answered as X-Request-ID) and its client's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = RequestContext(address=client_address(request), request_id=uuid.uuid4().hex,
                                 client_request_id=client_request_id(request))
        request.client_address = context.address
        token = _current.set(context)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = context.request_id
        return response
