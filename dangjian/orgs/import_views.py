"""The organisation import page and its template. Checks live in the importer (importing.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from dangjian.core.excel import xlsx_response
from dangjian.core.shortcuts import excel_import_page

from .importing import REQUIRED_HEADERS, import_orgs, org_template_workbook

PAGE = {
    "title": "导入党组织", "done_url": "orgs:tree", "done_label": "查看组织体系",
    "matching": "已登记的党组织按组织代码匹配并更新",
    "template_url": "orgs:import_template", "template_label": "党组织导入模板",
    "other_url": "members:import", "other_label": "导入党员信息",
    "required_note": f"必填列：{'、'.join(REQUIRED_HEADERS)}。",
}


@login_required
def org_import(request):
    return excel_import_page(request, importer=import_orgs, page=PAGE)


@login_required
@require_GET
def org_template(request):
    return xlsx_response(org_template_workbook().save, "党组织导入模板.xlsx")
