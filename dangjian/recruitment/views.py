"""Pages of 发展党员: the pipeline of a subtree, one case with its steps and flags, the yearly
statistics, the exports and the county's holiday calendar. Lookups are scoped (an id outside the
user's subtree is 404); every write goes through an action."""

from __future__ import annotations

import datetime as dt
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.accounts.queries import scope_root
from dangjian.core.calendar import years_with_calendar
from dangjian.core.errors import VersionConflict
from dangjian.core.excel import content_disposition, xlsx_response
from dangjian.core.history import history_of, record_export
from dangjian.core.models import CalendarDay
from dangjian.core.scoping import CHANGE, path_in_scope
from dangjian.core.shortcuts import (
    change_scope_required,
    excel_import_page,
    get_scoped_or_404,
    paginate,
    querystring_without,
    run_action,
)
from dangjian.orgs.models import Organization

from . import actions, queries
from .choices import MEETING_STEPS, PEOPLE_STEPS, STEPS, LocalLayer
from .exporting import write_pipeline, write_record, write_yearly
from .forms import CalendarDayForm, CaseForm, DocumentForm, LayerForm, StepForm
from .importing import IMPORT_PAGE, import_cases, template_workbook
from .models import CaseStep, RecruitmentCase, RuleLayerSwitch

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _root(request):
    orgs = Organization.objects.restrict(request.user)
    raw = str(request.GET.get("org", ""))
    root = orgs.filter(pk=raw).first() if raw.isdigit() else None
    return root or scope_root(request.user)


def _filters(request) -> dict[str, str]:
    return {name: str(request.GET.get(name, "")) for name in ("stage", "show", "q")}


def _filtered(request, today):
    root = _root(request)
    qs = queries.in_subtree(queries.cases_for(request.user), root)
    counts = queries.pipeline_counts(qs, today)
    shown = queries.filter_cases(qs, **_filters(request), today=today)
    return root, counts, shown


@login_required
def pipeline(request):
    today = timezone.localdate()
    root, counts, shown = _filtered(request, today)
    return render(request, "recruitment/pipeline.html", {
        "root": root, "counts": counts, "today": today,
        "page": paginate(request, shown.defer("flags").order_by("next_due_on", "id"),
                         count=counts.count_of(**_filters(request))),
        "query": querystring_without(request, "page"),
        "can_add": root is not None and path_in_scope(request.user, CHANGE, root.path),
        "due_window": queries.DUE_WINDOW_DAYS,
    })


@login_required
def pipeline_export(request):
    today = timezone.localdate()
    _, _, shown = _filtered(request, today)

    def write(target):
        rows = write_pipeline(target, shown)
        record_export(actor=request.user, what="发展党员进度表", model="recruitment.recruitmentcase", rows=rows,
                      filters=dict(request.GET.items()))

    return xlsx_response(write, f"发展党员进度_{today:%Y%m%d}.xlsx")


@login_required
def stats(request):
    root = _root(request)
    return render(request, "recruitment/stats.html", {
        "root": root, "rows": queries.yearly_stats(request.user, root), "columns": queries.YEARLY_COLUMNS})


@login_required
def stats_export(request):
    root = _root(request)
    rows = queries.yearly_stats(request.user, root)
    title = f"{root.name if root else ''}发展党员统计"

    def write(target):
        write_yearly(target, rows, title)
        record_export(actor=request.user, what="发展党员年度统计", model="recruitment.casestep", rows=len(rows),
                      filters={"org": root.pk if root else None})

    return xlsx_response(write, f"发展党员统计_{timezone.localdate():%Y%m%d}.xlsx")


@change_scope_required
def case_new(request):
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        case = run_action(form, lambda: actions.case_create(acting_user=request.user, **form.cleaned_data))
        if case is not None:
            messages.success(request, f"已登记发展党员对象：{case.name}")
            return redirect("recruitment:detail", pk=case.pk)
    return render(request, "recruitment/case_form.html", {"form": form})


@change_scope_required
def case_import(request):
    return excel_import_page(request, importer=import_cases, page=IMPORT_PAGE)


def _record_step(request, case, form):
    data = form.action_kwargs()
    result = run_action(form, lambda: actions.step_record(
        acting_user=request.user, case=case, expected_version=form.cleaned_data.get("version"), **data))
    if result is None:
        return None
    row, flags = result
    mine = [f for f in flags if f.step == row.step]
    messages.success(request, f"已登记第{row.step}步：{row.get_step_display()}")
    for f in mine:
        messages.warning(request, f"规则提示：{f.reason}（依据：{f.source}）")
    return row


@login_required
def import_template(request):
    return xlsx_response(template_workbook().save, "发展党员导入模板.xlsx")


@login_required
def case_detail(request, pk):
    case = get_scoped_or_404(RecruitmentCase, request.user, pk,
                             queryset=RecruitmentCase.objects.select_related("org", "member"))
    can_change = path_in_scope(request.user, CHANGE, case.org.path)
    form = StepForm(None, user=request.user, case=case,
                    initial={"version": case.version, "step": min(case.current_step + 1, 25),
                             "done_on": timezone.localdate()})
    document_form = DocumentForm()
    conflict = None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("您对该党组织只有查看权限，不能登记发展党员步骤")
        if "file" in request.FILES:
            document_form = DocumentForm(request.POST, request.FILES)
            if document_form.is_valid() and run_action(document_form, lambda: actions.document_add(
                    acting_user=request.user, case=case, **document_form.cleaned_data)):
                messages.success(request, "材料已上传")
                return redirect("recruitment:detail", pk=case.pk)
        else:
            form = StepForm(request.POST, user=request.user, case=case)
            if form.is_valid():
                try:
                    if _record_step(request, case, form) is not None:
                        return redirect("recruitment:detail", pk=case.pk)
                except VersionConflict as exc:
                    conflict = exc
    case.refresh_from_db()
    steps = (CaseStep.objects.restrict(request.user).filter(case=case)
             .select_related("meeting", "approver").prefetch_related("persons"))
    return render(request, "recruitment/detail.html", {
        "case": case, "steps": steps, "all_steps": STEPS, "done": {s.step for s in steps},
        "form": form, "document_form": document_form, "documents": case.documents.all(),
        "can_change": can_change, "conflict": conflict, "history": history_of(case)[:30],
        "meeting_steps": MEETING_STEPS, "people_steps": PEOPLE_STEPS,
        "rule_set": queries.rule_set_of(case),
    })


@login_required
def case_record_docx(request, pk):
    case = get_scoped_or_404(RecruitmentCase, request.user, pk, queryset=RecruitmentCase.objects.select_related("org"))
    steps = CaseStep.objects.restrict(request.user).filter(case=case).select_related("approver")
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_record(spool, case, list(steps), case.flags)
    spool.seek(0)
    record_export(actor=request.user, what=f"发展党员工作全程纪实表：{case.name}", model="recruitment.recruitmentcase",
                  rows=1, object_id=case.pk)
    response = FileResponse(spool, content_type=DOCX)
    response["Content-Disposition"] = content_disposition(f"发展党员全程纪实_{case.name}.docx")
    return response


@login_required
def calendar_page(request):
    """The holiday calendar of a year (放假 on weekdays, 调休上班 on weekends) and the local rule
    layers: everyone may read; the 上级管理员 of the top organisation edits."""
    today = timezone.localdate()
    raw = str(request.GET.get("year", ""))
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year
    editor = actions.may_edit_calendar(request.user)
    form, layer_form = CalendarDayForm(), LayerForm()
    if request.method == "POST":
        if not editor:
            raise PermissionDenied(actions.CALENDAR_EDITORS)
        if "layer" in request.POST:
            layer_form = LayerForm(request.POST)
            root = scope_root(request.user, CHANGE)
            if layer_form.is_valid():
                run_action(layer_form, lambda: actions.layer_switch(
                    acting_user=request.user, owner=root, **layer_form.cleaned_data))
                if not layer_form.errors:
                    messages.success(request, "地方规则已更新，范围内的发展党员记录已重新检查")
                    return redirect(f"{request.path}?year={year}")
        elif "remove" in request.POST:
            form = CalendarDayForm(request.POST)
            day = dt.date.fromisoformat(request.POST["remove"]) if _is_date(request.POST["remove"]) else None
            if day and run_action(form, lambda: actions.calendar_day_remove(acting_user=request.user, day=day)) \
                    is None and not form.errors:
                messages.success(request, f"已删除 {day:%Y-%m-%d}")
                return redirect(f"{request.path}?year={day.year}")
        else:
            form = CalendarDayForm(request.POST)
            if form.is_valid() and run_action(form, lambda: actions.calendar_day_set(
                    acting_user=request.user, **form.cleaned_data)):
                messages.success(request, "已保存")
                return redirect(f"{request.path}?year={form.cleaned_data['day'].year}")
    return render(request, "recruitment/calendar.html", {
        "year": year, "days": CalendarDay.objects.filter(day__year=year), "form": form, "layer_form": layer_form,
        "editor": editor, "has_year": year in years_with_calendar(), "years": [year - 1, year, year + 1],
        "layers": RuleLayerSwitch.objects.restrict(request.user).select_related("owner"),
        "layer_labels": dict(LocalLayer.choices),
    })


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
