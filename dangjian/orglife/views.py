"""Pages of organisational life. Every lookup goes through ``restrict`` (via get_scoped_or_404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import history_of, record_export
from dangjian.core.labels import value_label
from dangjian.core.replicas import reading
from dangjian.core.scoping import CHANGE, VIEW, path_in_scope
from dangjian.core.shortcuts import (
    apply_validation_error,
    get_scoped_or_404,
    paginate,
    querystring_without,
    submitted_version,
)
from dangjian.core.summaries import summary_of
from dangjian.core.tree import ancestors_and_self
from dangjian.jobs.actions import job_start
from dangjian.orgs.models import Organization

from . import actions, exporting, queries, rules
from .choices import FlagKind, FlagState, Outcome
from .forms import AttachmentForm, CustomTypeForm, MeetingForm, RuleForm, attendance_from, attendance_rows
from .jobs import REPORT, needs_background_scan, start_rescan
from .matrix import MONTHS
from .models import Attachment, IntegrityFlag, Meeting, RuleSetting
from .report import _custom_names, compliance_report

YEARS = range(2000, 2101)  # the years the pages answer for; outside them a date cannot even be built


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 and int(raw) in YEARS else timezone.localdate().year


def _root(request) -> Organization | None:
    """The organisation asked for (in scope, else 404), or the top of the user's scope."""
    raw = request.GET.get("org", "")
    if raw.isdigit():
        return get_scoped_or_404(Organization, request.user, int(raw))
    return scope_root(request.user)


@login_required
@reading()
def matrix(request):
    root, year = _root(request), _year(request)
    if root is None:
        return render(request, "orglife/matrix.html", {"root": None, "year": year})
    summary = summary_of("orglife.matrix", root, str(year))
    return render(request, "orglife/matrix.html", {
        "root": root, "year": year, **summary.value, "summary": summary, "months": MONTHS,
        "crumbs": _crumbs(request.user, root), "can_change": path_in_scope(request.user, CHANGE, root.path),
        "years": range(year - 2, year + 2),
    })


def _crumbs(user, org) -> list[Organization]:
    paths = [p for p in ancestors_and_self(org.path) if path_in_scope(user, VIEW, p)]
    return list(Organization.objects.filter(path__in=paths).order_by("path"))


@login_required
def org_month(request, org_pk, year, month):
    """Drill-down: one organisation, one month — each rule's result with its reason, and the meetings."""
    org = get_scoped_or_404(Organization, request.user, org_pk)
    if not 1 <= month <= 12 or year not in YEARS:
        raise Http404("年份或月份无效")
    report = compliance_report(org, year)
    results = [r for r in report.results.get(org.id, []) if rules.month_of(r) == month]
    return render(request, "orglife/org_month.html", {
        "org": org, "year": year, "month": month, "report": report,
        "results": [(r, report.label(r.meeting_type), Outcome(r.outcome).label) for r in results],
        "meetings": queries.meetings_in_month(org, year, month),
        "can_change": path_in_scope(request.user, CHANGE, org.path), "crumbs": _crumbs(request.user, org),
    })


@login_required
@reading()
def org_year(request, org_pk):
    """组织生活台账: one organisation's meetings of a year and each rule's results."""
    org = get_scoped_or_404(Organization, request.user, org_pk)
    year = _year(request)
    report = compliance_report(org, year)
    start, end = queries.year_bounds(year)
    meetings = (Meeting.objects.filter(org=org, held_at__gte=start, held_at__lt=end)
                .prefetch_related("type_links").order_by("held_at"))
    results = [(r, report.label(r.meeting_type), Outcome(r.outcome).label) for r in report.results.get(org.id, [])]
    return render(request, "orglife/org_year.html", {
        "org": org, "year": year, "meetings": meetings, "results": results, "report": report,
        "silence": report.silences.get(org.id), "can_change": path_in_scope(request.user, CHANGE, org.path),
        "crumbs": _crumbs(request.user, org), "planned": queries.planned_meetings(org, report.today),
    })


def _meeting_qs():
    return Meeting.objects.select_related("org").prefetch_related("type_links")


@login_required
def meeting_detail(request, pk):
    meeting = get_scoped_or_404(Meeting, request.user, pk, queryset=_meeting_qs())
    custom = _custom_names(meeting.org)
    return render(request, "orglife/meeting_detail.html", {
        "meeting": meeting, "types": [rules.type_label(t.type, custom) for t in meeting.type_links.all()],
        "attendance": meeting.attendances.all(),
        "flags": meeting.flags.filter(cleared_at__isnull=True).select_related("related__org", "decided_by"),
        "amendments": meeting.amendments.all(), "attachments": meeting.attachments.all(),
        "history": history_of(meeting)[:30], "locked": actions.is_locked(meeting),
        "can_change": path_in_scope(request.user, CHANGE, meeting.org.path), "attachment_form": AttachmentForm(),
    })


def _attendance_context(org, data=None, existing=None):
    return attendance_rows(queries.roster(org), data, existing)


@login_required
def meeting_new(request, org_pk):
    org = get_scoped_or_404(Organization, request.user, org_pk, CHANGE)
    initial = {"held_at": rules.default_start(timezone.localtime())}
    if request.GET.get("type"):
        initial["types"] = [request.GET["type"]]
    form = MeetingForm(request.POST or None, initial=initial, type_choices=queries.type_choices(org))
    rows = _attendance_context(org, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.meeting_record(acting_user=request.user, org=org, attendance=attendance_from(rows),
                                             **form.action_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except ActionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记“{meeting.title}”")
            return redirect("orglife:meeting", pk=meeting.pk)
    return render(request, "orglife/meeting_form.html", {
        "form": form, "org": org, "rows": rows, "title": f"登记组织生活：{org.name}",
    })


@login_required
def meeting_edit(request, pk):
    """Edit while unlocked; once locked the same page takes an amendment with its reason."""
    meeting = get_scoped_or_404(Meeting, request.user, pk, CHANGE, queryset=_meeting_qs())
    amend = actions.is_locked(meeting) or request.GET.get("amend") == "1"
    initial = MeetingForm.initial_from(meeting)
    form = MeetingForm(request.POST or None, initial=initial, type_choices=queries.type_choices(meeting.org),
                       amend=amend)
    existing = {a.member_id: a for a in meeting.attendances.all()}
    rows = _attendance_context(meeting.org, request.POST if request.method == "POST" else None, existing)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = form.action_fields()
        types = fields.pop("types")
        try:
            if amend:
                actions.meeting_amend(acting_user=request.user, meeting=meeting, reason=form.cleaned_data["reason"],
                                      expected_version=submitted_version(form), types=types,
                                      attendance=attendance_from(rows), **fields)
            else:
                actions.meeting_update(acting_user=request.user, meeting=meeting, types=types,
                                       expected_version=submitted_version(form),
                                       attendance=attendance_from(rows), **fields)
        except VersionConflict as exc:
            conflict = exc
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "已提交更正" if amend else "已保存")
            return redirect("orglife:meeting", pk=meeting.pk)
    title = f"{'更正' if amend else '修改'}会议记录：{meeting.title}"
    return render(request, "orglife/meeting_form.html", {
        "form": form, "org": meeting.org, "rows": rows, "title": title, "meeting": meeting, "amend": amend,
        "conflict": conflict,
    }, status=409 if conflict else 200)


@login_required
@require_POST
def attachment_upload(request, pk):
    meeting = get_scoped_or_404(Meeting, request.user, pk, CHANGE, queryset=_meeting_qs())
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.attachment_add(acting_user=request.user, meeting=meeting, upload=form.cleaned_data["file"])
            messages.success(request, "附件已上传")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请选择要上传的文件")
    return redirect("orglife:meeting", pk=meeting.pk)


@login_required
def attachment_download(request, pk):
    attachment = get_scoped_or_404(Attachment, request.user, pk)
    record_export(actor=request.user, what=f"会议附件：{attachment.name}", model="orglife.attachment", rows=1,
                  object_id=attachment.pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                        content_type=attachment.content_type)


@login_required
def flags(request):
    root, year = _root(request), _year(request)
    if root is None:
        raise Http404("您没有可查看的党组织")
    start, end = queries.year_bounds(year)
    qs = (IntegrityFlag.objects.restrict(request.user)
          .filter(meeting__org__path__startswith=root.path, meeting__held_at__gte=start, meeting__held_at__lt=end)
          .select_related("meeting__org", "related__org").order_by("meeting__org__path", "-meeting__held_at", "kind"))
    kind, state, cleared = request.GET.get("kind", ""), request.GET.get("state", ""), request.GET.get("cleared") == "1"
    qs = qs.filter(cleared_at__isnull=not cleared).select_related("decided_by")
    if kind in FlagKind.values:
        qs = qs.filter(kind=kind)
    if state in FlagState.values:
        qs = qs.filter(state=state)
    return render(request, "orglife/flags.html", {
        "root": root, "year": year, "page": paginate(request, qs), "kinds": FlagKind.choices, "kind": kind,
        "states": FlagState.choices, "state": state, "cleared": cleared,
        "query": querystring_without(request, "page"), "can_change": path_in_scope(request.user, CHANGE, root.path),
    })


@login_required
@require_POST
def flag_decide(request, pk):
    """核实 one flag from the flags page: its state and explanation; a conflict or a missing reason
    comes back as a message on the same page."""
    flag = get_scoped_or_404(IntegrityFlag, request.user, pk, CHANGE)
    version = request.POST.get("version", "")
    try:
        actions.flag_decide(acting_user=request.user, flag=flag, state=request.POST.get("state", ""),
                            explanation=request.POST.get("explanation", ""),
                            expected_version=int(version) if version.isdigit() else None)
    except VersionConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已保存核实结果")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = f"{reverse('orglife:flags')}?org={flag.meeting.org_id}"
    return redirect(target)


@login_required
@require_POST
def flags_rescan(request):
    root, year = _root(request), _year(request)
    if root is None or not path_in_scope(request.user, CHANGE, root.path):
        raise Http404("未找到，或不在您的管辖范围内")
    if needs_background_scan(root):
        return redirect("jobs:detail", start_rescan(acting_user=request.user, root=root, year=year).pk)
    found = actions.flags_rescan(acting_user=request.user, root=root, year=year)
    messages.success(request, f"已重新核查 {root.name} {year} 年的组织生活记录，发现 {found} 条提示")
    return redirect(f"{request.path.rsplit('rescan/', 1)[0]}?org={root.pk}&year={year}")


@login_required
def rule_settings(request, org_pk):
    """The level above sets the quotas for the organisations below it, year by year."""
    org = get_scoped_or_404(Organization, request.user, org_pk)
    year = _year(request)
    can_change = path_in_scope(request.user, CHANGE, org.path)
    form = RuleForm(request.POST or None)
    form.fields["meeting_type"].choices = queries.type_choices(org)
    type_form = CustomTypeForm(request.POST or None, prefix="type")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("您对该党组织只有查看权限，不能修改组织生活规则")
        try:
            if "type-name" in request.POST and type_form.is_valid():
                actions.custom_type_add(acting_user=request.user, org=org, name=type_form.cleaned_data["name"])
                messages.success(request, "已增加会议类型")
                return redirect(f"{request.path}?year={year}")
            if "type-name" not in request.POST and form.is_valid():
                actions.rule_set(acting_user=request.user, owner=org, year=year, **form.cleaned_data)
                messages.success(request, f"已保存 {year} 年的规则")
                return redirect(f"{request.path}?year={year}")
        except ValidationError as exc:
            apply_validation_error(form, exc)
    rows = RuleSetting.objects.restrict(request.user).filter(owner=org, year=year).order_by("org_kind", "meeting_type")
    return render(request, "orglife/rules.html", {
        "org": org, "year": year, "rows": rows, "form": form, "type_form": type_form, "can_change": can_change,
        "custom": queries.custom_types_for(org), "labels": dict(queries.type_choices(org)),
        "defaults": _defaults_table(),
    })


def _defaults_table() -> list[tuple[str, str, str, str]]:
    from dangjian.orgs.choices import OrgKind

    out = []
    for kind in (OrgKind.BRANCH, OrgKind.GROUP, OrgKind.COMMITTEE):
        for r in rules.default_rules(kind):
            out.append((kind.label, rules.type_label(r.meeting_type),
                        value_label("orglife.rulesetting", "period", r.period),
                        value_label("orglife.rulesetting", "quorum_base", r.quorum_base)))
    return out


# -- exports --------------------------------------------------------------------------------------

@login_required
def meeting_docx(request, pk):
    meeting = get_scoped_or_404(Meeting, request.user, pk, queryset=_meeting_qs())
    data = exporting.meeting_docx(meeting)
    record_export(actor=request.user, what=f"会议记录：{meeting}", model="orglife.meeting", rows=1,
                  object_id=meeting.pk)
    return _download(data, f"会议记录-{meeting.org.name}-{timezone.localtime(meeting.held_at):%Y%m%d}.docx",
                     exporting.DOCX)


@login_required
@reading()
def ledger_xlsx(request, org_pk):
    org = get_scoped_or_404(Organization, request.user, org_pk)
    year = _year(request)
    data = exporting.ledger_xlsx(org, year)
    start, end = queries.year_bounds(year)
    record_export(actor=request.user, what=f"组织生活台账：{org.name}", model="orglife.meeting",
                  rows=Meeting.objects.filter(org=org, held_at__gte=start, held_at__lt=end).count(),
                  filters={"org": org.code, "year": year})
    return _download(data, f"组织生活台账-{org.name}-{year}.xlsx", exporting.XLSX)


@login_required
@reading()
def report_xlsx(request):
    """The compliance report workbook, built by a background job (the whole city takes seconds):
    the person is sent to the job page, which shows its progress and the download."""
    root, year = _root(request), _year(request)
    if root is None:
        raise Http404("您没有可查看的党组织")
    job = job_start(acting_user=request.user, kind=REPORT, title=f"组织生活落实情况：{root.name}（{year}年）",
                    params={"org": root.pk, "year": year}, scope=f"{root.name}及下级，{year}年")
    return redirect("jobs:detail", job.pk)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
