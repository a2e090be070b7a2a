"""Excel import of the organisation tree (党组织批量导入).

Rows are upserted by 组织代码 and may come in any order: a new organisation's parent is either an
organisation already in the importer's change scope or another row of the same file, and rows are
written parents first. Cycles, unknown parents and parents out of scope are reported with their
rows before anything is written. Tree files are small (hundreds of rows), so each row goes through
``org_create`` / ``org_update`` — the same actions, checks and history as the pages — all inside
one transaction: the whole file or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook

from dangjian.core.errors import ActionDenied
from dangjian.core.excel import (
    BAD,
    KEEP,
    Column,
    ErrorReport,
    ImportResult,
    choice_parser,
    parse_cell,
    parse_date,
    template_workbook,
    text_parser,
)
from dangjian.core.history import record_import
from dangjian.core.importing import ImportRefused, import_scope, open_import

from .actions import org_create, org_update
from .choices import SUB_BRANCH_KINDS, OrgKind, UnitCategory
from .models import Organization

SHEET_TITLE = "党组织"
KIND_ALIASES = {"基层党委": "committee", "党总支部": "general_branch", "总支": "general_branch",
                "支部": "branch", "联合支部": "joint_branch", "临时支部": "temporary_branch"}
UNIT_ALIASES = {"机关": "party_government", "党政机关单位": "party_government", "国企": "state_enterprise",
                "民营企业": "private_enterprise", "非公有制企业": "private_enterprise",
                "社会团体": "social_organization"}

CODE = Column("组织代码", "code", text_parser(50), required=True, note="唯一，已存在的代码将更新该党组织")
PARENT = Column("上级组织代码", "parent", text_parser(50), KEEP,
                note="上级党组织的组织代码：须在您的管辖范围内，或在本表中；新建党组织必填")
COLUMNS: list[Column] = [
    CODE,
    Column("组织名称", "name", text_parser(200), required=True),
    Column("简称", "short_name", text_parser(100)),
    Column("组织类型", "kind", choice_parser(OrgKind.choices, KIND_ALIASES), required=True,
           note="党委、党总支、党支部、党小组等"),
    PARENT,
    Column("成立日期", "founded_on", parse_date, None, note="YYYY-MM-DD"),
    Column("所在单位", "unit_name", text_parser(200)),
    Column("单位类别", "unit_category", choice_parser(UnitCategory.choices, UNIT_ALIASES), KEEP, note="不填为其他"),
]
HEADERS = [c.header for c in COLUMNS]
REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required] + [PARENT.header]
VALUE_FIELDS = ["name", "short_name", "kind", "founded_on", "unit_name", "unit_category"]
MOVE_HINT = "调整隶属关系请使用“组织调整”功能"


@dataclass
class OrgRow:
    row: int
    code: object  # text or BAD
    parent: object  # text, KEEP (blank) or BAD
    values: dict  # field → value, KEEP or BAD; only the columns present in the file

    @property
    def ok(self) -> bool:
        return self.code is not BAD and self.parent is not BAD and BAD not in self.values.values()


# ---------------------------------------------------------------------------------------------
# Reading (pure)


def parse_rows(rows: Iterable[tuple[int, list]], positions: dict[str, int], report: ErrorReport) -> list[OrgRow]:
    present = [(c, positions[c.header]) for c in COLUMNS if c.header in positions]
    out = []
    for row_no, cells in rows:
        parsed = {c.field: parse_cell(c, cells[p] if p < len(cells) else None, row_no, report) for c, p in present}
        code, parent = parsed.pop("code"), parsed.pop("parent")
        out.append(OrgRow(row_no, code, parent, parsed))
    return out


def report_duplicate_codes(rows: list[OrgRow], report: ErrorReport) -> dict[str, OrgRow]:
    """The rows by code; a code on two rows is reported on both."""
    by_code: dict[str, OrgRow] = {}
    for row in rows:
        if row.code is BAD:
            continue
        first = by_code.setdefault(row.code, row)
        if first is not row:
            report.add(first.row, CODE.header, f"组织代码与第{row.row}行重复")
            report.add(row.row, CODE.header, f"组织代码与第{first.row}行重复")
    return by_code


# ---------------------------------------------------------------------------------------------
# Checking (pure, over the rows and the organisations they name)


def check_rows(rows: list[OrgRow], by_code: dict[str, OrgRow], existing: dict[str, Organization],
               report: ErrorReport, in_scope: Callable[[str], bool]) -> None:
    for row in rows:
        if row.code is BAD or row.parent is BAD:
            continue
        current = existing.get(row.code)
        if current is not None:
            _check_existing(row, current, report, in_scope)
        else:
            _check_new(row, by_code, existing, report, in_scope)
        _check_kind_under_parent(row, by_code, existing, report)


def _check_existing(row: OrgRow, current: Organization, report: ErrorReport, in_scope) -> None:
    if not in_scope(current.path):
        report.add(row.row, CODE.header, f"组织代码“{row.code}”已被您管辖范围以外的党组织使用")
        return
    current_parent = current.parent.code if current.parent_id else None
    if row.parent is not KEEP and row.parent != current_parent:
        report.add(row.row, PARENT.header,
                   f"与现有上级组织（{current_parent or '无'}）不一致；{MOVE_HINT}")


def _check_new(row: OrgRow, by_code: dict[str, OrgRow], existing: dict[str, Organization], report, in_scope):
    if row.parent is KEEP:
        report.add(row.row, PARENT.header, "新建党组织须填写上级组织代码")
    elif row.parent == row.code:
        report.add(row.row, PARENT.header, "上级组织代码不能是本组织的代码")
    elif row.parent in existing:
        parent = existing[row.parent]
        if not in_scope(parent.path):
            report.add(row.row, PARENT.header, f"上级党组织“{parent.name}（{row.parent}）”不在您的管辖范围内")
    elif row.parent not in by_code:
        report.add(row.row, PARENT.header, f"上级组织代码“{row.parent}”不存在，本表中也没有该组织")


def _check_kind_under_parent(row: OrgRow, by_code, existing, report) -> None:
    kind = row.values.get("kind")
    parent_code = row.parent if row.parent is not KEEP else None
    if kind in (None, BAD, KEEP) or parent_code is None:
        return
    if parent_code in by_code:
        parent_kind = by_code[parent_code].values.get("kind")
    else:
        parent_kind = existing[parent_code].kind if parent_code in existing else None
    if parent_kind in SUB_BRANCH_KINDS and kind not in SUB_BRANCH_KINDS:
        report.add(row.row, "组织类型", "党小组、党员中心户下不能设立党组织")


def write_order(rows: list[OrgRow], by_code: dict[str, OrgRow], existing: dict[str, Organization],
                report: ErrorReport) -> list[OrgRow]:
    """Parents before children: walk up each row's chain of parents inside the file, then place
    the chain top-down. A chain that comes back to itself is a cycle, reported on each of its rows."""
    order: list[OrgRow] = []
    done: set[str] = set()
    for start in rows:
        chain: list[OrgRow] = []
        row = start
        while row is not None and row.code not in done:
            if any(r is row for r in chain):
                _report_cycle(chain[next(i for i, r in enumerate(chain) if r is row):], report)
                done.update(r.code for r in chain)
                break
            chain.append(row)
            row = by_code.get(row.parent) if row.code not in existing else None
        else:
            for placed in reversed(chain):
                done.add(placed.code)
                order.append(placed)
    return order


def _report_cycle(loop: list[OrgRow], report: ErrorReport) -> None:
    names = " → ".join(str(r.code) for r in [*loop, loop[0]])
    for row in loop:
        report.add(row.row, PARENT.header, f"上级关系形成循环：{names}")


# ---------------------------------------------------------------------------------------------
# Writing


class _Abort(Exception):
    def __init__(self, report: ErrorReport):
        super().__init__("import aborted")
        self.report = report


def _changes(row: OrgRow, current: Organization) -> dict:
    return {f: v for f, v in row.values.items() if v is not KEEP and getattr(current, f) != v}


def _create_fields(row: OrgRow) -> dict:
    return {f: v for f, v in row.values.items() if v is not KEEP}


def write_rows(order: list[OrgRow], existing: dict[str, Organization], acting_user) -> ImportResult:
    """Create or update each row, parents first, inside the caller's transaction. Every row is
    attempted so the report names them all; any failure rolls the whole file back."""
    result, report = ImportResult(), ErrorReport()
    known = dict(existing)
    for row in order:
        try:
            _write_row(row, known, acting_user, result)
        except (ValidationError, ActionDenied) as exc:
            report.add(row.row, "", _message(exc))
    if report:
        raise _Abort(report)
    return result


def _write_row(row: OrgRow, known: dict[str, Organization], acting_user, result: ImportResult) -> None:
    current = known.get(row.code)
    if current is None:
        parent = known.get(row.parent)
        if parent is None:
            raise ValidationError("上级党组织未能导入，本行无法导入")
        known[row.code] = org_create(acting_user=acting_user, parent=parent, code=row.code, **_create_fields(row))
        result.created += 1
        return
    changes = _changes(row, current)
    if not changes:
        result.unchanged += 1
        return
    known[row.code] = org_update(acting_user=acting_user, org=current, **changes)
    result.updated += 1


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


# ---------------------------------------------------------------------------------------------
# The entry point


def fetch_orgs(codes: set[str]) -> dict[str, Organization]:
    qs = Organization.objects.filter(code__in=sorted(codes)).select_related("parent")
    return {org.code: org for org in qs}


def import_orgs(*, acting_user, source) -> ImportResult:
    """Import the organisation tree from an .xlsx (a path or a binary file object). Every import is
    audited: a successful one in its own transaction, a refused one here."""
    result = _import_orgs(acting_user=acting_user, source=source)
    if not result.ok:
        record_import(actor=acting_user, what="党组织", model="orgs.organization", errors=result.error_count)
    return result


def _import_orgs(*, acting_user, source) -> ImportResult:
    in_scope = import_scope(acting_user)
    try:
        sheet, positions = open_import(source, sheet_title=SHEET_TITLE, headers=HEADERS, required=REQUIRED_HEADERS)
    except ImportRefused as refused:
        return refused.result
    report = ErrorReport()
    rows = parse_rows(sheet.rows, positions, report)
    if not rows:
        return ImportResult.file_error("表中没有数据：请从表头下一行起，每行填写一个党组织")
    by_code = report_duplicate_codes(rows, report)
    codes = {r.code for r in rows if r.code is not BAD} | {r.parent for r in rows if isinstance(r.parent, str)}
    existing = fetch_orgs(codes)
    check_rows(rows, by_code, existing, report, in_scope)
    order = write_order([r for r in rows if r.ok], by_code, existing, report)
    if report:
        return ImportResult.failed(report)
    try:
        with transaction.atomic():
            result = write_rows(order, existing, acting_user)
            record_import(actor=acting_user, what="党组织", model="orgs.organization", created=result.created,
                          updated=result.updated, unchanged=result.unchanged)
            return result
    except _Abort as exc:
        return ImportResult.failed(exc.report)


# ---------------------------------------------------------------------------------------------
# The template


TEMPLATE_INSTRUCTIONS = [
    "党组织导入填写说明",
    "1. 第一行为表头，请勿修改列名；列的顺序可以调整，多余的列不会导入。从第二行起每行填写一个党组织。",
    "2. 红色表头为必填列：组织代码、组织名称、组织类型、上级组织代码（更新已有党组织时上级组织代码可不填）。",
    "3. 组织代码在全系统唯一：表中的代码已存在时更新该党组织，不存在时新建。",
    "4. 上级组织代码须是您管辖范围内已有的党组织，或本表中另一行的党组织；各行顺序不限，系统按上下级自动排序。",
    f"5. 本功能不改变已有党组织的上级组织；{MOVE_HINT}。",
    "6. 成立日期填写为 YYYY-MM-DD（例如 1960-03-01），也可使用 Excel 日期格式。",
    "7. 导入前检查全部数据，发现任何错误都不写入，请按错误清单修改后重新导入。同一文件重复导入不会产生重复数据。",
]


def org_template_workbook() -> Workbook:
    return template_workbook(
        title=SHEET_TITLE, columns=HEADERS, required=REQUIRED_HEADERS,
        notes={c.header: c.note for c in COLUMNS if c.note}, text_columns=["组织代码", "上级组织代码"],
        choices={"组织类型": OrgKind.labels, "单位类别": UnitCategory.labels},
        instructions=TEMPLATE_INSTRUCTIONS, widths={"组织名称": 30, "所在单位": 26, "组织代码": 16, "上级组织代码": 16},
        blank_rows=500,
    )
