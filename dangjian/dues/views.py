"""Pages of 党费: the subtree overview (county, town), a branch's year and its month screen, the
arrears list, the yearly publication, a member's dues, the exports and the base import. Views read
the request and call queries and actions; lookups are scoped (outside the scope: 404)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.accounts.queries import scope_root
from dangjian.core.errors import VersionConflict
from dangjian.core.excel import xlsx_response
from dangjian.core.history import record_export
from dangjian.core.scoping import CHANGE, path_in_scope
from dangjian.core.shortcuts import change_scope_required, excel_import_page, get_scoped_or_404, run_action
from dangjian.members.models import Member
from dangjian.members.queries import member_of
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import actions, exporting, queries, rules
from .choices import PaymentMethod
from .forms import ArrangementForm, BaseForm, MonthPickForm, PaymentForm, ReliefForm, month_value
from .importing import REQUIRED, base_template_workbook, import_bases

YEARS = range(2000, 2101)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 and int(raw) in YEARS else timezone.localdate().year


def _month(request, today: dt.date) -> dt.date:
    month = rules.parse_month(request.GET.get("month", "")) if request.GET.get("month") else None
    if month is None or month.year not in YEARS:
        return rules.add_months(rules.month_start(today), -1)
    return month


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _with_cells(lines, months):
    for line in lines:
        line.cells = [{"month": m, "expected": line.expected.get(m), "payment": line.payments.get(m)} for m in months]
    return lines


def _org(request, pk) -> Organization:
    return get_scoped_or_404(Organization, request.user, pk)


# -- overview of a subtree ---------------------------------------------------------------------------


@login_required
def overview(request):
    raw = request.GET.get("org", "")
    root = _org(request, raw) if raw.isdigit() else scope_root(request.user)
    year = _year(request)
    if root is None:
        return render(request, "dues/overview.html", {"root": None, "year": year})
    rows = queries.reconcile(request.user, root, year)
    return render(request, "dues/overview.html", {
        "root": root, "year": year, "rows": rows, "total": rows[0] if rows else None,
        "years": range(year - 2, year + 1), "branch_kinds": set(BRANCH_KINDS),
        "months": rules.year_months(year),
    })


@login_required
def summary_xlsx(request):
    raw = request.GET.get("org", "")
    root = _org(request, raw) if raw.isdigit() else scope_root(request.user)
    if root is None:
        raise Http404("您没有可查看的党组织")
    year = _year(request)
    rows = queries.reconcile(request.user, root, year, depth=99)
    record_export(actor=request.user, what=f"党费收缴汇总：{root.name}", model="dues.duespayment", rows=len(rows),
                  filters={"org": root.code, "year": year})
    return xlsx_response(lambda target: exporting.summary_write(target, root, year, rows),
                         f"党费收缴汇总-{root.name}-{year}.xlsx")


# -- one branch ----------------------------------------------------------------------------------------


@login_required
def branch(request, pk):
    org = _org(request, pk)
    year, today = _year(request), timezone.localdate()
    months = rules.year_months(year)
    lines = _with_cells(queries.member_lines(request.user, org, months, today=today), months)
    return render(request, "dues/branch.html", {
        "org": org, "year": year, "months": months, "lines": lines, "today": today,
        "current_month": rules.month_start(today), "can_change": path_in_scope(request.user, CHANGE, org.path),
        "last_month": month_value(rules.add_months(rules.month_start(today), -1)),
        "flagged": [line for line in lines if line.flagged],
    })


@login_required
def publication(request, pk):
    """党费收缴情况 for the members: names and the months paid, never bases or amounts."""
    org = _org(request, pk)
    year = _year(request)
    months = rules.year_months(year)
    lines = _with_cells(queries.member_lines(request.user, org, months), months)
    return render(request, "dues/publication.html", {"org": org, "year": year, "months": months, "lines": lines})


@login_required
def arrears(request, pk):
    org = _org(request, pk)
    lines = queries.arrears(request.user, org)
    return render(request, "dues/arrears.html", {"org": org, "lines": lines,
                                                 "limit": rules.CURRENT.arrears_months})


@change_scope_required
def month(request, pk):
    """A branch's month in one screen: one line per member, ticked when paid, the amount filled
    with what is due; one submit, one transaction."""
    org = _org(request, pk)
    today = timezone.localdate()
    the_month = _month(request, today)
    if not path_in_scope(request.user, CHANGE, org.path):
        raise PermissionDenied("您对该党组织只有查看权限，不能登记党费")
    lines = queries.member_lines(request.user, org, [the_month], today=today)
    form = MonthPickForm(request.POST or None, initial={"month": month_value(the_month), "paid_on": today})
    conflict = None
    if request.method == "POST" and form.is_valid():
        the_month = form.cleaned_data["month"]
        entries = [_entry(request.POST, line) for line in lines]
        try:
            done = run_action(form, lambda: actions.month_record(
                acting_user=request.user, org=org, month=the_month, entries=entries,
                paid_on=form.cleaned_data["paid_on"], received_by=form.cleaned_data["received_by"]))
        except VersionConflict as exc:
            conflict, done = exc, None
        if done is not None:
            messages.success(request, f"已保存 {the_month:%Y-%m}：新登记 {done['created']} 人，"
                                      f"修改 {done['updated']} 人，取消 {done['deleted']} 人")
            return redirect(f"{reverse('dues:month', args=[org.pk])}?month={month_value(the_month)}")
        lines = queries.member_lines(request.user, org, [the_month], today=today)
    rows = [{"line": line, "payment": line.payments.get(the_month), "expected": line.expected.get(the_month)}
            for line in lines]
    return render(request, "dues/month.html", {
        "org": org, "month": the_month, "rows": rows, "form": form, "conflict": conflict,
        "methods": PaymentMethod.choices, "paid_count": sum(1 for r in rows if r["payment"]),
    }, status=409 if conflict else (400 if form.errors else 200))


def _entry(data, line) -> actions.MonthEntry:
    pk = line.member.pk
    raw_version = data.get(f"v_{pk}", "")
    return actions.MonthEntry(
        member_id=pk, paid=data.get(f"paid_{pk}") == "on", amount=data.get(f"amount_{pk}", ""),
        method=data.get(f"method_{pk}", PaymentMethod.CASH),
        version=int(raw_version) if raw_version.isdigit() else None, note=data.get(f"note_{pk}", ""))


@login_required
def ledger_xlsx(request, pk):
    org = _org(request, pk)
    year, today = _year(request), timezone.localdate()
    lines = queries.member_lines(request.user, org, rules.year_months(year), today=today)
    record_export(actor=request.user, what=f"党费收缴台账：{org.name}", model="dues.duespayment",
                  rows=len(lines), filters={"org": org.code, "year": year})
    return xlsx_response(lambda target: exporting.ledger_write(target, year, lines, today=today),
                         f"党费收缴台账-{org.name}-{year}.xlsx")


# -- one member ------------------------------------------------------------------------------------------


def _member(request, pk) -> Member:
    return get_scoped_or_404(Member, request.user, pk, queryset=Member.objects.select_related("org"))


@login_required
def member(request, pk):
    m = _member(request, pk)
    can_change = path_in_scope(request.user, CHANGE, m.org.path)
    forms = {}
    kind = request.POST.get("form") if request.method == "POST" else None
    if kind and not can_change:
        raise PermissionDenied("您对该党员只有查看权限")
    forms["base"] = BaseForm(request.POST if kind == "base" else None,
                             initial={"effective_from": month_value(rules.month_start(timezone.localdate()))})
    forms["payment"] = PaymentForm(request.POST if kind == "payment" else None,
                                   initial={"paid_on": timezone.localdate(), "kind": "voluntary"})
    forms["arrangement"] = ArrangementForm(request.POST if kind == "arrangement" else None)
    forms["relief"] = ReliefForm(request.POST if kind == "relief" else None, user=request.user, member=m)
    if kind in forms and forms[kind].is_valid():
        data = forms[kind].cleaned_data
        call = {
            "base": lambda: actions.base_set(acting_user=request.user, member=m, expected_version=data["version"], **{
                k: data[k] for k in ("category", "base", "effective_from", "note")}),
            "payment": lambda: actions.payment_record(acting_user=request.user, member=m, **data),
            "arrangement": lambda: actions.arrangement_record(acting_user=request.user, member=m, **data),
            "relief": lambda: actions.relief_grant(acting_user=request.user, member=m, **data),
        }[kind]
        try:
            saved = run_action(forms[kind], call)
        except VersionConflict as exc:
            forms[kind].add_error(None, str(exc))
            saved = None
        if saved is not None:
            messages.success(request, "已保存")
            return redirect("dues:member", m.pk)
    bases = list(queries.bases_for(request.user).filter(member=m).order_by("-effective_from"))
    return render(request, "dues/member.html", {
        "member": m, "bases": bases, "can_change": can_change, "forms": forms,
        "reliefs": queries.reliefs_for(request.user).filter(member=m).select_related("approved_by_org"),
        "arrangements": queries.arrangements_for(request.user).filter(member=m),
        "payments": queries.payments_for(request.user).filter(member=m).select_related("org").order_by("-month"),
        "current_amount": rules.amount_in_effect([rules.BaseFact(b.effective_from, b.monthly_amount) for b in bases],
                                                 rules.month_start(timezone.localdate())),
    }, status=400 if kind and forms.get(kind) is not None and forms[kind].errors else 200)


@login_required
def certificate(request, pk):
    m = _member(request, pk)
    payments = list(queries.payments_for(request.user).filter(member=m))
    data = exporting.certificate_docx(m, payments, issued_by=m.org, today=timezone.localdate())
    record_export(actor=request.user, what=f"党费缴纳证明：{m.name}", model="dues.duespayment", rows=len(payments),
                  object_id=m.pk)
    return _download(data, f"党费缴纳证明-{m.name}.docx", DOCX)


@login_required
def my_dues(request):
    """The member's own history (also shown on 我的信息)."""
    m = member_of(request.user)
    if m is None:
        raise Http404("您的账号未关联党员信息")
    return render(request, "dues/me.html", {"member": m, "payments": queries.member_history(m)})


# -- import ---------------------------------------------------------------------------------------------

PAGE = {
    "title": "导入党费基数", "done_url": "dues:overview", "done_label": "查看党费收缴",
    "matching": "按公民身份号码匹配党员；同一党员同一起始月份再次导入时更新",
    "template_url": "dues:import_template", "template_label": "党费基数导入模板",
    "other_url": "members:import", "other_label": "导入党员信息",
    "required_note": f"必填列：{'、'.join(REQUIRED)}。",
}


@login_required
def base_import(request):
    return excel_import_page(request, importer=import_bases, page=PAGE)


@login_required
@require_GET
def base_template(request):
    return xlsx_response(base_template_workbook().save, "党费基数导入模板.xlsx")
