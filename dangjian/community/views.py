"""Pages of 双报到: the subtree rates (town, county), an organisation's page — the community's desk
(requests to accept, needs, records to confirm, feedback) and the branch's view of its members (who
reported where, hours, feedback) — and the member's own requests from 我的信息. Views read the
request and call queries and actions; lookups are scoped (outside the scope: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.excel import xlsx_response
from dangjian.core.history import record_export
from dangjian.core.replicas import reading
from dangjian.core.scoping import CHANGE, path_in_scope
from dangjian.core.shortcuts import get_scoped_or_404, run_action
from dangjian.members.queries import member_of
from dangjian.orgs.choices import COMMITTEE_KINDS
from dangjian.orgs.models import Organization

from . import actions, exporting, queries, rules
from .forms import FeedbackForm, NeedForm, RecordForm, RequestForm
from .jobs import needs_background_export, reporting_audit, reporting_filename, start_reporting_export
from .models import CommunityReport, ServiceNeed, ServiceRecord

YEARS = range(2000, 2101)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in YEARS else timezone.localdate().year


def _org(request, pk) -> Organization:
    return get_scoped_or_404(Organization, request.user, pk)


@login_required
def overview(request):
    """报到率 per organisation of a subtree: the root and its direct children."""
    raw = request.GET.get("org", "")
    root = _org(request, raw) if raw.isdigit() else scope_root(request.user)
    year = _year(request)
    if root is None:
        return render(request, "community/overview.html", {"root": None, "year": year})
    rows = queries.subtree_rows(root, year)
    return render(request, "community/overview.html", {
        "root": root, "year": year, "rows": rows, "total": rows[0][1], "years": range(year - 2, year + 1),
        "expected_hours": queries.yearly_hours(), "committee_kinds": set(COMMITTEE_KINDS),
    })


@login_required
@reading()
def reporting_xlsx(request, pk):
    """报到情况 of the organisation's subtree for a year (.xlsx): members through the user's scope,
    the rates of the organisation and its direct children, and who reported to its communities.
    A small subtree (a branch, a town) is written in the request; a larger one by a background job
    (a city takes tens of seconds): the person follows it on the job page and downloads it there."""
    org = _org(request, pk)
    year = _year(request)
    if needs_background_export(org):
        job = start_reporting_export(acting_user=request.user, org=org, year=year)
        return redirect("jobs:detail", job.pk)
    lines = queries.branch_lines(request.user, org, year)
    rows = queries.subtree_rows(org, year)
    reporters = queries.reporters_to(request.user, org, year)
    record_export(actor=request.user, rows=len(lines), **reporting_audit(org, year))
    return xlsx_response(lambda target: exporting.reporting_write(target, year, lines, rows, reporters),
                         reporting_filename(org, year))


def _short(request, fn) -> None:
    """Run a one-button decision; its refusal becomes a message on the page it returns to."""
    try:
        fn()
        messages.success(request, "已保存")
    except VersionConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except ActionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


@login_required
def org_page(request, pk):
    org = _org(request, pk)
    year = _year(request)
    can_change = path_in_scope(request.user, CHANGE, org.path)
    is_community = rules.is_community(org.unit_category, org.kind)
    kind = request.POST.get("form") if request.method == "POST" else None
    if kind and not can_change:
        raise PermissionDenied("您对该党组织只有查看权限")
    need_form = NeedForm(request.POST if kind == "need" else None, initial={"starts_on": timezone.localdate()})
    feedback_form = FeedbackForm(request.POST if kind == "feedback" else None)
    if kind in ("accept", "decline", "confirm", "reject", "close"):
        _decision(request, org, kind)
        return redirect(f"{reverse('community:org', args=[org.pk])}?year={year}")
    if kind == "need" and need_form.is_valid() and run_action(need_form, lambda: actions.need_post(
            acting_user=request.user, community=org, **need_form.cleaned_data)):
        messages.success(request, "已发布需求")
        return redirect("community:org", org.pk)
    if kind == "feedback" and feedback_form.is_valid():
        data = feedback_form.cleaned_data
        report = get_scoped_or_404(CommunityReport, request.user, data["report"],
                                   queryset=CommunityReport.objects.filter(community=org))
        try:
            done = run_action(feedback_form, lambda: actions.feedback_give(
                acting_user=request.user, report=report, year=data["year"], rating=data["rating"],
                comment=data["comment"], expected_version=data["version"]))
        except VersionConflict as exc:
            feedback_form.add_error(None, str(exc))
            done = None
        if done is not None:
            messages.success(request, "已保存反馈")
            return redirect(f"{reverse('community:org', args=[org.pk])}?year={data['year']}")
    context = {"org": org, "year": year, "can_change": can_change, "is_community": is_community,
               "need_form": need_form, "feedback_form": feedback_form,
               # a branch or 党总支 lists its members; a 党委 reads the rates (overview) instead
               "lines": [] if org.kind in COMMITTEE_KINDS else queries.branch_lines(request.user, org, year),
               "is_committee": org.kind in COMMITTEE_KINDS,
               "feedback_open": rules.feedback_allowed(year, timezone.localdate()),
               "expected_hours": queries.yearly_hours()}
    if is_community:
        context.update(queries.community_work(request.user, org))
        given = {(fb.member_id, fb.year): fb for fb in queries.feedback_for(request.user)
                 .filter(community=org, year=year)}
        for report in context["reporters"]:
            report.this_feedback = given.get((report.member_id, year))
    bad = kind in ("need", "feedback") and (need_form.errors or feedback_form.errors)
    return render(request, "community/org.html", context, status=400 if bad else 200)


def _decision(request, org: Organization, kind: str) -> None:
    raw = request.POST.get("id", "")
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else None
    note = request.POST.get("note", "")
    if kind in ("accept", "decline"):
        report = get_scoped_or_404(CommunityReport, request.user, raw,
                                   queryset=CommunityReport.objects.filter(community=org))
        call = (lambda: actions.report_accept(acting_user=request.user, report=report, expected_version=expected,
                                              note=note)) if kind == "accept" else (
            lambda: actions.report_decline(acting_user=request.user, report=report, note=note,
                                           expected_version=expected))
    elif kind == "close":
        need = get_scoped_or_404(ServiceNeed, request.user, raw, queryset=ServiceNeed.objects.filter(community=org))

        def call():
            return actions.need_close(acting_user=request.user, need=need)
    else:
        record = get_scoped_or_404(ServiceRecord, request.user, raw,
                                   queryset=ServiceRecord.objects.filter(report__community=org))

        def call():
            return actions.record_decide(acting_user=request.user, record=record, confirm=kind == "confirm",
                                         reason=note, expected_version=expected)
    _short(request, call)


# -- the member's own (forms shown on 我的信息 by the community_self tag) -------------------------------


def _me(request):
    member = member_of(request.user)
    if member is None:
        raise Http404("您的账号未关联党员信息")
    return member


@login_required
def me(request):
    member = _me(request)
    year = timezone.localdate().year
    return render(request, "community/me.html", {
        **queries.member_overview(member, year), "member": member,
        "request_form": RequestForm(communities=queries.community_orgs()),
        "record_form": RecordForm(needs=queries.needs_for_report(queries.open_report(member))),
    })


@login_required
@require_POST
def me_request(request):
    member = _me(request)
    form = RequestForm(request.POST, communities=queries.community_orgs())
    if form.is_valid() and run_action(form, lambda: actions.report_request(
            acting_user=request.user, member=member, community=form.cleaned_data["community"],
            kind=form.cleaned_data["kind"] or None, note=form.cleaned_data["note"])):
        messages.success(request, "已提交报到申请，等待社区接收")
        return redirect(reverse("members:me") + "#my-community")
    return render(request, "community/me.html", {
        **queries.member_overview(member, timezone.localdate().year), "member": member,
        "request_form": form, "record_form": RecordForm()}, status=400)


@login_required
@require_POST
def me_record(request):
    member = _me(request)
    overview = queries.member_overview(member, timezone.localdate().year)
    report = overview["report"]
    needs = queries.needs_for_report(report)
    form = RecordForm(request.POST, needs=needs)
    if report is None:
        form.add_error(None, "您还没有报到的社区")
    elif form.is_valid() and run_action(form, lambda: actions.record_enter(
            acting_user=request.user, report=report, **form.cleaned_data)):
        messages.success(request, "已登记服务记录，等待社区确认")
        return redirect(reverse("members:me") + "#my-community")
    return render(request, "community/me.html", {
        **overview, "member": member, "request_form": RequestForm(communities=queries.community_orgs()),
        "record_form": form}, status=400)


@login_required
@require_POST
def me_end(request):
    member = _me(request)
    report = queries.open_report(member)
    if report is not None:
        try:
            actions.report_end(acting_user=request.user, report=report)
            messages.success(request, "已结束报到")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect(reverse("members:me") + "#my-community")
