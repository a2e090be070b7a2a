"""Work items overdue, due soon or up for review, on the home page (工作台). For a large subtree
the counts and lists come from the shared summary cache (dangjian/core/summaries.py) with their time,
so the page does not count every item of a city on each visit."""

from dangjian.core.registry import register_panel
from dangjian.core.summaries import register_summary, scope_summary, today_variant

from .reminders import home_reminders

register_summary("worklists.reminders", home_reminders, variants=today_variant)


def reminders(request, scope) -> dict:
    summary = scope_summary("worklists.reminders", scope)
    return {"r": summary.value, "s": scope, "summary": summary}


register_panel("worklists.reminders", "worklists/_home_reminders.html", reminders, order=30)
