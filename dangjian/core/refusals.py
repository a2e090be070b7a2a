"""Refused and out-of-scope attempts in the audit log (issue 12 item 10).

A refusal is raised deep inside an action (``ActionDenied``) or a scoped lookup, often inside a
transaction that then rolls back, and caught by a view that shows a message. So the refusal is only
noted where it happens (core.context.note_refusal) and written here, once per request, after the
view has answered: who, which request, which object when known, and why. A 403 answered without a
noted reason (a 三员 page, a CSRF failure) is written too.
"""

from __future__ import annotations

from .actors import actor_name
from .context import current_request
from .models import ChangeRecord


def refusal_record(request, response, refusals: list) -> ChangeRecord:
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    reasons = list(dict.fromkeys(reason for reason, _, _ in refusals))
    object_type, object_id = next(((t, i) for _, t, i in refusals if t), ("request", 0))
    where = f"{request.method} {request.path}"
    return ChangeRecord(
        actor=actor, actor_name=actor_name(actor), action="denied", object_type=object_type[:40],
        object_id=object_id, object_repr=where[:200],
        after={"method": request.method, "path": request.path[:200], "status": response.status_code,
               "refusals": len(refusals)},
        note=f"操作被拒绝：{'；'.join(reasons)}"[:500],
    )


class RefusalAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        refusals = list(current_request().refusals)
        if not refusals and response.status_code == 403:
            refusals = [("拒绝访问（HTTP 403）", "", 0)]
        if refusals:
            from .history import record_changes

            record_changes([refusal_record(request, response, refusals)])
        return response
