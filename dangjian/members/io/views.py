"""Pages for Excel in and out: the member import page, its template and the roster export.

Views only read the request and call the importer or the export; all checks live there. The
organisation import page is the orgs app's (orgs/import_views.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core import filterstate
from dangjian.core.excel import xlsx_response
from dangjian.core.shortcuts import excel_import_page
from dangjian.jobs.actions import job_start

from ..jobs import ROSTER, roster_scope
from ..queries import MemberFilter
from .exporting import member_template_workbook
from .importing import CONFIRMED_ON_NOTE, REQUIRED_HEADERS, import_members

PAGE = {
    "title": "导入党员信息", "done_url": "members:list", "done_label": "查看党员名单",
    "matching": "已登记的党员按公民身份号码匹配并更新",
    "template_url": "members:import_template", "template_label": "党员信息导入模板",
    "other_url": "orgs:import", "other_label": "导入党组织",
    "required_note": f"必填列：{'、'.join(REQUIRED_HEADERS)}。{CONFIRMED_ON_NOTE}",
}


@login_required
def member_import(request):
    return excel_import_page(request, importer=import_members, page=PAGE)


@login_required
@require_GET
def member_template(request):
    return xlsx_response(member_template_workbook().save, "党员信息导入模板.xlsx")


@login_required
@require_GET
def member_export(request):
    """The roster of the members the user sees, with the member list's filters, written by a
    background job (a city roster takes tens of seconds): the person follows its progress on the
    job page and downloads it there."""
    chosen = MemberFilter.from_mapping(filterstate.params_for(request))
    filters = {k: v for k, v in vars(chosen).items() if v not in (None, "")}
    job = job_start(acting_user=request.user, kind=ROSTER, title=f"党员名册导出（{timezone.localdate():%Y-%m-%d}）",
                    params={"filters": filters}, scope=roster_scope(filters))
    return redirect("jobs:detail", job.pk)
