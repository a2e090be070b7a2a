"""Excel import of members (党员信息批量导入), docs/architecture.md「Excel」.

Three passes, and nothing is written unless all three find no error:

1. *Read* (pure): each row's cells are parsed — required values, choice labels, dates, the ID
   number's check digit — and ID numbers repeated inside the file are reported on both rows.
2. *Check against the database* (reads only, a few queries per 5,000 rows): organisation codes
   exist and lie in the importer's scope; rows are matched to existing members by the blind index
   of the ID number; each row, merged with the member it updates, passes ``members.rules``.
3. *Write*, in one transaction, through the shared fast writer (``core.bulk``: COPY on
   PostgreSQL): new members, the changed fields of changed ones (version bumped, a concurrent edit
   is a conflict), and their history.

A column missing from the file leaves that field alone. 流动党员 and 流动地点 are not importable
(``NOT_IMPORTED``): the outflow and inflow records keep them, and a roster exported with those
columns and imported back must not fail on every row, so they are left out and the result says so.
A blank cell clears an optional field;
for a field that cannot be empty (性别, 民族, 出生日期, 党员类型, 党籍状态) it keeps the current
value, and a new member gets the default or the value read from the ID number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils import timezone

from dangjian.core import crypto
from dangjian.core.actors import SYSTEM
from dangjian.core.bulk import insert_objects, update_objects
from dangjian.core.errors import AuditedRefusal
from dangjian.core.excel import (
    BAD,
    KEEP,
    CellError,
    Column,
    ErrorReport,
    ImportResult,
    choice_parser,
    parse_cell,
    parse_date,
    parse_flag,
    parse_text,
    text_parser,
)
from dangjian.core.history import (
    audited_transaction,
    change_record,
    diff,
    record_changes,
    record_import,
    record_refusal,
)
from dangjian.core.idnumbers import birth_date_of, gender_of, id_number_error, normalise
from dangjian.core.importing import ImportRefused, import_scope, open_import
from dangjian.core.scoping import CHANGE
from dangjian.orgs.models import Organization

from ..actions import PLAIN_FIELDS, member_snapshot
from ..choices import ETHNICITIES, Category, Education, Gender, MembershipType, PartyStatus
from ..models import Member, StatusChange, Transfer
from ..rules import MAX_NAME_LENGTH, member_errors, name_error

SHEET_TITLE = "党员信息"
QUERY_CHUNK = 5000  # below SQLite's 32,766 bound parameters, and a fair round trip on PostgreSQL
WRITE_CHUNK = 5000
TRANSFER_REASON = "Excel批量导入"


def parse_id_number(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError("公民身份号码被 Excel 存成了数字，后几位可能已丢失；请将该列设为“文本”格式后重新填写")
    text = normalise(str(value))
    problem = id_number_error(text)
    if problem:
        raise CellError(problem)
    return text


def parse_phone(value) -> str:
    text = parse_text(value, 20)
    return text.replace("-", "").replace(" ", "")


def parse_org_code(value) -> str:
    return parse_text(value, 50)


EDUCATION_ALIASES = {
    "本科": "university", "大学": "university", "大专": "college", "专科": "college", "硕士": "postgraduate",
    "博士": "postgraduate", "硕士研究生": "postgraduate", "博士研究生": "postgraduate", "中技": "secondary",
    "技校": "secondary", "小学": "primary", "初中及以下": "middle_school",
}
CATEGORY_ALIASES = {"农民": "farmer", "离退休": "retired", "退休人员": "retired", "公务员": "official"}
GENDER_ALIASES = {"男性": "M", "女性": "F"}
ETHNICITY_ALIASES = {e[:-1]: e for e in ETHNICITIES if e.endswith("族")}
MEMBERSHIP_ALIASES = {"正式": "full", "预备": "probationary"}

ID_COLUMN = Column("公民身份号码", "id_number", parse_id_number, required=True,
                   note="18位，末位可为X；请保持“文本”格式，不要让 Excel 转成数字")
ORG_COLUMN = Column("所在党组织代码", "org", parse_org_code, required=True,
                    note="填写党组织的组织代码（在“组织体系”中查看），须在您的管辖范围内")
def parse_name(value) -> str:
    text = parse_text(value, MAX_NAME_LENGTH)
    problem = name_error(text)
    if problem:
        raise CellError(problem)
    return text


COLUMNS: list[Column] = [
    Column("姓名", "name", parse_name, required=True),
    Column("性别", "gender", choice_parser(Gender.choices, GENDER_ALIASES), KEEP, note="男 / 女；不填按公民身份号码"),
    Column("民族", "ethnicity", choice_parser([(e, e) for e in ETHNICITIES], ETHNICITY_ALIASES), KEEP,
           note="不填为汉族"),
    ID_COLUMN,
    Column("出生日期", "birth_date", parse_date, KEEP, note="YYYY-MM-DD；不填按公民身份号码"),
    Column("学历", "education", choice_parser(Education.choices, EDUCATION_ALIASES)),
    Column("人员类别", "category", choice_parser(Category.choices, CATEGORY_ALIASES)),
    Column("工作单位", "work_unit", text_parser(200)),
    Column("职务", "job_title", text_parser(100)),
    Column("入党日期", "joined_on", parse_date, required=True, note="YYYY-MM-DD，入党时应年满18周岁"),
    Column("转正日期", "confirmed_on", parse_date, None,
           note="正式党员入党满一年的必填（党员类型不填即为正式党员），应晚于入党日期；预备党员不填"),
    Column("党员类型", "membership_type", choice_parser(MembershipType.choices, MEMBERSHIP_ALIASES), KEEP,
           note="正式党员 / 预备党员；不填为正式党员"),
    Column("党籍状态", "status", choice_parser(PartyStatus.choices), KEEP, note="不填为正常"),
    Column("手机号码", "phone", parse_phone, note="11位手机号码"),
    Column("家庭住址", "address", text_parser(300)),
    ORG_COLUMN,
    Column("失联党员", "lost_contact", parse_flag, False, note="是 / 否"),
    Column("困难党员", "hardship", parse_flag, False, note="是 / 否"),
    Column("离退休", "retired", parse_flag, False, note="是 / 否"),
    Column("报到社区", "report_community", text_parser(200), note="离退休党员到社区报到的社区名称"),
]
HEADERS = [c.header for c in COLUMNS]
# Columns of the roster export that an import leaves out, with the reason shown on the result.
NOT_IMPORTED = ("流动党员", "流动地点")
NOT_IMPORTED_NOTE = ("文件中的“{}”列未导入：流动党员标记和流动地点由“流动党员”中的外出、流入登记维护，"
                     "请到“流动党员”页面登记外出或流入")
REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required]
# Required when another cell says so: "党员类型" left blank means 正式党员, who has a 转正日期.
CONFIRMED_ON_NOTE = ("另外，正式党员入党满一年的必须填写“转正日期”——“党员类型”不填即为正式党员，"
                     "预备党员请在“党员类型”中填写“预备党员”。")
HEADER_OF = {c.field: c.header for c in COLUMNS}
NEW_MEMBER_DEFAULTS = {
    "ethnicity": "汉族", "membership_type": MembershipType.FULL.value, "status": PartyStatus.NORMAL.value,
    "education": "", "category": "", "work_unit": "", "job_title": "", "confirmed_on": None, "address": "",
    "lost_contact": False, "lost_contact_since": None, "hardship": False,
    "retired": False, "report_community": "", "phone": "",
}


# ---------------------------------------------------------------------------------------------
# Pass 1: read and parse (pure)


@dataclass(frozen=True)
class Layout:
    """Where the file keeps each column: the value columns present, in file order."""

    columns: tuple[tuple[Column, int], ...]  # value columns (not the ID number or organisation code)
    id_position: int
    org_position: int

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c, _ in self.columns)


def layout_for(positions: dict[str, int]) -> Layout:
    values = tuple((c, positions[c.header]) for c in COLUMNS
                   if c.header in positions and c not in (ID_COLUMN, ORG_COLUMN))
    return Layout(values, positions[ID_COLUMN.header], positions[ORG_COLUMN.header])


class ParsedRow:
    """One data row, compact: 100,000 of these stay in memory until the write."""

    __slots__ = ("row", "id_number", "index", "org_code", "values")

    def __init__(self, row: int, id_number, index: str, org_code, values: tuple):
        self.row = row
        self.id_number = id_number  # normalised text, or BAD
        self.index = index  # blind index of the ID number; "" when the number is bad
        self.org_code = org_code  # text, or BAD
        self.values = values  # aligned with Layout.columns: a value, KEEP or BAD


def parse_row(row: int, cells: list, layout: Layout, report: ErrorReport, interned: dict) -> ParsedRow:
    width = len(cells)

    def cell(position: int):
        return cells[position] if position < width else None

    values = tuple(_intern(parse_cell(c, cell(p), row, report), interned) for c, p in layout.columns)
    id_number = parse_cell(ID_COLUMN, cell(layout.id_position), row, report)
    org_code = _intern(parse_cell(ORG_COLUMN, cell(layout.org_position), row, report), interned)
    index = crypto.blind_index(id_number) if id_number is not BAD else ""
    return ParsedRow(row, id_number, index, org_code, values)


def _intern(value, interned: dict):
    """The same text (a unit name, an organisation code) repeated over many rows is kept once."""
    if isinstance(value, str) and len(value) < 80:
        return interned.setdefault(value, value)
    return value


def report_duplicates(rows: Iterable[ParsedRow], report: ErrorReport) -> None:
    """An ID number on two rows: both rows are reported, each naming the other."""
    first_row: dict[str, int] = {}
    reported_first: set[int] = set()
    for parsed in rows:
        if parsed.id_number is BAD:
            continue
        first = first_row.setdefault(parsed.id_number, parsed.row)
        if first == parsed.row:
            continue
        if first not in reported_first:
            report.add(first, ID_COLUMN.header, f"公民身份号码与第{parsed.row}行重复")
            reported_first.add(first)
        report.add(parsed.row, ID_COLUMN.header, f"公民身份号码与第{first}行重复")


def read_rows(rows: Iterator[tuple[int, list]], layout: Layout, report: ErrorReport) -> list[ParsedRow]:
    interned: dict[str, str] = {}
    parsed = [parse_row(row, cells, layout, report, interned) for row, cells in rows]
    report_duplicates(parsed, report)
    return parsed


# ---------------------------------------------------------------------------------------------
# Pass 2: check against what exists (pure checks over values fetched in chunks)


@dataclass
class Update:
    row: ParsedRow
    pk: int
    version: int
    changes: dict  # field → new value; "org" → Organization, "phone" → plain text


@dataclass
class Plan:
    creates: list[ParsedRow] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    orgs: dict[str, Organization] = field(default_factory=dict)


EXISTING_FIELDS = ["pk", "version", "org_id", "org__path", "phone_index", *PLAIN_FIELDS]


def merged_values(parsed: ParsedRow, layout: Layout, existing: dict | None) -> dict:
    """The member as it will be: the existing values (or the defaults for a new member) with the
    file's values over them. A cell that failed to parse becomes None, so the cross-field rules
    skip it instead of reporting a second, misleading error."""
    if existing is not None:
        values = {f: existing[f] for f in PLAIN_FIELDS}
        values["phone"] = KEEP
    else:
        values = dict(NEW_MEMBER_DEFAULTS)
        number = parsed.id_number if parsed.id_number is not BAD else ""
        values["gender"] = gender_of(number) if number else None
        values["birth_date"] = birth_date_of(number) if number else None
    for (column, _), value in zip(layout.columns, parsed.values, strict=True):
        if value is BAD:
            values[column.field] = None
        elif value is not KEEP:
            values[column.field] = value
    return values


def rule_errors(parsed: ParsedRow, layout: Layout, values: dict, today: dt.date) -> list[tuple[str, str]]:
    """``members.rules`` over the merged values, as (column header, reason). Errors about a cell
    that already failed to parse, and ID number errors (reported while reading), are left out."""
    bad_fields = {c.field for (c, _), v in zip(layout.columns, parsed.values, strict=True) if v is BAD}
    phone = values["phone"] if isinstance(values.get("phone"), str) else ""
    found = member_errors(
        id_number=parsed.id_number if parsed.id_number is not BAD else "",
        birth_date=values["birth_date"], gender=values["gender"], joined_on=values["joined_on"],
        confirmed_on=values["confirmed_on"], membership_type=values["membership_type"] or "",
        phone=phone, today=today,
    )
    return [(HEADER_OF.get(e.field, e.field), e.message) for e in found
            if e.field != "id_number" and e.field not in bad_fields]


def changes_for(values: dict, layout: Layout, existing: dict, org: Organization) -> dict:
    """Fields whose value in the file differs from the stored one."""
    changes = {f: values[f] for f in layout.fields if f != "phone" and values[f] != existing[f]}
    phone = values.get("phone")
    if isinstance(phone, str) and crypto.blind_index(phone) != existing["phone_index"]:
        changes["phone"] = phone
    if org.pk != existing["org_id"]:
        changes["org"] = org
    return changes


def org_problem(code, orgs: dict[str, Organization], in_scope: Callable[[str], bool]) -> str | None:
    org = orgs.get(code)
    if org is None:
        return f"党组织代码“{code}”不存在，请在“组织体系”中核对组织代码"
    if not in_scope(org.path):
        return f"党组织“{org.name}（{code}）”不在您的管辖范围内，不能向其导入党员"
    return None


# Names no organisation and no member (the same words as members.actions.ID_TAKEN_ELSEWHERE); each
# such row is audited with the refused import (import_members).
OUT_OF_SCOPE_MEMBER = ("该公民身份号码不能通过导入登记或修改：请核对号码；"
                       "如该党员的组织关系在其他党组织，须办理组织关系转接")


def check_row(parsed: ParsedRow, layout: Layout, existing: dict | None, plan: Plan, report: ErrorReport, *,
              in_scope: Callable[[str], bool], today: dt.date) -> None:
    """Report this row's problems, or add it to the plan as a create, an update or unchanged."""
    org = None
    if parsed.org_code is not BAD:
        problem = org_problem(parsed.org_code, plan.orgs, in_scope)
        if problem:
            report.add(parsed.row, ORG_COLUMN.header, problem)
        else:
            org = plan.orgs[parsed.org_code]
    if existing is not None and not in_scope(existing["org__path"]):
        report.add(parsed.row, ID_COLUMN.header, OUT_OF_SCOPE_MEMBER)
        return
    values = merged_values(parsed, layout, existing)
    for header, message in rule_errors(parsed, layout, values, today):
        report.add(parsed.row, header, message)
    if report.has_row(parsed.row) or org is None:
        return
    if existing is None:
        plan.creates.append(parsed)
        return
    changes = changes_for(values, layout, existing, org)
    if changes:
        plan.updates.append(Update(parsed, existing["pk"], existing["version"], changes))
    else:
        plan.unchanged += 1


def fetch_orgs(codes: Iterable[str]) -> dict[str, Organization]:
    out: dict[str, Organization] = {}
    for chunk in _chunks(sorted(codes), QUERY_CHUNK):
        for org in Organization.objects.filter(code__in=chunk).only("id", "code", "path", "name", "short_name"):
            out[org.code] = org
    return out


def fetch_existing(id_numbers: dict[str, str]) -> dict[str, dict]:
    """Members with these ID numbers (given as current-key blind index → number), in any
    organisation: an ID number belongs to one member in the whole system, so a match outside the
    importer's scope must be reported. Rows still sealed by a decrypt-only key (a key rotation under
    way) are found too, keyed by the current index, so a re-import stays idempotent."""
    lookup = {index: index for index in id_numbers}
    for master in crypto.keyring()[1:]:
        lookup.update((crypto.blind_index(number, master), index) for index, number in id_numbers.items())
    rows = Member.objects.filter(id_number_index__in=list(lookup)).values("id_number_index", *EXISTING_FIELDS)
    return {lookup[row["id_number_index"]]: row for row in rows}


def build_plan(parsed_rows: list[ParsedRow], layout: Layout, report: ErrorReport, *,
               in_scope: Callable[[str], bool], today: dt.date) -> Plan:
    plan = Plan(orgs=fetch_orgs({p.org_code for p in parsed_rows if p.org_code is not BAD}))
    for chunk in _chunks(parsed_rows, QUERY_CHUNK):
        existing = fetch_existing({p.index: p.id_number for p in chunk if p.index})
        for parsed in chunk:
            check_row(parsed, layout, existing.get(parsed.index) if parsed.index else None, plan, report,
                      in_scope=in_scope, today=today)
    return plan


# ---------------------------------------------------------------------------------------------
# Pass 3: write


class _Abort(Exception):
    """Raised inside the transaction to roll it back; carries the errors to show."""

    def __init__(self, report: ErrorReport):
        super().__init__("import aborted")
        self.report = report


def new_member(parsed: ParsedRow, layout: Layout, org: Organization) -> Member:
    values = merged_values(parsed, layout, None)
    member = Member(org=org, **{f: values[f] for f in PLAIN_FIELDS})
    member.set_id_number(parsed.id_number)
    member.set_phone(values["phone"])
    return member


def write_creates(plan: Plan, layout: Layout, acting_user) -> None:
    for chunk in _chunks(plan.creates, WRITE_CHUNK):
        members = insert_objects([new_member(p, layout, plan.orgs[p.org_code]) for p in chunk])
        record_changes(
            change_record(actor=acting_user, action="member_create", obj=m, after=filled(member_snapshot(m)),
                          note="Excel导入")
            for m in members
        )


def filled(snapshot: dict) -> dict:
    """A new member's snapshot without its empty fields: the history says the same, and writing
    100,000 of them takes a third less time (the JSON is most of what a change record costs)."""
    return {k: v for k, v in snapshot.items() if v not in ("", None, False)}


def apply_update(member: Member, update: Update, now) -> tuple[set[str], Transfer | None]:
    """Set the changed fields on the locked member; returns the fields to save and, when the
    organisation changed, the transfer to record."""
    fields = {"version", "updated_at"}
    transfer = None
    for key, value in update.changes.items():
        if key == "phone":
            member.set_phone(value)
            fields |= {"phone_encrypted", "phone_index", "phone_masked"}
        elif key == "org":
            transfer = Transfer(member=member, from_org_id=member.org_id, to_org=value,
                                transferred_on=timezone.localdate(), reason=TRANSFER_REASON)
            member.org = value
            fields.add("org")
        else:
            setattr(member, key, value)
            fields.add(key)
    member.version += 1
    member.updated_at = now
    return fields, transfer


def save_updates(members: list[Member], fields: set[str]) -> None:
    """Save the changed fields of locked, existing members: one ``UPDATE … FROM (VALUES …)`` per
    1,000 rows on PostgreSQL (``core.bulk``), not ``bulk_update``'s CASE per row and field.
    ``created_at`` and the other columns are left as they are."""
    update_objects(members, sorted(fields))


def write_updates(plan: Plan, acting_user, in_scope: Callable[[str], bool]) -> None:
    now = timezone.now()
    for chunk in _chunks(plan.updates, WRITE_CHUNK):
        locked = Member.objects.select_for_update(of=("self",)).select_related("org").in_bulk(
            [u.pk for u in chunk]
        )
        stale = [u for u in chunk if u.pk not in locked or locked[u.pk].version != u.version
                 or not in_scope(locked[u.pk].org.path)]
        if stale:
            raise _Abort(_stale_report(stale))
        fields: set[str] = set()
        records, transfers, status_changes = [], [], []
        for update in chunk:
            member = locked[update.pk]
            before = member_snapshot(member)
            changed, transfer = apply_update(member, update, now)
            fields |= changed
            if transfer is not None:
                transfers.append(transfer)
            old, new = diff(before, member_snapshot(member))
            if "status" in new:  # the sheet carries no date: the change takes effect on the day imported
                status_changes.append(StatusChange(member=member, status_from=old["status"], status_to=new["status"],
                                                   effective_on=timezone.localdate(now)))
            records.append(change_record(actor=acting_user, action="member_update", obj=member, before=old,
                                         after=new, note="Excel导入"))
        save_updates(list(locked.values()), fields)
        insert_objects(transfers)
        insert_objects(status_changes)
        record_changes(records)


def _stale_report(stale: list[Update]) -> ErrorReport:
    report = ErrorReport()
    for update in stale:
        report.add(update.row.row, ID_COLUMN.header, "导入期间该党员信息已被他人修改，请重新导入")
    return report


def verify_org_scope(plan: Plan, acting_user) -> None:
    """Re-select the target organisations through the restricted queryset inside the transaction."""
    if acting_user is SYSTEM:
        return
    used = {p.org_code for p in plan.creates} | {u.changes["org"].code for u in plan.updates if "org" in u.changes}
    ids = [plan.orgs[code].pk for code in used]
    allowed = set(Organization.objects.restrict(acting_user, CHANGE).filter(pk__in=ids).values_list("pk", flat=True))
    if len(allowed) != len(ids):
        report = ErrorReport()
        report.add(None, ORG_COLUMN.header, "导入期间党组织的管辖范围发生了变化，请重新导入")
        raise _Abort(report)


def write_plan(plan: Plan, layout: Layout, acting_user, in_scope: Callable[[str], bool]) -> None:
    with audited_transaction():
        verify_org_scope(plan, acting_user)
        write_creates(plan, layout, acting_user)
        write_updates(plan, acting_user, in_scope)
        record_import(actor=acting_user, what="党员信息", model="members.member", created=len(plan.creates),
                      updated=len(plan.updates), unchanged=plan.unchanged)


# ---------------------------------------------------------------------------------------------
# The entry point


def import_members(*, acting_user, source, today: dt.date | None = None) -> ImportResult:
    """Import members from an .xlsx (a path or a binary file object). ``SYSTEM`` (a management
    command) is not limited by scope. Writes nothing unless every
    row passes. Every import is audited: a successful one in its own transaction (write_plan), a
    refused one here."""
    result = _import_members(acting_user=acting_user, source=source, today=today)
    if not result.ok:
        record_import(actor=acting_user, what="党员信息", model="members.member", errors=result.error_count)
        elsewhere = [e.row for e in result.errors if e.message == OUT_OF_SCOPE_MEMBER]
        if elsewhere:
            rows = "、".join(str(r) for r in elsewhere[:50])
            note = f"导入党员信息：{len(elsewhere)} 行的公民身份号码已属于管辖范围外的党员（第 {rows} 行），已拒绝"
            record_refusal(AuditedRefusal(OUT_OF_SCOPE_MEMBER, actor=acting_user, audit={
                "action": "member_id_elsewhere", "object_type": "members.member",
                "object_repr": "导入党员信息", "after": {"rows": len(elsewhere)},
                "note": note}))
    return result


def _import_members(*, acting_user, source, today: dt.date | None) -> ImportResult:
    today = today or timezone.localdate()
    in_scope = import_scope(acting_user)
    try:
        sheet, positions = open_import(source, sheet_title=SHEET_TITLE, headers=HEADERS, required=REQUIRED_HEADERS)
    except ImportRefused as refused:
        return refused.result
    report = ErrorReport()
    header = sheet.header
    layout = layout_for(positions)
    parsed_rows = read_rows(sheet.rows, layout, report)
    del sheet  # frees the workbook calamine holds in memory
    if not parsed_rows:
        return ImportResult.file_error("表中没有数据：请从表头下一行起，每行填写一名党员")
    plan = build_plan(parsed_rows, layout, report, in_scope=in_scope, today=today)
    if report:
        return ImportResult.failed(report)
    try:
        write_plan(plan, layout, acting_user, in_scope)
    except _Abort as exc:
        return ImportResult.failed(exc.report)
    except IntegrityError:
        return ImportResult.file_error("导入期间有相同公民身份号码的党员被他人登记，未写入任何数据，请重新导入")
    skipped = [h for h in NOT_IMPORTED if h in header]
    notes = [NOT_IMPORTED_NOTE.format("”“".join(skipped))] if skipped else []
    return ImportResult(created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged, notes=notes)


def _chunks(items, size: int):
    items = list(items) if not isinstance(items, list) else items
    for start in range(0, len(items), size):
        yield items[start:start + size]
