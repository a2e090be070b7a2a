"""Work items overdue, due soon or up for review, on the home page (工作台)."""

from dangjian.core.registry import register_panel

from .reminders import home_reminders


def reminders(request, scope) -> dict:
    return {"r": home_reminders(request.user, scope["org"]), "s": scope}


register_panel("worklists.reminders", "worklists/_home_reminders.html", reminders, order=30)
