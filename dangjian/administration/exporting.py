"""The audit log as a workbook, for the audit administrator: the filtered records, newest first,
streamed, with members' personal data hidden as on the page (rules.redacted_*); every text cell
through ``core.excel.append_row`` (safe from formula injection). It reads in Chinese like the page
(core/labels.py: actions, object types, field names, choice values); the codes follow in the last
two columns, for whoever matches the workbook against the database or ``audit-verify``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core.excel import append_row, header_cells, write_only_workbook

HEADERS = ["编号", "时间", "操作人", "操作", "对象类型", "对象编号", "对象", "变更前", "变更后", "说明", "来源地址",
           "请求编号", "客户端请求编号", "摘要(SM3)", "操作代码", "对象类型代码"]
CHUNK = 2000


def write_audit_log(target, records, *, on_progress=None) -> int:
    """Write ``records`` to ``target``; ``on_progress(rows so far)`` is called every chunk."""
    book = write_only_workbook()
    sheet = book.create_sheet("审计日志")
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, HEADERS))
    count = 0
    from .queries import AuditRow

    for record in records.iterator(chunk_size=CHUNK):
        r = AuditRow.of(record)  # personal data of members hidden, as on the page
        count += 1
        changes = r.labelled_changes()
        append_row(sheet, [
            r.id, timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.actor_name, r.action_label,
            r.object_type_label, r.object_id, r.object_repr, _side(changes, 1), _side(changes, 2), r.note,
            r.address or "", r.request_id, r.client_request_id, r.hash, r.action, r.object_type,
        ])
        if on_progress is not None and count % CHUNK == 0:
            on_progress(count)
    book.save(target)
    return count


def audit_filename(today: dt.date) -> str:
    return f"审计日志_{today:%Y%m%d}.xlsx"


def _side(changes: list[tuple[str, str, str]], index: int) -> str:
    """One side (1 before, 2 after) of the labelled changes: "字段：值；字段：值"."""
    return "；".join(f"{change[0]}：{change[index]}" for change in changes)
