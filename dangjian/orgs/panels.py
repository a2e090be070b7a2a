"""The organisation's key figures and structure warnings on the home page (工作台)."""

from dangjian.core.registry import register_panel

from . import queries
from .stats import subtree_statistics

SHOWN_WARNINGS = 20


def scope_figures(request, scope) -> dict:
    org = scope["org"]
    warnings = queries.subtree_warnings(org)
    stats = subtree_statistics(org)
    scope["stats"] = stats  # later panels size their work by the subtree (orglife's cache)
    return {"org": org, "stats": stats, "warning_summary": queries.warning_summary(warnings),
            "warnings": warnings[:SHOWN_WARNINGS], "warning_count": len(warnings)}


register_panel("orgs.figures", "orgs/_home_scope.html", scope_figures, order=10)
