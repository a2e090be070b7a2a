"""What is late or falls due in organisational life, on the home page (工作台)."""

from django.core.cache import cache
from django.utils import timezone

from dangjian.core.registry import register_panel
from dangjian.orgs.models import Organization

from .report import home_due

# A county or city subtree evaluates a year of organisational life for thousands of branches (about
# 3 s for a city). The home page shows that summary from a cache refreshed every few minutes; the
# matrix page and the reports always compute it afresh. Small subtrees are always live.
LARGE_SUBTREE = 300
SUMMARY_SECONDS = 300


def _subtree_size(scope) -> int:
    stats = scope.get("stats")  # set by the organisation panel when it ran first
    if stats is not None:
        return stats.orgs_total
    return Organization.objects.filter(path__startswith=scope["org"].path).count()


def due_summary(request, scope) -> dict:
    org = scope["org"]
    if _subtree_size(scope) <= LARGE_SUBTREE:
        return {"orglife": home_due(org)}
    key = f"home:orglife:{org.pk}:{org.path}:{timezone.localdate():%Y%m%d}"
    return {"orglife": cache.get_or_set(key, lambda: home_due(org), SUMMARY_SECONDS)}


register_panel("orglife.due", "orglife/_home_due.html", due_summary, order=20)
