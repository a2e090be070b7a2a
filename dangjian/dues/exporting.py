"""党费 exports: the branch's 党费收缴台账 for a year (.xlsx), the subtree summary (.xlsx) and the
党费缴纳证明 for a member's transfer (.docx). Strings pass through ``safe_cell`` (``append_row``)."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.shared import Pt

from dangjian.core.excel import append_row, header_cells, write_only_workbook

from . import rules

MONTHS = [f"{m}月" for m in range(1, 13)]


def _sheet(book, title: str, headers: list[str]):
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "B2"
    sheet.append(header_cells(sheet, headers))
    return sheet


def ledger_write(target, year: int, lines, *, today: dt.date) -> int:
    """台账: one row per member — category of dues, monthly amounts paid, totals, arrears — then the
    payments one by one (date, receiver, method) on a second sheet."""
    book = write_only_workbook()
    sheet = _sheet(book, f"{year}年党费收缴台账", ["姓名", *MONTHS, "应交合计", "实交合计", "欠交月数", "备注"])
    months = rules.year_months(year)
    for line in lines:
        cells = []
        for month in months:
            payment = line.payments.get(month)
            cells.append(float(payment.amount) if payment else ("免交" if line.expected.get(month) == 0 else ""))
        flags = []
        if line.flagged:
            flags.append(f"连续 {len(line.run)} 个月未交")
        if any(p.is_late for p in line.payments.values()):
            flags.append("补交超过 6 个月")
        append_row(sheet, [line.member.name, *cells, float(line.expected_total), float(line.paid_total),
                           len([m for m in line.unpaid_months if m < rules.month_start(today)]),
                           "；".join(flags)])
    detail = _sheet(book, "交纳明细", ["姓名", "所属月份", "类型", "金额（元）", "交纳日期", "收款人", "方式", "备注"])
    count = 0
    for line in lines:
        for payment in [*line.payments.values(), *line.voluntary]:
            note = payment.note
            if payment.to_centre:
                note = f"全额上缴中央；{note}".rstrip("；")
            append_row(detail, [line.member.name, f"{payment.month:%Y-%m}", payment.get_kind_display(),
                                float(payment.amount), payment.paid_on, payment.received_by,
                                payment.get_method_display(), note])
            count += 1
    book.save(target)
    return count


def summary_write(target, root, year: int, rows) -> int:
    book = write_only_workbook()
    sheet = _sheet(book, f"{year}年党费收缴汇总", [
        "党组织", "应交党员", "未核定基数", "应交金额（元）", "实交金额（元）", "应交人月", "已交人月", "收缴率",
        "欠交人数", "特殊党费（元）", "其中上缴中央（元）", "上缴合计（元）"])
    for row in rows:
        append_row(sheet, [("　" * row.level) + row.name, row.members, row.no_base, float(row.expected),
                           float(row.paid), row.due_months, row.paid_months,
                           f"{row.rate}%" if row.rate is not None else "—", row.behind, float(row.voluntary),
                           float(row.to_centre), float(row.handed_up)])
    book.save(target)
    return len(rows)


def certificate_docx(member, payments, *, issued_by, today: dt.date) -> bytes:
    """党费缴纳证明 for a transfer: up to which month the member has paid, at what amount, issued by
    the branch. Lists the last twelve regular payments."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_heading("党费缴纳证明", level=1)
    regular = [p for p in payments if p.kind == "regular"]
    last = max((p.month for p in regular), default=None)
    paid_to = f"{last:%Y年%m月}" if last else "（无交纳记录）"
    doc.add_paragraph(
        f"{member.name}同志，{member.get_gender_display()}，公民身份号码 {member.id_number_masked}，"
        f"系{member.org.name}{member.get_membership_type_display()}。该同志党费已交纳至 {paid_to}。")
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["所属月份", "金额（元）", "交纳日期", "收款人"], strict=True):
        cell.text = text
    for payment in sorted(regular, key=lambda p: p.month)[-12:]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = f"{payment.month:%Y-%m}", f"{payment.amount}"
        cells[2].text, cells[3].text = f"{payment.paid_on:%Y-%m-%d}", payment.received_by
    doc.add_paragraph("特此证明。")
    doc.add_paragraph(f"{issued_by.name}（盖章）")
    doc.add_paragraph(f"{today:%Y年%m月%d日}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
