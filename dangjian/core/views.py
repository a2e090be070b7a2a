from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.accounts.queries import positions_of
from dangjian.members.queries import corrections_to_decide, member_of
from dangjian.orglife.queries import home_due
from dangjian.orgs import queries as org_queries
from dangjian.orgs.stats import subtree_statistics
from dangjian.worklists.reminders import home_reminders

# A county or city subtree evaluates a year of organisational life for thousands of branches (about
# 3 s for a city). The home page shows that summary from a cache refreshed every few minutes; the
# matrix page and the reports always compute it afresh. Small subtrees are always live.
LARGE_SUBTREE = 300
SUMMARY_SECONDS = 300


def _summary(org, name: str, compute, *, large: bool):
    if not large:
        return compute(org)
    key = f"home:{name}:{org.pk}:{org.path}:{timezone.localdate():%Y%m%d}"
    return cache.get_or_set(key, lambda: compute(org), SUMMARY_SECONDS)


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
        stats = subtree_statistics(org)
        scopes.append({
            "position": position,
            "org": org,
            "stats": stats,
            "warning_summary": org_queries.warning_summary(warnings),
            "warnings": warnings[:20],
            "warning_count": len(warnings),
            "orglife": _summary(org, "orglife", home_due, large=stats.orgs_total > LARGE_SUBTREE),
            "worklist_reminders": home_reminders(request.user, org),
        })
    if not scopes and member_of(request.user) is not None:
        return redirect("members:me")  # a member without a position: their own record is their home
    corrections = corrections_to_decide(request.user).count() if scopes else 0
    return render(request, "core/home.html", {"scopes": scopes, "corrections_pending": corrections})
