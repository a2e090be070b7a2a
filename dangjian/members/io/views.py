"""Pages for Excel in and out: the member import page, its template and the roster export.

Views only read the request and call the importer or the export; all checks live there. The
organisation import page is the orgs app's (orgs/import_views.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core import filterstate
from dangjian.core.excel import xlsx_response
from dangjian.core.history import record_export
from dangjian.core.shortcuts import excel_import_page

from ..queries import MemberFilter, filter_members, members_for
from .exporting import member_template_workbook, roster_filename, write_roster
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
    """The roster of the members the user sees, with the member list's filters."""
    chosen = MemberFilter.from_mapping(filterstate.params_for(request))
    members = filter_members(members_for(request.user), chosen)

    def write(target):
        rows = write_roster(target, members)
        record_export(actor=request.user, what="党员名册", model="members.member", rows=rows, filters=vars(chosen))

    return xlsx_response(write, roster_filename(timezone.localdate()))
