"""The home page's first block for upper-level roles: the key figures of the dashboard of each
organisation the user holds a position at that has organisations below it, and a way into it."""

from dangjian.core.registry import register_panel
from dangjian.orgs.models import Organization

from . import queries
from .views import board_of


def _context(request, scope):
    org = scope["org"]
    if not Organization.objects.filter(parent=org).exists():
        return None  # a branch: its home page stays the branch's own work
    if not queries.live_is_ready(org):
        return {"org": org, "board": None}
    return {"org": org, "board": board_of(request, org)}


register_panel("dashboard.keys", "dashboard/_home_keys.html", _context, order=0)
