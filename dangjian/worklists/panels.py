"""Work items overdue, due soon or up for review, on the home page (工作台). For a large subtree
the counts and lists come from the shared summary cache (dangjian/core/summaries.py) with their time,
so the page does not count every item of a city on each visit."""

from django.utils import timezone

from dangjian.core.registry import register_panel
from dangjian.core.summaries import register_summary, subtree_size, summary_of

from .reminders import home_reminders


def _today() -> list[str]:
    return [timezone.localdate().isoformat()]


register_summary("worklists.reminders", home_reminders, variants=_today)


def reminders(request, scope) -> dict:
    org = scope["org"]
    size = scope.get("size")  # set by the organisation panel when it ran first
    summary = summary_of("worklists.reminders", org, _today()[0],
                         size=size if size is not None else subtree_size(org))
    return {"r": summary.value, "s": scope, "summary": summary}


register_panel("worklists.reminders", "worklists/_home_reminders.html", reminders, order=30)
