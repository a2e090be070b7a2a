from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dangjian.accounts.queries import positions_of
from dangjian.orglife.queries import home_due
from dangjian.orgs import queries as org_queries
from dangjian.orgs.stats import subtree_statistics
from dangjian.worklists.reminders import home_reminders


@login_required
def home(request):
    """The user's scope at a glance: for each position, its key figures and warnings."""
    seen: set[str] = set()
    scopes = []
    for position in positions_of(request.user):
        org = position.org
        if any(org.path.startswith(p) for p in seen):
            continue
        seen.add(org.path)
        warnings = org_queries.subtree_warnings(org)
        scopes.append({
            "position": position,
            "org": org,
            "stats": subtree_statistics(org),
            "warning_summary": org_queries.warning_summary(warnings),
            "warnings": warnings[:20],
            "warning_count": len(warnings),
            "orglife": home_due(org),
            "worklist_reminders": home_reminders(request.user, org),
        })
    return render(request, "core/home.html", {"scopes": scopes})
