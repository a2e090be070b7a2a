from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangjian.core import filterstate, ratelimit
from dangjian.core.editing import edit_with_conflict
from dangjian.core.history import history_of, record_change
from dangjian.core.scoping import CHANGE, REVEAL, path_in_scope
from dangjian.core.shortcuts import change_scope_required, get_scoped_or_404, paginate, run_action, submitted_version
from dangjian.orgs.models import Organization

from . import actions
from .choices import CorrectionStatus
from .forms import MemberFilterForm, MemberForm, TransferForm
from .models import Member
from .queries import MemberFilter, filter_members, is_private_term, members_for


@login_required
def member_list(request):
    # The search term never travels in the URL: the form POSTs, the filters wait in the session.
    if request.method == "POST" and is_private_term(request.POST.get("q")):
        ratelimit.check("id_lookup", user=request.user)
    params, query, moved = filterstate.resolve(request)
    if moved is not None:
        return moved
    flt = MemberFilter.from_mapping(params)
    qs = filter_members(members_for(request.user), flt).order_by("org__path", "name", "id")
    scope_org = None
    if flt.org:
        scope_org = Organization.objects.restrict(request.user).filter(pk=flt.org).first()
    response = render(request, "members/list.html", {
        "page": paginate(request, qs),
        "form": MemberFilterForm(params or None),
        "scope_org": scope_org,
        "query": query,
        "can_add": Organization.objects.restrict(request.user, CHANGE).exists(),
    })
    if request.headers.get("HX-Request"):
        response["HX-Push-Url"] = request.get_full_path()
    return response


@login_required
def member_detail(request, pk, revealed=None):
    member = get_scoped_or_404(Member, request.user, pk, queryset=Member.objects.select_related("org", "user"))
    can_change = path_in_scope(request.user, CHANGE, member.org.path)
    return render(request, "members/detail.html", {
        "member": member,
        "revealed": revealed or {},
        "history": history_of(member)[:50],
        "transfers": member.transfers.select_related("from_org", "to_org")[:20],
        "posts": member.committee_posts.select_related("term__org").filter(term__is_current=True),
        "can_change": can_change,
        "pending_corrections": list(member.corrections.filter(status=CorrectionStatus.PENDING)) if can_change else [],
        "can_reveal": path_in_scope(request.user, REVEAL, member.org.path),
    })


@login_required
@require_POST
def member_reveal(request, pk):
    """Shows the full ID number and phone once, in the response body (never in a URL), and records
    who looked — the reveal is itself an audited event."""
    member = get_scoped_or_404(Member, request.user, pk, REVEAL)
    record_change(actor=request.user, action="member_reveal", obj=member, note="查看完整公民身份号码和手机号码")
    revealed = {"id_number": member.reveal_id_number(), "phone": member.reveal_phone()}
    return member_detail(request, pk, revealed=revealed)


def _save_member(request, form, member=None):
    """Run the create/update action; returns the saved member, or None with errors on the form.
    Giving an ID number is rate limited: a refusal says the number is registered somewhere."""
    if member is None or form.cleaned_data.get("id_number"):
        ratelimit.check("id_lookup", user=request.user)
    if member is None:
        return run_action(form, lambda: actions.member_create(
            acting_user=request.user, org=form.cleaned_data["org"], **form.action_fields()))
    return run_action(form, lambda: actions.member_update(
        acting_user=request.user, member=member, expected_version=submitted_version(form),
        **form.action_fields()))


@change_scope_required
def member_new(request):
    initial = {}
    if request.GET.get("org", "").isdigit():
        initial["org"] = request.GET["org"]
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = _save_member(request, form)
        if member is not None:
            messages.success(request, f"已登记党员 {member.name}")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "title": "登记党员"})


@login_required
def member_edit(request, pk):
    member = get_scoped_or_404(Member, request.user, pk, CHANGE, queryset=Member.objects.select_related("org"))
    return edit_with_conflict(
        request, form_class=MemberForm, instance=member, form_kwargs={"user": request.user},
        save=lambda form: _save_member(request, form, member),
        done=lambda saved: redirect("members:detail", pk=saved.pk),
        template="members/form.html", context={"member": member, "title": f"修改党员信息：{member.name}"},
    )


@login_required
def member_transfer_view(request, pk):
    member = get_scoped_or_404(Member, request.user, pk, CHANGE, queryset=Member.objects.select_related("org"))
    form = TransferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = run_action(form, lambda: actions.member_transfer(
            acting_user=request.user, member=member, **form.cleaned_data))
        if done is not None:
            messages.success(request, f"已将 {member.name} 的组织关系转入 {form.cleaned_data['to_org']}")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/transfer.html", {"form": form, "member": member})

