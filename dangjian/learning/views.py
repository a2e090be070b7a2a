"""Pages of 学习教育: programmes, sessions with attendance from the roster, 学时 against the target.
No page shows a ranking by study time; the hours table is in the order of the organisation tree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.queries import scope_root
from dangjian.core.editing import edit_with_conflict
from dangjian.core.excel import append_row, header_cells, write_only_workbook, xlsx_response
from dangjian.core.history import record_export
from dangjian.core.scoping import CHANGE, path_in_scope, scope_prefixes
from dangjian.core.shortcuts import (
    change_scope_required,
    get_scoped_or_404,
    parse_id,
    run_action,
    run_reported,
    submitted_version,
)
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from . import actions, queries
from .choices import ProgrammeKind
from .forms import ProgrammeForm, SessionForm, TargetForm
from .models import Programme, Session


def _year(request) -> int:
    value = parse_id(request.GET.get("year"))
    return value if value and 2000 <= value <= 2100 else timezone.localdate().year


@login_required
def programme_list(request):
    year = _year(request)
    programmes = queries.programmes_for(request.user).filter(year=year)
    return render(request, "learning/list.html", {"programmes": programmes[:200], "year": year})


@change_scope_required
def programme_new(request):
    form = ProgrammeForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        made = run_action(form, lambda: actions.programme_create(
            acting_user=request.user, org=form.cleaned_data["org"], **form.action_fields()))
        if made is not None:
            messages.success(request, f"已建立：{made.title}")
            return redirect("learning:programme", pk=made.pk)
    return render(request, "learning/form.html", {"form": form, "title": "新建学习计划"})


@login_required
def programme_edit(request, pk):
    programme = get_scoped_or_404(Programme, request.user, pk, CHANGE, queryset=Programme.objects.select_related("org"))
    return edit_with_conflict(
        request, form_class=ProgrammeForm, instance=programme, form_kwargs={"user": request.user},
        save=lambda form: run_action(form, lambda: actions.programme_update(
            acting_user=request.user, programme=programme, expected_version=submitted_version(form),
            **form.action_fields())),
        done=lambda saved: redirect("learning:programme", pk=saved.pk),
        template="learning/form.html", context={"title": f"修改学习计划：{programme.title}"})


def _roster(programme: Programme):
    return (Member.objects.filter(org__path__startswith=programme.org.path, status=PartyStatus.NORMAL)
            .select_related("org").order_by("org__path", "name", "id"))


@login_required
def programme_detail(request, pk):
    programme = get_scoped_or_404(Programme, request.user, pk, queryset=Programme.objects.select_related("org"))
    can_change = path_in_scope(request.user, CHANGE, programme.org.path)
    form = None
    if can_change:
        form = SessionForm(request.POST or None, roster=_roster(programme))
        if request.method == "POST" and form.is_valid():
            made = run_action(form, lambda: actions.session_create(
                acting_user=request.user, programme=programme, **form.action_fields()))
            if made is not None:
                messages.success(request, f"已登记学习活动：{made.title}")
                return redirect("learning:programme", pk=programme.pk)
    sessions = programme.sessions.select_related("meeting").order_by("-held_on", "-id")
    return render(request, "learning/programme.html", {
        "programme": programme, "sessions": sessions, "form": form, "can_change": can_change,
        "linkable": queries.linkable_meetings(programme).count()
        if can_change and programme.kind == ProgrammeKind.STUDY_GROUP else 0,
    })


@login_required
@require_POST
def programme_link(request, pk):
    programme = get_scoped_or_404(Programme, request.user, pk, CHANGE, queryset=Programme.objects.select_related("org"))
    run_reported(request, lambda: actions.sessions_from_meetings(acting_user=request.user, programme=programme),
                 lambda made: f"已从组织生活关联 {len(made)} 次中心组学习，出席情况以会议记录为准")
    return redirect("learning:programme", pk=programme.pk)


@login_required
def session_edit(request, pk):
    session = get_scoped_or_404(Session, request.user, pk, CHANGE,
                                queryset=Session.objects.select_related("programme__org", "meeting"))
    programme = session.programme
    return edit_with_conflict(
        request, form_class=SessionForm, instance=session, form_kwargs={"roster": _roster(programme)},
        save=lambda form: run_action(form, lambda: actions.session_update(
            acting_user=request.user, session=session, expected_version=submitted_version(form),
            **form.action_fields())),
        done=lambda saved: redirect("learning:programme", pk=programme.pk),
        template="learning/form.html", context={"title": f"修改学习活动：{session.title}", "session": session})


HOURS_HEADERS = ["姓名", "所在党组织", "学时", "年度目标", "是否达到"]


@login_required
def hours(request):
    """学时 of the members in a subtree against the year's target, in tree order."""
    year = _year(request)
    pk = parse_id(request.GET.get("org"))
    root = (Organization.objects.restrict(request.user).filter(pk=pk).first() if pk else None) or \
        scope_root(request.user)
    rows = queries.hours_table(request.user, root, year) if root else []
    if request.GET.get("format") == "xlsx" and root:
        record_export(actor=request.user, what="党员学时", model="learning.session", rows=len(rows),
                      filters={"org": root.code, "year": year})

        def write(out):
            book = write_only_workbook()
            sheet = book.create_sheet(f"{year}年学时")
            sheet.append(header_cells(sheet, HOURS_HEADERS))
            for r in rows:
                append_row(sheet, [r.name, r.org_name, float(r.hours), float(r.target), "达到" if r.met else "未达到"])
            book.save(out)
        return xlsx_response(write, f"{year}年党员学时.xlsx")
    met = sum(1 for r in rows if r.met)
    target_form = TargetForm(user=request.user, initial={"year": year}) if scope_prefixes(request.user, CHANGE) \
        else None
    return render(request, "learning/hours.html", {"root": root, "rows": rows[:1000], "total": len(rows),
                                                   "met": met, "year": year, "target_form": target_form})


@login_required
@require_POST
def target(request):
    form = TargetForm(request.POST, user=request.user)
    if form.is_valid():
        saved = run_action(form, lambda: actions.target_set(acting_user=request.user, **form.cleaned_data))
        if saved is not None:
            messages.success(request, f"已设置{saved.year}年学时目标：{saved.hours}")
    if form.errors:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("learning:hours")
