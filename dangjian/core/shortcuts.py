"""Small helpers the views share: scoped lookups, pagination, the Excel import page."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import ratelimit
from .excel import (
    ExcelFileError,
    ImportResult,
    append_row,
    check_upload,
    header_cells,
    write_only_workbook,
    xlsx_response,
)
from .scoping import CHANGE, VIEW, scope_prefixes

PAGE_SIZE = 50
# The largest id either database holds; past it SQLite's driver raised OverflowError (a 500).
MAX_ID = 2**63 - 1


def parse_id(raw) -> int | None:
    """A record id from a URL or query string: a positive integer the databases can hold, else None."""
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None

READ_ONLY_ROW = "您对这条记录只有查看权限（只读岗位，或不在您可维护的党组织内），不能修改。"
NO_CHANGE_SCOPE = "您的岗位为只读，或没有可维护的党组织，不能使用此页面。如需登记或修改，请联系上级党组织管理员。"


def change_scope_required(view):
    """A write form or import page: open to a user who may change something somewhere in the tree;
    anyone else (a read-only position, a member, the 三员) gets the styled 403 page with the reason,
    rather than a form they cannot submit. Which organisation a write may touch is still the
    action's check (scoping.require)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope_prefixes(request.user, CHANGE):
            raise PermissionDenied(NO_CHANGE_SCOPE)
        return view(request, *args, **kwargs)

    return wrapped


def get_scoped_or_404(model, user, pk, action: str = VIEW, *, queryset=None):
    """The row with ``pk`` if ``user`` may do ``action`` on it. Outside the user's scope: 404, so an
    id guessed in a URL says nothing about what exists there. A row the user may see but not change
    (a read-only position): 403 with the reason, like the API (apikit.writable_or_403)."""
    pk = parse_id(pk)
    if pk is None:
        raise Http404("未找到，或不在您的管辖范围内")
    qs = queryset if queryset is not None else model.objects.all()
    obj = qs.restrict(user, action).filter(pk=pk).first()
    if obj is None:
        if action != VIEW and qs.restrict(user, VIEW).filter(pk=pk).exists():
            raise PermissionDenied(READ_ONLY_ROW)
        if model._base_manager.filter(pk=pk).exists():  # there, but outside the scope: audited
            from .context import note_refusal

            note_refusal(f"超出管辖范围（{action}）", object_type=model._meta.label_lower, object_id=int(pk))
        raise Http404("未找到，或不在您的管辖范围内")
    return obj


class ReversingPaginator(Paginator):
    """Pages past the middle are read from the other end: ``OFFSET 122000`` makes the database
    walk 122,000 sorted rows, the same rows read backwards need only a few. Needs an ordered
    queryset whose ordering is total (ends with a unique field), as every list here is."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ordering = getattr(self.object_list, "query", None) and self.object_list.query.order_by
        if not ordering or bottom <= self.count // 2:
            return super().page(number)
        from_end = self.object_list.reverse()[self.count - top:self.count - bottom]
        return self._get_page(list(reversed(list(from_end))), number, self)


def paginate(request, qs, per_page: int = PAGE_SIZE, *, count: int | None = None):
    """A page of ``qs``. Counting a 100,000-row subtree is one indexed query; the page is another.
    ``count``: the number of rows of ``qs`` when the page already counted them (no count query)."""
    paginator = ReversingPaginator(qs, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its cached value
    return paginator.get_page(request.GET.get("page"))


def apply_validation_error(form, exc: ValidationError) -> None:
    """Attach an action's ValidationError to the form fields it names (or to the form)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def run_action(form, call):
    """Run an action for a form: its result, or None with the action's refusal shown on the form
    (a ValidationError on the fields it names, a scope refusal at the top). Version conflicts pass
    through: the view shows both versions."""
    from .errors import ActionDenied, AuditedRefusal
    from .history import record_refusal

    try:
        return call()
    except ValidationError as exc:
        if isinstance(exc, AuditedRefusal):
            record_refusal(exc)
        apply_validation_error(form, exc)
    except ActionDenied as exc:
        form.add_error(None, str(exc))
    return None


# No row has it (versions start at 1): what an edit form without its version submits.
MISSING_VERSION = 0


def run_reported(request, call, success) -> bool:
    """Run a write behind a button (no form to show errors on): the success, or the refusal's reason
    (a ValidationError, a scope refusal, a stale version), as a message on the next page.
    ``success`` is the text, or a function of the action's result giving it."""
    from django.contrib import messages

    from .errors import ActionDenied, VersionConflict

    try:
        result = call()
    except VersionConflict as exc:
        messages.error(request, f"{exc}（页面显示的内容已过期）")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except ActionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)
        return True
    return False


def submitted_version(form) -> int:
    """The version an edit form was loaded with. A form whose ``version`` was removed or left empty
    (a hand-made request, a stale page from before the field existed) is refused exactly like a
    stale one: the action finds no row at version 0 and raises the conflict, so the other user's
    change is shown, never silently reverted."""
    version = form.cleaned_data.get("version")
    return MISSING_VERSION if version is None else version


def rebind_to_current(form_class, data, instance, **kwargs):
    """After a version conflict: the user's input again, bound to the row as it now is and to its
    current version, so that a deliberate second submit wins (the conflict panel shows both)."""
    form = form_class(data, instance=instance, **kwargs)
    form.data = form.data.copy()
    form.data["version"] = instance.version
    form.is_valid()
    return form


def querystring_without(request, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "文件为空，请选择填写好的 Excel 文件"},
    )


def run_import(user, upload, importer):
    """Refuse a file by its size and first bytes, then hand it to ``importer``. A large upload is
    already on disk (Django's temporary file): calamine reads it from there."""
    try:
        head = upload.read(8)
        upload.seek(0)
        check_upload(upload.name, upload.size, head)
    except ExcelFileError as exc:
        return ImportResult.file_error(str(exc))
    source = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload.file
    return importer(acting_user=user, source=source)


def excel_import_page(request, *, importer, page: dict):
    """The import page of one kind of record: a file in, every error by row, column and reason out."""
    if not scope_prefixes(request.user, CHANGE):
        raise PermissionDenied(NO_CHANGE_SCOPE)
    can_import = True
    form = ImportForm()
    result, status = None, 200
    if request.method == "POST":
        ratelimit.check("import", user=request.user)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = run_import(request.user, form.cleaned_data["file"], importer)
            status = 200 if result.ok else 400
            keep_error_report(request, page["title"], result)
        else:
            status = 400
    return render(request, "includes/excel_import.html", {**page, "form": form, "can_import": can_import,
                                                          "result": result}, status=status)


# -- the error report of the last import, as a download ------------------------------------------------

ERROR_REPORT_KEY = "import_error_report"


def keep_error_report(request, title: str, result: ImportResult) -> None:
    """Keep the refused import's errors (row, column, reason: no cell values beyond what a reason
    quotes) in the session, for ``import_error_report`` to hand out as a workbook to fix from."""
    if result.ok:
        request.session.pop(ERROR_REPORT_KEY, None)
        return
    request.session[ERROR_REPORT_KEY] = {
        "title": title, "total": result.error_count,
        "errors": [[e.row, e.column, e.message] for e in result.errors],
    }


@login_required
def import_error_report(request):
    """The last refused import's error list as .xlsx; 404 when there is none in this session."""
    from .history import record_export

    report = request.session.get(ERROR_REPORT_KEY) if request.user.is_authenticated else None
    if not report:
        raise Http404("没有可下载的错误清单：请先导入文件")
    book = write_only_workbook()
    sheet = book.create_sheet("错误清单")
    sheet.append(header_cells(sheet, ["行号", "列", "原因"]))
    for row, column, message in report["errors"]:
        append_row(sheet, [row if row is not None else "—", column or "—", message])
    if report["total"] > len(report["errors"]):
        append_row(sheet, ["", "", f"错误较多，仅列出前 {len(report['errors'])} 处（共 {report['total']} 处）"])
    record_export(actor=request.user, what=f"{report['title']}错误清单", model="core.importerrors",
                  rows=len(report["errors"]))
    return xlsx_response(book.save, f"{report['title']}错误清单.xlsx")

