"""Exports: the 发展党员工作全程纪实表 of one case (.docx), the pipeline table and the yearly
statistics (.xlsx). Every text cell of a workbook goes through the project's formula-safe writer."""

from __future__ import annotations

import datetime as dt

from docx import Document

from dangjian.core.excel import append_row, header_cells, write_only_workbook

from .choices import STEP_NAMES, STEPS, Stage
from .queries import YEARLY_COLUMNS

PIPELINE_HEADERS = ["姓名", "性别", "出生日期", "所在党支部", "递交申请日期", "阶段", "已到步骤", "状态", "下一期限",
                    "下一期限事项", "规则提示数", "规则提示"]


def pipeline_rows(qs):
    for c in qs.select_related("org").order_by("org__path", "applied_on", "id").iterator(chunk_size=2000):
        yield [c.name, c.get_gender_display(), c.birth_date, c.org.name, c.applied_on, c.get_stage_display(),
               f"{c.current_step}. {STEP_NAMES.get(c.current_step, '')}", c.get_status_display(), c.next_due_on,
               c.next_due_label, c.flag_count, "；".join(f["reason"] for f in c.flags)]


def write_pipeline(target, qs) -> int:
    book = write_only_workbook()
    sheet = book.create_sheet("发展党员进度")
    sheet.append(header_cells(sheet, PIPELINE_HEADERS))
    count = 0
    for row in pipeline_rows(qs):
        append_row(sheet, row)
        count += 1
    book.save(target)
    return count


def write_yearly(target, rows: list[dict], title: str) -> int:
    book = write_only_workbook()
    sheet = book.create_sheet("发展党员统计")
    append_row(sheet, [title])
    sheet.append(header_cells(sheet, ["年度", *(label for _, label, _ in YEARLY_COLUMNS)]))
    for row in rows:
        append_row(sheet, [row["year"], *(row[key] for key, _, _ in YEARLY_COLUMNS)])
    book.save(target)
    return len(rows)


def _date(value: dt.date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""


def write_record(target, case, steps, flags) -> None:
    """发展党员工作全程纪实表: the person, then the five stages with each step's date, people,
    meeting figures and notes, then the rule flags with their sources."""
    doc = Document()
    doc.add_heading("发展党员工作全程纪实表", level=1)
    info = doc.add_table(rows=3, cols=4)
    info.style = "Table Grid"
    cells = [("姓名", case.name), ("性别", case.get_gender_display()), ("出生日期", _date(case.birth_date)),
             ("公民身份号码", case.id_number_masked), ("所在党支部", case.org.name),
             ("适用细则", case.get_edition_display())]
    for i, (label, value) in enumerate(cells):
        row = info.rows[i // 2].cells
        row[(i % 2) * 2].text = label
        row[(i % 2) * 2 + 1].text = value
    by_step: dict[int, list] = {}
    for s in steps:
        by_step.setdefault(s.step, []).append(s)
    for code, label in Stage.choices[:5]:
        doc.add_heading(f"{'一二三四五'[code - 1]}、{label}", level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["步骤", "日期", "相关人员/会议", "情况"], strict=True):
            cell.text = text
        for number, name, stage in STEPS:
            if stage != code:
                continue
            for s in by_step.get(number) or [None]:
                row = table.add_row().cells
                row[0].text = f"{number}. {name}"
                row[1].text = _date(s.done_on) if s else "未登记"
                row[2].text = _people(s) if s else ""
                row[3].text = _details(s) if s else ""
    doc.add_heading("规则检查", level=2)
    if not flags:
        doc.add_paragraph("未发现不符合规定之处。")
    for f in flags:
        doc.add_paragraph(f"第{f['step']}步：{f['reason']}（依据：{f['source']}）", style="List Bullet")
    doc.save(target)


def _people(s) -> str:
    parts = [s.person_names] if s.person_names else []
    if s.voting_expected is not None:
        parts.append(f"应到{s.voting_expected}人，实到{s.voting_present}人，赞成{s.votes_for}票")
    return "；".join(parts)


def _details(s) -> str:
    parts = []
    if s.outcome:
        parts.append(s.get_outcome_display())
    if s.extension_months:
        parts.append(f"延长{s.extension_months}个月")
    if s.training_days or s.training_hours:
        parts.append(f"培训{s.training_days:g}天/{s.training_hours:g}学时")
    if s.publicity_start:
        parts.append(f"公示{_date(s.publicity_start)}至{_date(s.publicity_end)}")
    if s.approver_id:
        parts.append(f"审批单位：{s.approver.name}")
    if s.reason:
        parts.append(s.reason)
    return "；".join(parts)
