"""Pages for Excel in and out: the import page, the two templates and the roster export.

Views only read the request and call the importers or the export; all checks live there."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core import filterstate
from dangjian.core.excel import ExcelFileError, ImportResult, check_upload, xlsx_response
from dangjian.core.scoping import CHANGE, scope_prefixes
from dangjian.jobs.actions import job_start
from dangjian.orgs.importing import import_orgs, org_template_workbook

from .exporting import member_template_workbook
from .importing import import_members
from .jobs import ROSTER, roster_scope
from .queries import MemberFilter

KIND_MEMBERS, KIND_ORGS = "members", "orgs"
NO_CHANGE_SCOPE = "您的岗位为只读，或没有可维护的党组织，不能导入数据。如需导入，请联系上级党组织管理员。"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="导入内容", choices=[(KIND_MEMBERS, "党员信息"), (KIND_ORGS, "党组织")], initial=KIND_MEMBERS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="Excel 文件（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "文件为空，请选择填写好的 Excel 文件"},
    )


def run_import(user, kind: str, upload) -> ImportResult:
    """Refuse a file by its size and first bytes, then hand it to the importer. A large upload is
    already on disk (Django's temporary file): calamine reads it from there."""
    try:
        head = upload.read(8)
        upload.seek(0)
        check_upload(upload.name, upload.size, head)
    except ExcelFileError as exc:
        return ImportResult.file_error(str(exc))
    source = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload.file
    importer = import_members if kind == KIND_MEMBERS else import_orgs
    return importer(acting_user=user, source=source)


@login_required
def import_page(request):
    can_import = bool(scope_prefixes(request.user, CHANGE))
    form = ImportForm(initial={"kind": request.GET.get("kind", KIND_MEMBERS)})
    result, status = None, 200
    if request.method == "POST":
        if not can_import:
            return render(request, "members/import.html", {"form": form, "can_import": False,
                                                           "denied": NO_CHANGE_SCOPE}, status=403)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = run_import(request.user, form.cleaned_data["kind"], form.cleaned_data["file"])
            status = 200 if result.ok else 400
        else:
            status = 400
    return render(request, "members/import.html", {
        "form": form, "can_import": can_import, "result": result,
        "kind": form["kind"].value() or KIND_MEMBERS,
    }, status=status)


@login_required
@require_GET
def member_template(request):
    return xlsx_response(member_template_workbook().save, "党员信息导入模板.xlsx")


@login_required
@require_GET
def org_template(request):
    return xlsx_response(org_template_workbook().save, "党组织导入模板.xlsx")


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
