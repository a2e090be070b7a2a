"""The .xlsx layouts: 书记述职评议结果表, 民主评议党员结果登记表 and 党员积分台账, streamed with openpyxl's
write-only mode; every string passes through ``safe_cell`` (via ``append_row``) against formula injection."""

from __future__ import annotations

from collections import defaultdict

from dangjian.core.excel import append_row, header_cells, write_only_workbook

from . import rules
from .choices import Disposal, EntryOrigin, EntryState, Exclusion, Grade
from .models import PointsRule

RESULT_HEADERS = ["序号", "党支部", "姓名", "测评：优秀", "合格", "基本合格", "不合格", "评定等次", "不参加评议情形",
                  "组织处置", "处置期限"]
LEDGER_HEADERS = ["序号", "党支部", "姓名", "日期", "积分项目", "事由", "分值", "计入", "说明", "来源", "状态"]
ROUND_HEADERS = ["序号", "党组织", "书记", "好", "较好", "一般", "差", "其中账号投票", "评议结果", "结果依据",
                 "评议中指出的问题"]
GRADES, EXCLUSIONS, DISPOSALS = dict(Grade.choices), dict(Exclusion.choices), dict(Disposal.choices)
ORIGINS, STATES = dict(EntryOrigin.choices), dict(EntryState.choices)


def _sheet(book, title: str, headers: list[str], widths: list[int]):
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, headers))
    return sheet


def write_round(target, round_) -> int:
    """书记述职评议结果表 of one round: each secretary's votes (entered and by account together, the
    account votes also apart), the result, why, and the problems named. Two queries."""
    book = write_only_workbook()
    sheet = _sheet(book, "述职评议结果", ROUND_HEADERS, [6, 30, 12, 8, 8, 8, 8, 12, 10, 36, 50])
    entries = list(round_.entries.select_related("org").prefetch_related("problems").order_by("org__path", "id"))
    for number, e in enumerate(entries, start=1):
        t = e.tallies
        append_row(sheet, [number, e.org.name, e.secretary_name or "书记空缺", t["good"], t["fairly_good"],
                           t["average"], t["poor"], sum(e.voted.values()), e.get_result_display() if e.result else "",
                           e.result_reason, "；".join(p.text for p in e.problems.all())])
    book.save(target)
    return len(entries)


def write_results(target, qs, *, title: str = "") -> int:
    """民主评议党员结果登记表 of ``qs`` (already scoped), one row per member, by branch."""
    book = write_only_workbook()
    sheet = _sheet(book, "民主评议党员结果", RESULT_HEADERS, [6, 30, 12, 10, 8, 10, 8, 10, 22, 12, 12])
    rows = qs.order_by("appraisal__org__path", "id").values_list(
        "appraisal__org__name", "name", "excellent_votes", "qualified_votes", "basic_votes", "unqualified_votes",
        "grade", "exclusion", "disposal__kind", "disposal__due_on")
    count = 0
    for count, (org, name, ex, qu, ba, un, grade, exclusion, kind, due) in enumerate(rows.iterator(), start=1):
        append_row(sheet, [count, org, name, ex, qu, ba, un, GRADES.get(grade, "") if not exclusion else "不参加评议",
                           EXCLUSIONS.get(exclusion, ""), DISPOSALS.get(kind, ""), due])
    book.save(target)
    return count


def write_ledger(target, qs) -> int:
    """积分台账: every entry of ``qs`` (already scoped) by branch, member and date, with the points each
    approved entry counts for after the caps and vetoes, and why."""
    book = write_only_workbook()
    sheet = _sheet(book, "积分台账", LEDGER_HEADERS, [6, 30, 12, 12, 20, 36, 8, 8, 36, 12, 10])
    rows = list(qs.order_by("org__path", "member_id", "on", "id").values_list(
        "id", "org__name", "member_id", "member__name", "on", "rule_id", "rule__name", "reason", "points", "origin",
        "state"))
    facts = {r.pk: rules.RuleFacts(r.pk, r.name, r.cap_month, r.cap_year, r.veto)
             for r in PointsRule.objects.filter(pk__in={row[5] for row in rows} - {None})}
    approved: dict[tuple[int, int], list] = defaultdict(list)
    for pk, _, member_id, _, on, rule_id, _, _, points, _, state in rows:
        if state == EntryState.APPROVED:
            approved[(member_id, on.year)].append(rules.EntryFacts(pk, rule_id, on, points))
    counted = {line.entry_id: line for entries in approved.values()
               for line in rules.ledger(entries, facts).lines}
    for number, (pk, org, _, name, on, _, rule_name, reason, points, origin, state) in enumerate(rows, start=1):
        line = counted.get(pk)
        append_row(sheet, [number, org, name, on, rule_name or "平台计算", reason, points, line.counted if line else 0,
                           line.note if line else "", ORIGINS.get(origin, origin), STATES.get(state, state)])
    book.save(target)
    return len(rows)
