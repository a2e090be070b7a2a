"""The organisation's key figures and structure warnings on the home page (工作台). For a large
subtree both come from the shared summary cache (dangjian/core/summaries.py), with their time."""

from django.utils import timezone

from dangjian.core.registry import register_panel
from dangjian.core.summaries import register_summary, scope_summary, subtree_size, today_variant

from . import queries
from .stats import subtree_statistics

SHOWN_WARNINGS = 20


def figures(org, variant: str) -> dict:
    """The subtree's statistics and its warnings (the first ones shown, the summary of all), as of
    the day ``variant``."""
    today = timezone.datetime.fromisoformat(variant).date()
    warnings = queries.subtree_warnings(org, today=today)
    return {"stats": subtree_statistics(org, today=today), "warning_summary": queries.warning_summary(warnings),
            "warnings": warnings[:SHOWN_WARNINGS], "warning_count": len(warnings)}


register_summary("orgs.figures", figures, variants=today_variant)


def scope_figures(request, scope) -> dict:
    org = scope["org"]
    scope["size"] = subtree_size(org)  # later panels size their work by the subtree
    summary = scope_summary("orgs.figures", scope)
    scope["stats"] = summary.value["stats"]
    return {"org": org, **summary.value, "summary": summary}


register_panel("orgs.figures", "orgs/_home_scope.html", scope_figures, order=10)
