""".xlsx exports of the registry, the coverage tables and the 阵地 list: write-only sheets, every
string through ``safe_cell`` (``append_row``)."""

from __future__ import annotations

from django.db.models import QuerySet

from dangjian.core.excel import append_row, header_cells, write_only_workbook

from .choices import CentreKind, Coverage, EntityKind

REGISTRY_HEADERS = ["名称", "统一社会信用代码", "类型", "领域", "地址", "法定代表人", "从业人数", "党员人数",
                    "覆盖方式", "所建党组织", "党建指导员", "属地党组织"]
COVERAGE_HEADERS = ["范围", "两新组织", "单独建立", "联合建立", "选派党建指导员", "未覆盖", "组织覆盖率", "工作覆盖率",
                    "党员人数"]


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def write_registry(qs: QuerySet, out) -> int:
    book = write_only_workbook()
    sheet = book.create_sheet("两新组织")
    sheet.append(header_cells(sheet, REGISTRY_HEADERS))
    kinds, coverages = dict(EntityKind.choices), dict(Coverage.choices)
    rows = qs.order_by("org__path", "name", "id").values_list(
        "name", "credit_code", "kind", "field__name", "address", "legal_representative", "employees",
        "party_members", "coverage", "covering_org__name", "instructor_name", "org__name")
    count = 0
    for row in rows.iterator(chunk_size=2000):
        row = list(row)
        row[2], row[8] = kinds.get(row[2], row[2]), coverages.get(row[8], row[8])
        append_row(sheet, [v if v is not None else "" for v in row])
        count += 1
    book.save(out)
    return count


def write_coverage(by_org, by_field, out) -> int:
    book = write_only_workbook()
    count = 0
    for title, rows in (("按党组织", by_org), ("按领域", by_field)):
        sheet = book.create_sheet(title)
        sheet.append(header_cells(sheet, COVERAGE_HEADERS))
        for row in rows:
            c = row.counts
            append_row(sheet, [("　" * row.level) + row.name, c.total, c.separate, c.joint, c.instructor,
                               c.uncovered, _pct(c.org_rate), _pct(c.work_rate), c.party_members])
            count += 1
    book.save(out)
    return count


def write_centres(centres, coverage_rows, out) -> int:
    book = write_only_workbook()
    sheet = book.create_sheet("阵地")
    sheet.append(header_cells(sheet, ["党组织", "类型", "名称", "地址", "面积（平方米）", "已达标准", "最近检查日期",
                                      "检查结果", "督查到访（检查阵地）"]))
    kinds = dict(CentreKind.choices)
    count = 0
    for c in centres:
        append_row(sheet, [c.org.name, kinds.get(c.kind, c.kind), c.name, c.address, c.area,
                           "、".join(s.name for s in c.standards.all()),
                           c.inspected_on.isoformat() if c.inspected_on else "", c.inspection_note,
                           c.campaign_check.text if getattr(c, "campaign_check", None) else ""])
        count += 1
    table = book.create_sheet("覆盖情况")
    table.append(header_cells(table, ["范围", "党组织数", "有阵地的党组织", "阵地覆盖率", "阵地数", "全部达标的阵地"]))
    for r in coverage_rows:
        append_row(table, [("　" * r.level) + r.name, r.orgs, r.with_centre, _pct(r.rate), r.centres, r.fully_met])
    book.save(out)
    return count
