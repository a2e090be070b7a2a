"""Where the current request came from, for the audit records written while serving it."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    address: str | None = None
    request_id: str = ""


NO_REQUEST = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("dangjian_request", default=None)


def current_request() -> RequestContext:
    return _current.get() or NO_REQUEST


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and remembers its address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
        token = _current.set(RequestContext(address=request.META.get("REMOTE_ADDR"), request_id=request_id))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response
