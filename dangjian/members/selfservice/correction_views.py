"""Staff pages serving members' own requests: linking a login to a member, and deciding correction
requests. Scoped like every staff page: CHANGE on the member's organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangjian.core.errors import VersionConflict
from dangjian.core.scoping import CHANGE
from dangjian.core.shortcuts import get_scoped_or_404, paginate, run_action

from ..choices import CorrectionStatus
from ..models import CorrectionRequest, Member
from . import actions as self_actions
from . import member_accounts
from .corrections import FIELDS
from .forms import AccountForm, DecisionForm


@login_required
def member_account(request, pk):
    """Create a login for the member or link an existing one. A new account's temporary password is
    shown once, in this response only (never stored in a message or the session)."""
    member = get_scoped_or_404(Member, request.user, pk, CHANGE,
                               queryset=Member.objects.select_related("org", "user"))
    form = AccountForm(request.POST or None)
    password = None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["mode"] == AccountForm.CREATE:
            done = run_action(form, lambda: member_accounts.member_account_create(
                acting_user=request.user, member=member, username=form.cleaned_data["username"]))
            if done is not None:
                password = done[1]
        else:
            done = run_action(form, lambda: member_accounts.member_account_link(
                acting_user=request.user, member=member, username=form.cleaned_data["username"]))
            if done is not None:
                messages.success(request, f"已将账号 {done.get_username()} 关联到 {member.name}")
                return redirect("members:detail", pk=member.pk)
        member.refresh_from_db()
    return render(request, "members/account.html", {"member": member, "form": form, "password": password})


@login_required
@require_POST
def member_account_unlink(request, pk):
    member = get_scoped_or_404(Member, request.user, pk, CHANGE)
    member_accounts.member_account_unlink(acting_user=request.user, member=member)
    messages.success(request, f"已解除 {member.name} 的账号关联（账号本身未停用）")
    return redirect("members:detail", pk=member.pk)


@login_required
def correction_list(request):
    status = request.GET.get("status", CorrectionStatus.PENDING)
    qs = CorrectionRequest.objects.restrict(request.user, CHANGE).select_related("member__org", "decided_by")
    if status in CorrectionStatus.values:
        qs = qs.filter(status=status)
    return render(request, "members/corrections.html", {
        "page": paginate(request, qs.order_by("-requested_at", "-id")),
        "status": status,
        "statuses": CorrectionStatus.choices,
        "query": f"status={status}",
    })


@login_required
def correction_detail(request, pk):
    correction = get_scoped_or_404(CorrectionRequest, request.user, pk, CHANGE,
                                   queryset=CorrectionRequest.objects.select_related("member__org", "decided_by"))
    member = correction.member
    own = member.user_id == request.user.pk
    form = DecisionForm(request.POST or None, initial={"version": member.version})
    conflict = None
    if request.method == "POST" and form.is_valid() and not own:
        accept = "accept" in request.POST
        try:
            done = run_action(form, lambda: _decide(request.user, correction, form.cleaned_data, accept=accept))
        except VersionConflict as exc:
            conflict, done = exc, None
            member.refresh_from_db()
            form = DecisionForm(initial={"version": member.version, "note": form.cleaned_data["note"]})
        if done is not None:
            messages.success(request, f"已{'更正' if accept else '处理'}：{member.name}的{correction.field_label}")
            return redirect("members:corrections")
    return render(request, "members/correction_detail.html", {
        "correction": correction, "member": member, "form": form, "conflict": conflict, "own": own,
        "current": self_actions.current_display(member, FIELDS[correction.field]),
    }, status=409 if conflict else 200)


def _decide(user, correction, data, *, accept: bool):
    if accept:
        return self_actions.correction_accept(acting_user=user, request=correction,
                                              expected_version=data.get("version"), note=data["note"])
    return self_actions.correction_reject(acting_user=user, request=correction, note=data["note"])
