"""The administration app's background job: the audit log export, which at a county's size (hundreds
of thousands of records) is too long for a request. The view queues it; the worker runs it as the
audit administrator who asked, checking the duty again when it runs (it may have been revoked)."""

from __future__ import annotations

from dangjian.accounts.queries import duty_of
from dangjian.jobs.kinds import JobFailed, register

from . import rules
from .exporting import audit_filename, write_audit_log
from .queries import AuditFilter, audit_records

AUDIT_LOG_EXPORT = "administration.audit_log"


def audit_job_params(chosen: AuditFilter) -> dict:
    """The filters as plain text (dates in ISO form), as ``AuditFilter.from_mapping`` reads them back."""
    return {"filters": {name: str(value) for name, value in chosen.as_dict().items()}}


@register(AUDIT_LOG_EXPORT, "审计日志导出", reads_replica=True)
def export_audit_log(context) -> None:
    if not rules.may(duty_of(context.user), rules.AUDIT_LOG):
        raise JobFailed("您的管理职责已不包括查看审计日志，不能导出")
    filters = context.params.get("filters", {})
    records = audit_records(AuditFilter.from_mapping(filters))
    total = records.count()
    on_progress = context.step(total, f"正在导出 {total} 条审计记录")
    rows = context.save_result(audit_filename(context.today),
                               lambda path: write_audit_log(path, records, on_progress=on_progress),
                               what="审计日志", model="core.changerecord", filters=filters)
    context.progress(rows, total, f"已导出 {rows} 条审计记录", force=True)
