"""Pages of 通知公告: the list of notices sent and received, publishing, a notice with its receipts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangjian.core.history import record_export
from dangjian.core.scoping import VIEW, path_in_scope
from dangjian.core.shortcuts import change_scope_required, paginate, parse_id, run_action, run_reported

from . import actions, queries
from .forms import NoticeForm
from .models import Notice


def _notice(request, pk) -> Notice:
    found = queries.notices_for(request.user).filter(pk=parse_id(pk) or 0).first()
    if found is None:
        raise Http404("未找到，或不在您的管辖范围内")
    return found


@login_required
def notice_list(request):
    qs = queries.with_receipts(queries.notices_for(request.user)).order_by("-published_at", "-id")
    return render(request, "notices/list.html", {"page": paginate(request, qs), "query": ""})


@change_scope_required
def notice_new(request):
    form = NoticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        made = run_action(form, lambda: actions.notice_publish(acting_user=request.user, **data))
        if made is not None:
            messages.success(request, f"已发布：{made.title}")
            return redirect("notices:detail", pk=made.pk)
    return render(request, "notices/form.html", {"form": form})


@login_required
def notice_detail(request, pk):
    notice = _notice(request, pk)
    is_sender = path_in_scope(request.user, VIEW, notice.org.path)
    recipients = notice.recipients.select_related("org", "confirmed_by") if is_sender else []
    mine = [r for r in queries.my_recipients(request.user, notice) if r.confirmed_at is None]
    return render(request, "notices/detail.html", {
        "notice": notice, "recipients": recipients, "is_sender": is_sender,
        "to_confirm": mine if notice.receipt_required else [],
        "confirmed": sum(1 for r in recipients if r.confirmed_at),
    })


@login_required
@require_POST
def notice_confirm(request, pk):
    notice = _notice(request, pk)
    chosen = parse_id(request.POST.get("recipient")) or 0
    recipient = queries.my_recipients(request.user, notice).filter(pk=chosen).first()
    if recipient is None:
        raise Http404("未找到")
    run_reported(request, lambda: actions.notice_confirm(acting_user=request.user, recipient=recipient),
                 f"已代表{recipient.org.name}回执")
    return redirect("notices:detail", pk=notice.pk)


@login_required
def notice_file(request, pk):
    notice = _notice(request, pk)
    if not notice.file:
        raise Http404("该通知没有附件")
    record_export(actor=request.user, what=f"通知附件：{notice.file_name}", model="notices.notice", rows=1,
                  object_id=notice.pk)
    return FileResponse(notice.file.open("rb"), as_attachment=True, filename=notice.file_name)


