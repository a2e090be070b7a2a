"""Downloads: the campaign report (.xlsx and .docx in the 督查通报 layout: 基本情况、发现问题、整改要求),
the judges' score table and the list of titles held. Strings pass through ``safe_cell`` (via
``append_row``) against formula injection; .docx text is plain runs."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from dangjian.core.excel import append_row, header_cells, write_only_workbook

from .choices import ItemStatus
from .models import Campaign

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FINDING_HEADERS = ["序号", "对象党组织", "检查项目", "得分", "发现情况", "存在问题", "整改时限", "整改状态", "督查人员"]
RANK_HEADERS = ["名次", "党组织", "评委人数", "各评委总分", "综合得分", "等次"]
TITLE_HEADERS = ["党组织", "称号", "评选", "证书编号", "命名日期", "状态", "摘牌日期", "复评记录"]


def summary_lines(campaign: Campaign, rows, targets: int) -> list[str]:
    counts = {s: 0 for s in ItemStatus.values}
    for r in rows:
        counts[r.status] += 1
    problems = sum(1 for r in rows if r.finding.is_problem)
    waiting = sum(1 for r in rows if r.finding.is_problem and not r.status)
    return [
        f"{campaign.org.name}于 {campaign.starts_on:%Y年%m月%d日} 至 {campaign.ends_on:%Y年%m月%d日} 开展"
        f"{campaign.get_kind_display()}（{campaign.title}），范围为{campaign.scope_org.name}及其下级党组织，"
        f"共检查 {targets} 个党组织，记录发现 {len(rows)} 条，其中问题 {problems} 个。",
        f"问题转入问题清单后：整改中 {counts[ItemStatus.RECTIFYING]} 个，已销号 {counts[ItemStatus.CLOSED]} 个，"
        f"超期 {counts[ItemStatus.OVERDUE]} 个，尚未转入清单 {waiting} 个。",
    ]


def _finding_values(number: int, r) -> list:
    f = r.finding
    return [number, f.target.org.name, f.sheet_item.title if f.sheet_item_id else "",
            float(f.score) if f.score is not None else None, f.text, "是" if f.is_problem else "否", f.deadline,
            r.status_label if f.is_problem or f.item_id else "", f.inspector_name]


def report_xlsx(target, campaign: Campaign, rows, targets: int) -> int:
    book = write_only_workbook()
    basic = book.create_sheet("基本情况")
    basic.column_dimensions["A"].width = 120
    append_row(basic, [f"{campaign.title} 督查通报"])
    for line in summary_lines(campaign, rows, targets):
        append_row(basic, [line])
    sheet = book.create_sheet("发现问题")
    for col, width in zip("ABCDEFGHI", [6, 30, 24, 8, 60, 8, 12, 10, 12], strict=True):
        sheet.column_dimensions[col].width = width
    sheet.append(header_cells(sheet, FINDING_HEADERS))
    for number, r in enumerate(rows, start=1):
        append_row(sheet, _finding_values(number, r))
    demands = book.create_sheet("整改要求")
    demands.column_dimensions["A"].width = 120
    for line in (campaign.requirements or "各被督查党组织对照问题清单逐项整改，按期申请销号。").splitlines():
        append_row(demands, [line])
    book.save(target)
    return len(rows)


def report_docx(campaign: Campaign, rows, targets: int) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_heading(f"关于{campaign.title}情况的通报", level=1)
    doc.add_heading("一、基本情况", level=2)
    for line in summary_lines(campaign, rows, targets):
        doc.add_paragraph(line)
    doc.add_heading("二、发现问题", level=2)
    problems = [r for r in rows if r.finding.is_problem]
    if not problems:
        doc.add_paragraph("本次未发现需要整改的问题。")
    else:
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["序号", "党组织", "问题", "整改时限", "整改状态"], strict=True):
            cell.text = text
        for number, r in enumerate(problems, start=1):
            cells = table.add_row().cells
            f = r.finding
            values = [str(number), f.target.org.name, f.text, f"{f.deadline:%Y-%m-%d}" if f.deadline else "",
                      r.status_label]
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    doc.add_heading("三、整改要求", level=2)
    for line in (campaign.requirements or "各被督查党组织对照问题清单逐项整改，按期申请销号。").splitlines():
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def ranking_xlsx(target, campaign: Campaign, rank_rows) -> int:
    book = write_only_workbook()
    sheet = book.create_sheet("评分汇总")
    sheet.append(header_cells(sheet, RANK_HEADERS))
    for r in rank_rows:
        append_row(sheet, [r.place or "", r.target.org.name, r.judges, "、".join(str(t) for t in r.totals),
                           float(r.combined) if r.combined is not None else None, r.grade_label])
    book.save(target)
    return len(rank_rows)


def titles_xlsx(target, titles) -> int:
    book = write_only_workbook()
    sheet = book.create_sheet("命名称号")
    sheet.append(header_cells(sheet, TITLE_HEADERS))
    count = 0
    for t in titles.prefetch_related("reviews"):
        reviews = "；".join(f"{r.year}年{'保留' if r.kept else '摘牌'}" for r in t.reviews.all())
        append_row(sheet, [t.org.name, t.name, t.campaign.title, t.certificate_no, t.named_on, t.get_state_display(),
                           t.withdrawn_on, reviews])
        count += 1
    book.save(target)
    return count
