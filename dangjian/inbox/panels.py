"""The newest open 待办 on the home page (工作台), above the scopes: the first thing a person sees."""

from dangjian.core.registry import register_panel

from .queries import open_items, with_read

SHOWN = 5


def newest_open(request, scopes) -> dict | None:
    items = list(with_read(open_items(request.user), request.user).order_by("-updated_at", "-id")[:SHOWN])
    return {"inbox_items": items} if items else None


register_panel("inbox", "inbox/_home_panel.html", newest_open, per_scope=False, order=1)
