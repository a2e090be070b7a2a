"""Pages of 流动党员: the subtree summary (county, town), a branch's outflows and inflows with the
forms to add them, one outflow with its card, reports and closing, and the member's own page (我的信息
links here). Views read the request and call queries and actions; lookups are scoped (outside: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.editing import edit_with_conflict
from dangjian.core.errors import VersionConflict
from dangjian.core.excel import xlsx_response
from dangjian.core.history import record_export
from dangjian.core.scoping import CHANGE, path_in_scope
from dangjian.core.shortcuts import get_scoped_or_404, run_action, submitted_version
from dangjian.members.queries import member_of
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization

from . import actions, exporting, queries
from .forms import CardForm, CloseForm, InflowForm, LeaveForm, OutflowEditForm, OutflowForm, ReportForm
from .models import Inflow, Outflow


def _handle(request, forms: dict, calls: dict, done_url: str):
    """Validate the posted form named by ``form`` and run its action; a redirect when saved."""
    kind = request.POST.get("form") if request.method == "POST" else None
    if kind not in forms or not forms[kind].is_valid():
        return None
    try:
        saved = run_action(forms[kind], lambda: calls[kind](forms[kind].cleaned_data))
    except VersionConflict as exc:
        forms[kind].add_error(None, str(exc))
        saved = None
    if saved is None:
        return None
    messages.success(request, "已保存")
    return redirect(done_url)


def _status(request, forms: dict) -> int:
    kind = request.POST.get("form") if request.method == "POST" else None
    return 400 if kind in forms and forms[kind].errors else 200


@login_required
def overview(request):
    raw = request.GET.get("org", "")
    root = get_scoped_or_404(Organization, request.user, raw) if raw.isdigit() else scope_root(request.user)
    if root is None:
        return render(request, "mobility/overview.html", {"root": None})
    rows = queries.summary(request.user, root, timezone.localdate())
    return render(request, "mobility/overview.html", {"root": root, "rows": rows, "total": rows[0]})


@login_required
def branch(request, pk):
    org = get_scoped_or_404(Organization, request.user, pk)
    today = timezone.localdate()
    can_change = path_in_scope(request.user, CHANGE, org.path)
    if request.method == "POST" and not can_change:
        raise PermissionDenied("您对该党组织只有查看权限")
    kind = request.POST.get("form") if request.method == "POST" else None
    forms = {"outflow": OutflowForm(request.POST if kind == "outflow" else None, user=request.user, org=org),
             "inflow": InflowForm(request.POST if kind == "inflow" else None, user=request.user, prefix="inflow")}
    response = _handle(request, forms, {
        "outflow": lambda d: actions.outflow_open(acting_user=request.user, **d),
        "inflow": lambda d: actions.inflow_register(acting_user=request.user, org=org, **d),
    }, reverse("mobility:branch", args=[org.pk]))
    if response is not None:
        return response
    inflows = list(queries.active_inflows(request.user, org.path))
    return render(request, "mobility/branch.html", {
        "org": org, "lines": queries.open_lines(request.user, org.path, today), "inflows": inflows,
        "suggestions": queries.group_suggestions(inflows), "closed": queries.closed_outflows(request.user, org.path),
        "forms": forms, "can_change": can_change, "today": today,
        "branch_kinds": f"{OrgKind.TEMPORARY_BRANCH.label}或{OrgKind.BRANCH.label}",
    }, status=_status(request, forms))


@login_required
def ledger_xlsx(request, pk):
    """流动党员台账 of the organisation's subtree (.xlsx), read through the user's scope."""
    org = get_scoped_or_404(Organization, request.user, pk)
    today = timezone.localdate()
    ledger = queries.ledger(request.user, org.path, today)
    rows = len(ledger.lines) + len(ledger.inflows) + len(ledger.closed)
    record_export(actor=request.user, what=f"流动党员台账：{org.name}", model="mobility.outflow", rows=rows,
                  filters={"org": org.code})
    return xlsx_response(lambda target: exporting.ledger_write(target, ledger),
                         f"流动党员台账-{org.name}-{today:%Y%m%d}.xlsx")


@login_required
def outflow(request, pk):
    item = get_scoped_or_404(Outflow, request.user, pk, queryset=Outflow.objects.select_related("member", "org"))
    can_change = path_in_scope(request.user, CHANGE, item.org.path)
    if request.method == "POST" and not can_change:
        raise PermissionDenied("您对该外出登记只有查看权限")
    kind = request.POST.get("form") if request.method == "POST" else None
    today = timezone.localdate()
    forms = {"report": ReportForm(request.POST if kind == "report" else None, initial={"reported_on": today}),
             "card": CardForm(request.POST if kind == "card" else None, initial={"issued_on": today}),
             "close": CloseForm(request.POST if kind == "close" else None,
                                initial={"on": today, "version": item.version})}
    response = _handle(request, forms, {
        "report": lambda d: actions.report_file(acting_user=request.user, outflow=item, **d),
        "card": lambda d: actions.card_issue(acting_user=request.user, outflow=item, **d),
        "close": lambda d: actions.outflow_close(acting_user=request.user, outflow=item, status=d["status"],
                                                 on=d["on"], note=d["note"], expected_version=d["version"]),
    }, reverse("mobility:outflow", args=[item.pk]))
    if response is not None:
        return response
    line = queries.line_for(item, today)
    return render(request, "mobility/outflow.html", {
        "item": item, "line": line, "forms": forms, "can_change": can_change,
        "reports": queries.reports_for(request.user).filter(outflow=item).select_related("recorded_by"),
        "cards": queries.cards_for(request.user).filter(outflow=item),
    }, status=_status(request, forms))


@login_required
def outflow_edit(request, pk):
    """Edit an outflow's facts, as ``PUT /api/mobility/outflows/{id}`` does: the version loaded goes
    back with the form, and someone else's save in between answers 409 with the conflict panel."""
    item = get_scoped_or_404(Outflow, request.user, pk, CHANGE,
                             queryset=Outflow.objects.select_related("member", "org"))
    return edit_with_conflict(
        request, form_class=OutflowEditForm, instance=item, form_kwargs={"user": request.user},
        save=lambda form: run_action(form, lambda: actions.outflow_update(
            acting_user=request.user, outflow=item, expected_version=submitted_version(form),
            **form.action_fields())),
        done=lambda saved: redirect("mobility:outflow", saved.pk),
        template="mobility/outflow_edit.html", context={"item": item})


@login_required
@require_POST
def inflow_leave(request, pk):
    item = get_scoped_or_404(Inflow, request.user, pk, CHANGE)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            done = run_action(form, lambda: actions.inflow_leave(acting_user=request.user, inflow=item,
                                                                  on=form.cleaned_data["on"],
                                                                  expected_version=form.cleaned_data["version"]))
        except VersionConflict as exc:
            form.add_error(None, str(exc))
            done = None
        if done is not None:
            messages.success(request, f"已登记 {item.name} 离开")
            return redirect("mobility:branch", item.org_id)
    messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("mobility:branch", item.org_id)


@login_required
def my_outflow(request):
    """The member's own outflow: reports so far and the form to file one (我的信息 links here)."""
    member = member_of(request.user)
    if member is None:
        raise Http404("您的账号未关联党员信息")
    item = queries.member_outflow(member)
    forms = {"report": ReportForm(request.POST if request.method == "POST" else None,
                                  initial={"reported_on": timezone.localdate()})}
    if item is not None:
        response = _handle(request, forms, {
            "report": lambda d: actions.report_file(acting_user=request.user, outflow=item, **d),
        }, reverse("mobility:me"))
        if response is not None:
            return response
    return render(request, "mobility/me.html", {"member": member, "item": item, "forms": forms},
                  status=_status(request, forms))
