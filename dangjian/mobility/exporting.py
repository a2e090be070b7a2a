"""流动党员台账 (.xlsx) of a subtree: the open outflows with their 活动证, reports and what the rules
say today, the active inflows, and the ended outflows. Strings pass through ``safe_cell``
(``append_row``), dates are real date cells."""

from __future__ import annotations

from dangjian.core.excel import append_row, header_sheet, write_only_workbook

from .queries import Ledger

OUTFLOW_HEADERS = ["序号", "姓名", "流出党组织", "外出地点", "外出原因", "外出日期", "预计返回日期", "联系方式",
                   "流入地党组织", "活动证编号", "活动证有效期至", "最近一次年度报告", "最近一次报告或联系",
                   "年度报告期限", "状态", "提示"]
INFLOW_HEADERS = ["序号", "姓名", "来自（地区）", "原所在党组织", "原党组织联系方式", "本人联系方式", "流入日期",
                  "参加活动的党组织"]
CLOSED_HEADERS = ["序号", "姓名", "流出党组织", "外出地点", "外出日期", "结束日期", "结果", "备注"]


def ledger_write(target, ledger: Ledger) -> int:
    """Three sheets; returns the number of rows written (all sheets)."""
    book = write_only_workbook()
    sheet = header_sheet(book, "流出党员", OUTFLOW_HEADERS, freeze="C2")
    for number, line in enumerate(ledger.lines, start=1):
        o, card = line.outflow, ledger.cards.get(line.outflow.pk)
        append_row(sheet, [number, o.member.name, o.org.name, o.place, o.reason, o.left_on, o.expected_until,
                           o.contact, o.receiving_label, card.number if card else "未登记",
                           card.expires_on if card else None, line.last_yearly or "无",
                           line.last_contact or "无", line.report_due_on, o.get_status_display(),
                           "；".join(line.flags)])
    inflows = header_sheet(book, "流入党员", INFLOW_HEADERS, freeze="C2")
    for number, i in enumerate(ledger.inflows, start=1):
        append_row(inflows, [number, i.name, i.origin_place, i.origin_org, i.home_contact, i.phone, i.arrived_on,
                             i.org.name])
    closed = header_sheet(book, "已结束的外出", CLOSED_HEADERS, freeze="C2")
    for number, o in enumerate(ledger.closed, start=1):
        append_row(closed, [number, o.member.name, o.org.name, o.place, o.left_on, o.closed_on,
                            o.get_status_display(), o.note])
    book.save(target)
    return len(ledger.lines) + len(ledger.inflows) + len(ledger.closed)
