"""Excel import of the 两新 registry in the layout of a 市场监管 (or 民政) export: 企业名称, 统一社会信用代码,
住所, 法定代表人, 从业人数 — plus, optionally, 属地党组织代码, 领域 and 党员人数.

As every import here (docs/architecture.md「Excel」): every row is checked before anything is
written; rows are matched by the credit code, so importing the same file twice changes nothing;
one transaction writes the whole file or nothing, through the shared fast writer (``core.bulk``:
COPY and UPDATE … FROM (VALUES …) on PostgreSQL). Coverage is never touched by an import: the
export knows nothing of it, it is maintained in the registry and confirmed in 动态排查.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from dangjian.accounts.queries import scope_root
from dangjian.core.bulk import insert_objects, update_objects
from dangjian.core.excel import (
    BAD,
    KEEP,
    CellError,
    Column,
    ErrorReport,
    ImportResult,
    parse_cell,
    template_workbook,
    text_parser,
)
from dangjian.core.history import audited_transaction, change_record, record_changes, record_import
from dangjian.core.importing import ImportRefused, import_scope, open_import
from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization

from . import rules
from .actions import default_field, entity_snapshot
from .choices import Coverage, EntityKind
from .models import Entity, Field

SHEET_TITLE = "两新组织"
QUERY_CHUNK = 5000
# The name column is headed differently by different registers.
NAME_HEADERS = ["企业名称", "名称", "单位名称", "社会组织名称", "主体名称"]
ADDRESS_HEADERS = ["住所", "地址", "住所（经营场所）", "经营场所"]
LEGAL_HEADERS = ["法定代表人", "法定代表人（负责人）", "负责人"]
EMPLOYEE_HEADERS = ["从业人数", "职工人数", "员工人数"]


def parse_credit_code(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError("统一社会信用代码被 Excel 存成了数字；请将该列设为“文本”格式")
    code = rules.normalise_credit_code(str(value))
    problem = rules.credit_code_error(code)
    if problem:
        raise CellError(problem)
    if rules.kind_from_credit_code(code) is None:
        raise CellError("该代码不是企业（9 开头）或社会组织（5 开头）的统一社会信用代码")
    return code


def parse_count(value) -> int:
    text = str(value).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"“{text[:20]}”应填写人数（整数）") from None
    if number < 0 or not number.is_integer() or number > 10_000_000:
        raise CellError(f"“{text[:20]}”应填写人数（不小于 0 的整数）")
    return int(number)


CODE = Column("统一社会信用代码", "credit_code", parse_credit_code, required=True, note="18 位，请保持“文本”格式")
COLUMNS = [
    (NAME_HEADERS, Column("企业名称", "name", text_parser(200), required=True)),
    ([CODE.header], CODE),
    (ADDRESS_HEADERS, Column("住所", "address", text_parser(300), KEEP)),
    (LEGAL_HEADERS, Column("法定代表人", "legal_representative", text_parser(50), KEEP)),
    (EMPLOYEE_HEADERS, Column("从业人数", "employees", parse_count, KEEP)),
    (["属地党组织代码"], Column("属地党组织代码", "org", text_parser(50), KEEP,
                         note="不填：已登记的保持不变，新登记的归入您管辖范围的最高一级党组织")),
    (["领域"], Column("领域", "field", text_parser(50), KEEP, note="如：商务楼宇、互联网企业；不填按企业或社会组织")),
    (["党员人数"], Column("党员人数", "party_members", parse_count, KEEP)),
]
ALL_HEADERS = [h for names, _ in COLUMNS for h in names]
TEMPLATE_HEADERS = [c.header for _, c in COLUMNS]


@dataclass
class EntryRow:
    row: int
    values: dict  # field → value, KEEP or BAD; only the columns present

    @property
    def ok(self) -> bool:
        return BAD not in self.values.values()


def _present(header: list[str], positions: dict[str, int]) -> list[tuple[Column, int]]:
    out = []
    for names, column in COLUMNS:
        found = next((positions[n] for n in names if n in positions), None)
        if found is not None:
            out.append((column, found))
    return out


def parse_rows(rows, present, report: ErrorReport) -> list[EntryRow]:
    out = []
    for row_no, cells in rows:
        values = {c.field: parse_cell(c, cells[p] if p < len(cells) else None, row_no, report) for c, p in present}
        out.append(EntryRow(row_no, values))
    return out


def _report_duplicates(rows: list[EntryRow], report: ErrorReport) -> None:
    first: dict[str, EntryRow] = {}
    for row in rows:
        code = row.values.get("credit_code")
        if code is BAD:
            continue
        seen = first.setdefault(code, row)
        if seen is not row:
            report.add(seen.row, CODE.header, f"统一社会信用代码与第{row.row}行重复")
            report.add(row.row, CODE.header, f"统一社会信用代码与第{seen.row}行重复")
            row.values["credit_code"] = BAD


def _fetch(codes: list[str]) -> dict[str, Entity]:
    out = {}
    for start in range(0, len(codes), QUERY_CHUNK):
        qs = (Entity.objects.filter(credit_code__in=codes[start:start + QUERY_CHUNK])
              .select_related("org", "field", "covering_org"))
        out.update({e.credit_code: e for e in qs})
    return out


def _check(rows, existing, orgs, fields, default_org, report, in_scope) -> None:
    for row in rows:
        if not row.ok:
            continue
        current = existing.get(row.values["credit_code"])
        if current is not None and not in_scope(current.org.path):
            report.add(row.row, CODE.header, "该统一社会信用代码已由您管辖范围以外的党组织登记")
        code = row.values.get("org", KEEP)
        if code is not KEEP:
            org = orgs.get(code)
            if org is None:
                report.add(row.row, "属地党组织代码", f"党组织代码“{code}”不存在")
            elif not in_scope(org.path):
                report.add(row.row, "属地党组织代码", f"党组织“{org.name}”不在您的管辖范围内")
        elif current is None and default_org is None:
            report.add(row.row, "属地党组织代码", "新登记的两新组织须填写属地党组织代码")
        name = row.values.get("field", KEEP)
        if name is not KEEP and name not in fields:
            report.add(row.row, "领域", f"“{name}”不是已设置的领域，应为：{'、'.join(list(fields)[:12])}")
        members, employees = row.values.get("party_members", KEEP), row.values.get("employees", KEEP)
        if members is not KEEP and employees not in (KEEP, 0) and members > employees:
            report.add(row.row, "党员人数", "党员人数不能多于从业人数")


def _plan(rows, existing, orgs, fields, default_org):
    creates, updates, unchanged = [], [], 0
    defaults = {kind: default_field(kind) for kind in EntityKind.values}
    for row in rows:
        values = dict(row.values)
        code = values.pop("credit_code")
        org = orgs.get(values.pop("org", KEEP))
        field = fields.get(values.pop("field", KEEP))
        values = {k: v for k, v in values.items() if v is not KEEP}
        current = existing.get(code)
        if current is None:
            kind = rules.kind_from_credit_code(code)
            creates.append(Entity(org=org or default_org, credit_code=code, kind=kind,
                                  field=field or defaults[kind], coverage=Coverage.NONE, **values))
            continue
        before = entity_snapshot(current)
        if org is not None:
            current.org = org
        if field is not None:
            current.field = field
        for key, value in values.items():
            setattr(current, key, value)
        after = entity_snapshot(current)
        if after != before:
            updates.append((current, before, after))
        else:
            unchanged += 1
    return creates, updates, unchanged


def import_entities(*, acting_user, source, default_org: Organization | None = None) -> ImportResult:
    """Import the registry from an .xlsx (a path or a binary file object). Audited either way."""
    try:
        result = _import(acting_user, source, default_org)
    except ImportRefused as refused:
        result = refused.result
    if not result.ok:
        record_import(actor=acting_user, what="两新组织", model="twonew.entity", errors=result.error_count)
    return result


def _import(acting_user, source, default_org) -> ImportResult:
    in_scope = import_scope(acting_user)
    sheet, positions = open_import(source, sheet_title=SHEET_TITLE, headers=ALL_HEADERS, required=[CODE.header])
    present = _present(sheet.header, positions)
    report = ErrorReport()
    if not any(c.field == "name" for c, _ in present):
        report.add(sheet.header_row, "", f"缺少名称列（{'、'.join(NAME_HEADERS)}之一）")
        return ImportResult.failed(report)
    rows = parse_rows(sheet.rows, present, report)
    if not rows:
        report.add(None, "", "文件中没有数据行")
    _report_duplicates(rows, report)
    codes = sorted({r.values["credit_code"] for r in rows if r.values.get("credit_code") not in (BAD, None)})
    existing = _fetch(codes)
    org_codes = sorted({r.values["org"] for r in rows if r.values.get("org") not in (BAD, KEEP, None)})
    orgs = {o.code: o for o in Organization.objects.filter(code__in=org_codes)}
    fields = {f.name: f for f in Field.objects.filter(active=True)}
    if default_org is None and getattr(acting_user, "is_authenticated", False):
        default_org = scope_root(acting_user, action=CHANGE)
    if default_org is not None and not in_scope(default_org.path):
        default_org = None
    _check(rows, existing, orgs, fields, default_org, report, in_scope)
    if report:
        return ImportResult.failed(report)
    creates, updates, unchanged = _plan(rows, existing, orgs, fields, default_org)
    return _write(acting_user, creates, updates, unchanged)


@audited_transaction()
def _write(acting_user, creates, updates, unchanged) -> ImportResult:
    record_import(actor=acting_user, what="两新组织", model="twonew.entity", created=len(creates),
                  updated=len(updates), unchanged=unchanged)
    insert_objects(creates)
    if updates:
        entities = [e for e, _, _ in updates]
        update_objects(entities, ["org", "field", "name", "address", "legal_representative", "employees",
                                  "party_members"])
        ids, now = [e.pk for e in entities], timezone.now()
        for start in range(0, len(ids), QUERY_CHUNK):  # the version as the actions bump it, and updated_at as save()
            Entity.objects.filter(pk__in=ids[start:start + QUERY_CHUNK]).update(version=F("version") + 1,
                                                                                updated_at=now)
    records = [change_record(actor=acting_user, action="twonew_entity_create", obj=e, after=entity_snapshot(e),
                             note="Excel导入") for e in creates]
    records += [change_record(actor=acting_user, action="twonew_entity_update", obj=e, before=b, after=a,
                              note="Excel导入") for e, b, a in updates]
    record_changes(records)
    return ImportResult(created=len(creates), updated=len(updates), unchanged=unchanged)


def template_book():
    fields = list(Field.objects.filter(active=True).values_list("name", flat=True))
    return template_workbook(
        title=SHEET_TITLE, columns=TEMPLATE_HEADERS, required=["企业名称", CODE.header],
        notes={c.header: c.note for _, c in COLUMNS if c.note}, text_columns=[CODE.header, "属地党组织代码"],
        choices={"领域": fields},
        instructions=["可直接使用市场监管部门（或民政部门）导出的表格：企业名称、统一社会信用代码、住所、法定代表人、从业人数。",
                      "已登记的两新组织按统一社会信用代码匹配并更新，重复导入不会产生重复记录。",
                      "覆盖方式（单独建立、联合建立、选派党建指导员）不由导入修改，请在两新组织登记页面维护。"])
