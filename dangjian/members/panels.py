"""Correction requests waiting for the user, above the scopes on the home page (工作台)."""

from dangjian.core.registry import register_panel

from .queries import corrections_to_decide


def pending_corrections(request, scopes) -> dict | None:
    count = corrections_to_decide(request.user).count() if scopes else 0
    return {"corrections_pending": count} if count else None


register_panel("members.corrections", "members/_home_corrections.html", pending_corrections, per_scope=False,
               order=10)
