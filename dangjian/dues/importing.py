"""Import of a payroll sheet of 党费 bases (.xlsx): one row per member and starting month.

Members are found by 公民身份号码 (through the blind index) and the name must agree. Every row is
checked first (row, column, reason in Chinese); only a file without errors is written, in one
transaction, through the shared fast writer (``core.bulk``: COPY and UPDATE … FROM (VALUES …) on
PostgreSQL), audit records included. Importing the same file again changes nothing: a row
whose member and month already have the same category and base is counted as unchanged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from openpyxl import Workbook

from dangjian.core import crypto
from dangjian.core.bulk import insert_objects, update_objects
from dangjian.core.excel import (
    BAD,
    CellError,
    Column,
    ErrorReport,
    ImportResult,
    choice_parser,
    parse_cell,
    parse_date,
    template_workbook,
    text_parser,
)
from dangjian.core.history import audited_transaction, change_record, record_changes, record_import
from dangjian.core.importing import ImportRefused, import_scope, open_import
from dangjian.members.choices import PartyStatus
from dangjian.members.io.importing import parse_id_number
from dangjian.members.models import Member

from . import rules
from .actions import base_snapshot
from .choices import DuesCategory
from .models import DuesBase

SHEET_TITLE = "党费基数"
CHUNK = 5000
CATEGORY_ALIASES = {"在职": "salaried", "工资": "salaried", "年薪制": "salaried", "个体": "self_employed",
                    "离退休": "retired", "退休": "retired", "离休": "retired", "农民": "farmer", "学生": "student",
                    "下岗失业": "unemployed", "失业": "unemployed", "低保": "relief", "救济": "relief"}


def parse_money(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CellError("应填写金额（元），例如 4520.00") from None
    if not amount.is_finite() or amount < 0:
        raise CellError("金额不能为负数")
    if amount != amount.quantize(rules.FEN):
        raise CellError("金额最多两位小数（到分）")
    return amount.quantize(rules.FEN)


def parse_month_cell(value) -> dt.date:
    if isinstance(value, dt.date | dt.datetime):
        return rules.month_start(value if isinstance(value, dt.date) else value.date())
    month = rules.parse_month(str(value))
    if month is None:
        day = parse_date(value)
        if day is None:
            raise CellError("起始月份应填写为 YYYY-MM，例如 2026-03")
        month = rules.month_start(day)
    return month


ID = Column("公民身份号码", "id_number", parse_id_number, required=True)
NAME = Column("姓名", "name", text_parser(50), required=True, note="须与系统中该党员的姓名一致")
CATEGORY = Column("党费类别", "category", choice_parser(DuesCategory.choices, CATEGORY_ALIASES), required=True,
                  note="在职、个体经营、离退休、农民、学生、下岗失业、领取救济或低保")
BASE = Column("基数（元）", "base", parse_money, None,
              note="在职为税后固定工资，离退休为离退休费，个体经营为上季度月平均纯收入，"
                   "农民为每月交纳金额（0.2–1 元）；学生、下岗失业、低保可不填")
MONTH = Column("起始月份", "effective_from", parse_month_cell, required=True, note="新基数开始执行的月份，YYYY-MM")
NOTE = Column("说明", "note", text_parser(200))
COLUMNS = [ID, NAME, CATEGORY, BASE, MONTH, NOTE]
HEADERS = [c.header for c in COLUMNS]
REQUIRED = [c.header for c in COLUMNS if c.required]


@dataclass
class BaseRow:
    row: int
    values: dict

    @property
    def ok(self) -> bool:
        return BAD not in self.values.values()


def read_rows(sheet, positions: dict[str, int], report: ErrorReport) -> list[BaseRow]:
    present = [(c, positions[c.header]) for c in COLUMNS if c.header in positions]
    out = []
    for row_no, cells in sheet.rows:
        values = {c.field: parse_cell(c, cells[p] if p < len(cells) else None, row_no, report) for c, p in present}
        values.setdefault("base", None)
        values.setdefault("note", "")
        out.append(BaseRow(row_no, values))
    return out


def fetch_members(id_numbers: set[str]) -> dict[str, dict]:
    """Members by ID number (any key of the ring), in any organisation."""
    lookup = {}
    for number in id_numbers:
        for index in crypto.blind_indexes(number):
            lookup[index] = number
    found: dict[str, dict] = {}
    indexes = list(lookup)
    for start in range(0, len(indexes), CHUNK):
        rows = Member.objects.filter(id_number_index__in=indexes[start:start + CHUNK]).values(
            "id", "name", "status", "org__path", "id_number_index")
        for row in rows:
            found[lookup[row["id_number_index"]]] = row
    return found


def fetch_bases(member_ids: list[int], months: set[dt.date]) -> dict[tuple[int, dt.date], DuesBase]:
    """The bases the rows may update: of these members, starting in one of the file's months (a
    payroll sheet has one or two; the members' other bases are never read)."""
    out = {}
    # first only the ids (no objects, one query without 100,000 parameters): usually none or a few
    starting = set(DuesBase.objects.filter(effective_from__in=sorted(months)).values_list("member_id", flat=True))
    member_ids = [pk for pk in member_ids if pk in starting]
    for start in range(0, len(member_ids), CHUNK):
        chunk = member_ids[start:start + CHUNK]
        for base in DuesBase.objects.filter(member_id__in=chunk, effective_from__in=sorted(months)).select_related(
                "member").only(*(f.name for f in DuesBase._meta.concrete_fields), "member__name"):
            out[(base.member_id, base.effective_from)] = base
    return out


def check_rows(rows: list[BaseRow], members: dict[str, dict], report: ErrorReport, in_scope) -> None:
    seen: dict[tuple[str, dt.date], int] = {}
    for row in rows:
        v = row.values
        if v["id_number"] is BAD:
            continue
        if v["effective_from"] is not BAD:
            key = (v["id_number"], v["effective_from"])
            if key in seen:
                report.add(row.row, ID.header, f"与第{seen[key]}行是同一党员的同一起始月份")
                report.add(seen[key], ID.header, f"与第{row.row}行是同一党员的同一起始月份")
            seen.setdefault(key, row.row)
        member = members.get(v["id_number"])
        if member is None:
            report.add(row.row, ID.header, "系统中没有该公民身份号码的党员")
            continue
        if not in_scope(member["org__path"]):
            report.add(row.row, ID.header, "该党员不在您的管辖范围内")
            continue
        if v["name"] is not BAD and v["name"] != member["name"]:
            report.add(row.row, NAME.header, f"姓名与系统中该公民身份号码的党员（{member['name']}）不一致")
        if member["status"] != PartyStatus.NORMAL:
            report.add(row.row, ID.header, "该党员的党籍状态不是正常，无须核定党费")
        if v["category"] is not BAD and v["base"] is not BAD and v["effective_from"] is not BAD:
            for problem in rules.base_errors(v["category"], v["base"], rules.rule_set_for(v["effective_from"])):
                report.add(row.row, BASE.header if "类别" not in problem else CATEGORY.header, problem)


def import_bases(*, acting_user, source) -> ImportResult:
    result = _import_bases(acting_user=acting_user, source=source)
    if not result.ok:
        record_import(actor=acting_user, what="党费基数", model="dues.duesbase", errors=result.error_count)
    return result


def _import_bases(*, acting_user, source) -> ImportResult:
    in_scope = import_scope(acting_user)
    try:
        sheet, positions = open_import(source, sheet_title=SHEET_TITLE, headers=HEADERS, required=REQUIRED)
    except ImportRefused as refused:
        return refused.result
    report = ErrorReport()
    rows = read_rows(sheet, positions, report)
    del sheet
    if not rows:
        return ImportResult.file_error("表中没有数据：请从表头下一行起，每行填写一名党员的基数")
    members = fetch_members({r.values["id_number"] for r in rows if r.values["id_number"] is not BAD})
    check_rows(rows, members, report, in_scope)
    if report:
        return ImportResult.failed(report)
    existing = fetch_bases(sorted({m["id"] for m in members.values()}), {r.values["effective_from"] for r in rows})
    creates, updates, unchanged = [], [], 0
    now = timezone.now()
    for row in rows:
        v = row.values
        found = members[v["id_number"]]
        member = Member(id=found["id"], name=found["name"])  # what the audit record names, without a query
        assessment = rules.monthly_amount(v["category"], v["base"], rules.rule_set_for(v["effective_from"]))
        fields = {"category": v["category"], "base": v["base"], "monthly_amount": assessment.amount,
                  "rule_version": assessment.version, "note": v["note"] or ""}
        current = existing.get((member.pk, v["effective_from"]))
        if current is None:
            creates.append(DuesBase(member=member, effective_from=v["effective_from"], **fields))
            continue
        before = base_snapshot(current)
        for key, value in fields.items():
            setattr(current, key, value)
        after = base_snapshot(current)
        if before == after:
            unchanged += 1
            continue
        current.version += 1
        current.updated_at = now
        updates.append((current, before, after))
    with audited_transaction():
        for start in range(0, len(creates), CHUNK):
            chunk = insert_objects(creates[start:start + CHUNK])
            record_changes(change_record(actor=acting_user, action="dues_base_set", obj=b, after=base_snapshot(b),
                                         note="Excel导入") for b in chunk)
        for start in range(0, len(updates), CHUNK):
            chunk = updates[start:start + CHUNK]
            update_objects([u[0] for u in chunk], ["category", "base", "monthly_amount", "rule_version", "note",
                                                   "version", "updated_at"])
            record_changes(change_record(actor=acting_user, action="dues_base_set", obj=b,
                                         before={k: v for k, v in old.items() if new[k] != v},
                                         after={k: v for k, v in new.items() if old[k] != v}, note="Excel导入")
                           for b, old, new in chunk)
        record_import(actor=acting_user, what="党费基数", model="dues.duesbase", created=len(creates),
                      updated=len(updates), unchanged=unchanged)
    return ImportResult(created=len(creates), updated=len(updates), unchanged=unchanged)


INSTRUCTIONS = [
    "党费基数导入填写说明",
    "1. 第一行为表头，请勿修改列名；从第二行起每行填写一名党员的一个基数。",
    "2. 按公民身份号码匹配党员，姓名须与系统中一致；只能导入您管辖范围内的党员。",
    "3. 起始月份为新工资发放的当月（YYYY-MM）；同一党员同一起始月份再次导入时更新，内容相同时不变。",
    "4. 每月应交金额由系统按 2008 年党费规定计算，四舍五入到分。",
    "5. 导入前检查全部数据，有任何错误都不写入，请按错误清单修改后重新导入。",
]


def base_template_workbook() -> Workbook:
    return template_workbook(
        title=SHEET_TITLE, columns=HEADERS, required=REQUIRED, notes={c.header: c.note for c in COLUMNS if c.note},
        text_columns=[ID.header, MONTH.header], choices={CATEGORY.header: DuesCategory.labels},
        instructions=INSTRUCTIONS, widths={ID.header: 22, BASE.header: 14, NOTE.header: 30}, blank_rows=200,
    )
