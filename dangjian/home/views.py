from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from dangjian.accounts.queries import duty_of, positions_of
from dangjian.core.registry import panels
from dangjian.members.queries import member_of


def scopes_of(user) -> list[dict]:
    """One scope per position, leaving out positions inside the subtree of an earlier one."""
    seen: set[str] = set()
    scopes = []
    for position in positions_of(user):
        org = position.org
        if any(org.path.startswith(p) for p in seen):
            continue
        seen.add(org.path)
        scopes.append({"position": position, "org": org})
    return scopes


def _render(request, panel, data) -> str:
    return "" if data is None else render_to_string(panel.template, data, request=request)


@login_required
def home(request):
    """The user's scope at a glance: for each position, the panels the apps registered (their key
    figures, warnings and what falls due), and above them the page-wide panels."""
    if duty_of(request.user):
        return redirect("administration:index")  # the 三员 hold no position: their work is there
    scopes = scopes_of(request.user)
    if not scopes and member_of(request.user) is not None:
        return redirect("members:me")  # a member without a position: their own record is their home
    registered = panels()
    for scope in scopes:
        scope["panels"] = [_render(request, p, p.context(request, scope)) for p in registered if p.per_scope]
    page_panels = [_render(request, p, p.context(request, scopes)) for p in registered if not p.per_scope]
    return render(request, "home/home.html", {"scopes": scopes, "page_panels": page_panels})
