"""What is late or falls due in organisational life, on the home page (工作台). A county or city
subtree evaluates a year of organisational life for thousands of branches: for a large subtree the
home page shows that summary from the shared summary cache (dangjian/core/summaries.py) with its
time; the matrix page's own summary is registered in views.py, the reports always compute afresh."""

from django.utils import timezone

from dangjian.core.registry import register_panel
from dangjian.core.summaries import register_summary, scope_summary, today_variant

from . import matrix  # noqa: F401  (registers the matrix page's summary where every summary is found)
from .report import home_due


def due(org, day: str) -> dict:
    """The home page's orglife summary as plain data: the planned meetings as a list, not a query
    (a query compares by identity, and would be run again by each reader of the cache)."""
    summary = home_due(org, today=timezone.datetime.fromisoformat(day).date())
    return {**summary, "planned": list(summary["planned"])}


register_summary("orglife.due", due, variants=today_variant)


def due_summary(request, scope) -> dict:
    summary = scope_summary("orglife.due", scope)
    return {"orglife": summary.value, "summary": summary}


register_panel("orglife.due", "orglife/_home_due.html", due_summary, order=20)
