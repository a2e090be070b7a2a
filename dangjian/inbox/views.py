"""The inbox page: open items first (unread in bold), the recently closed below; following an
item's link marks it read for this person and leaves it open until its work is done."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import actions
from .queries import addressed_to, open_items, with_read

CLOSED_SHOWN = 20
OPEN_SHOWN = 200


def _own_item_or_404(user, pk):
    item = addressed_to(user).filter(pk=pk).first()
    if item is None:
        raise Http404("未找到该待办，或它不是发给您的")
    return item


@login_required
@require_GET
def inbox(request):
    items = with_read(open_items(request.user), request.user).select_related("org").order_by("-updated_at", "-id")
    closed = (addressed_to(request.user).filter(done_at__isnull=False).select_related("org")
              .order_by("-done_at", "-id")[:CLOSED_SHOWN])
    return render(request, "inbox/inbox.html", {"items": items[:OPEN_SHOWN], "closed": closed})


@login_required
@require_GET
def follow(request, pk):
    item = _own_item_or_404(request.user, pk)
    actions.mark_read(acting_user=request.user, item=item)
    target = item.url if url_has_allowed_host_and_scheme(item.url, allowed_hosts=None) and item.url else None
    return HttpResponseRedirect(target) if target else redirect("inbox:list")


@login_required
@require_POST
def acknowledge(request, pk):
    item = _own_item_or_404(request.user, pk)
    try:
        actions.acknowledge(acting_user=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("inbox:list")
