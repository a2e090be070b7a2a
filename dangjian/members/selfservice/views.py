"""我的信息: a member's own record, the reveal of their own numbers, and their correction requests.
These pages need no position: the login's link to one member is the whole scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangjian.core.shortcuts import run_action
from dangjian.orglife.choices import MeetingStatus
from dangjian.orglife.models import Attendance

from ..choices import CorrectionStatus
from ..queries import member_of
from . import actions as self_actions
from . import corrections
from .forms import CorrectionForm

RECENT_ATTENDANCE = 20


@login_required
def my_record(request, revealed=None):
    member = member_of(request.user)
    if member is None:
        return render(request, "members/me_unlinked.html")
    requests = list(member.corrections.select_related("decided_by"))
    pending = {r.field for r in requests if r.status == CorrectionStatus.PENDING}
    items = [
        {"spec": spec, "current": self_actions.current_display(member, spec), "pending": spec.name in pending}
        for spec in corrections.FIELDS.values()
    ]
    attendance = (Attendance.objects.filter(member=member, meeting__status=MeetingStatus.HELD)
                  .select_related("meeting__org").order_by("-meeting__held_at")[:RECENT_ATTENDANCE])
    return render(request, "members/me.html", {
        "member": member,
        "revealed": revealed or {},
        "items": items,
        "requests": requests,
        "transfers": member.transfers.select_related("from_org", "to_org")[:20],
        "attendance": attendance,
    })


@login_required
@require_POST
def my_reveal(request):
    """The member's own full ID number and phone, in the response body only; logged."""
    if member_of(request.user) is None:
        raise Http404("您的账号未关联党员信息")
    return my_record(request, revealed=self_actions.member_self_reveal(acting_user=request.user))


@login_required
def my_correction_new(request, field):
    member = member_of(request.user)
    spec = corrections.FIELDS.get(field)
    if member is None or spec is None:
        raise Http404("未找到")
    form = CorrectionForm(request.POST or None, spec=spec)
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: self_actions.correction_submit(
            acting_user=request.user, field=field, proposed=form.cleaned_data["proposed"],
            reason=form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, f"已提交{spec.label}的更正申请，党组织处理后您可在本页查看结果")
            return redirect("members:me")
    return render(request, "members/me_correction.html", {
        "form": form, "spec": spec, "member": member, "current": self_actions.current_display(member, spec),
    })


@login_required
@require_POST
def my_correction_withdraw(request, pk):
    member = member_of(request.user)
    correction = member.corrections.filter(pk=pk).first() if member else None
    if correction is None:
        raise Http404("未找到")
    try:
        self_actions.correction_withdraw(acting_user=request.user, request=correction)
        messages.success(request, f"已撤回{correction.field_label}的更正申请")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("members:me")
