"""Import of cases already in progress from .xlsx: one row per person with the dates of the steps
taken so far (steps 1–16, before admission; a person already admitted is entered in the member
records). Every row is checked before anything is written; a person already registered (matched
by ID number) gets the missing steps added and changed dates corrected, so a second import of the
same file changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core import crypto
from dangjian.core.excel import (
    CellError,
    ErrorReport,
    ImportResult,
    header_cells,
    is_blank,
    parse_date,
    parse_text,
    write_only_workbook,
)
from dangjian.core.history import audited_transaction, record_change, record_import
from dangjian.core.idnumbers import id_number_error, normalise
from dangjian.core.importing import ImportRefused, import_scope, open_import
from dangjian.members.models import Member
from dangjian.members.rules import name_error
from dangjian.orgs.models import Organization

from . import actions, checking
from .choices import STEP_NAMES
from .models import CaseStep, RecruitmentCase

SHEET_TITLE = "发展党员"
IMPORTABLE_STEPS = range(1, 17)
STEP_HEADERS = {n: f"{n}.{STEP_NAMES[n]}" for n in IMPORTABLE_STEPS}
NAME, ID, ORG, UNIT = "姓名", "公民身份号码", "所在党支部代码", "工作单位"
HEADERS = [NAME, ID, ORG, UNIT, *STEP_HEADERS.values()]
REQUIRED = [NAME, ID, ORG, STEP_HEADERS[1]]

IMPORT_PAGE = {
    "title": "导入发展党员对象", "done_url": "recruitment:pipeline", "done_label": "查看发展党员进度",
    "matching": "已登记的发展党员对象按公民身份号码匹配，补登未登记的步骤、更正日期",
    "template_url": "recruitment:import_template", "template_label": "发展党员导入模板",
    "other_url": "members:import", "other_label": "导入党员",
    "required_note": f"必填列：{'、'.join(REQUIRED)}。各步骤列填写完成日期（如 2025-03-01），未进行的留空；"
                     "已接收为预备党员的（第17步以后）请在党员管理中登记。",
}


def template_workbook():
    book = write_only_workbook()
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(header_cells(sheet, HEADERS, required=REQUIRED))
    return book


def _cell(row: list, positions: dict, header: str):
    index = positions.get(header)
    return row[index] if index is not None and index < len(row) else None


def _text(number: int, header: str, value, limit: int, report: ErrorReport) -> str:
    try:
        return parse_text(value if value is not None else "", limit)
    except CellError as exc:
        report.add(number, header, str(exc))
        return ""


def _parse_row(number: int, row: list, positions: dict, report: ErrorReport, orgs: dict, in_scope, today):
    name = _text(number, NAME, _cell(row, positions, NAME), 50, report)
    if name_error(name):
        report.add(number, NAME, name_error(name))
    raw_id = _cell(row, positions, ID)
    id_number = normalise(str(raw_id or ""))
    if isinstance(raw_id, int | float):
        report.add(number, ID, "公民身份号码被 Excel 存成了数字，请将该列设为“文本”格式后重新填写")
    elif id_number_error(id_number, today=today):
        report.add(number, ID, id_number_error(id_number, today=today))
    code = _text(number, ORG, _cell(row, positions, ORG), 50, report)
    org = orgs.get(code)
    if org is None:
        report.add(number, ORG, f"没有组织代码为“{code}”的党组织" if code else "所在党支部代码不能为空")
    elif not in_scope(org.path):
        report.add(number, ORG, f"党组织“{org.name}”不在您的管辖范围内")
    dates: dict[int, dt.date] = {}
    for step, header in STEP_HEADERS.items():
        raw = _cell(row, positions, header)
        if is_blank(raw):
            if step == 1:
                report.add(number, header, "递交入党申请书日期不能为空")
            continue
        try:
            day = parse_date(raw)
        except CellError as exc:
            report.add(number, header, str(exc))
            continue
        if day and day > today:
            report.add(number, header, f"日期 {day:%Y-%m-%d} 晚于今天")
        elif day:
            dates[step] = day
    for step in sorted(dates):
        earlier = [s for s in dates if s < step and dates[s] > dates[step]]
        if earlier:
            report.add(number, STEP_HEADERS[step], f"日期早于第{earlier[0]}步（{dates[earlier[0]]:%Y-%m-%d}）")
    unit = _text(number, UNIT, _cell(row, positions, UNIT), 200, report)
    return {"row": number, "name": name, "id_number": id_number, "org": org, "work_unit": unit, "dates": dates}


def import_cases(*, acting_user, source, today: dt.date | None = None) -> ImportResult:
    today = today or timezone.localdate()
    in_scope = import_scope(acting_user)
    try:
        sheet, positions = open_import(source, sheet_title=SHEET_TITLE, headers=HEADERS, required=REQUIRED)
    except ImportRefused as refused:
        return refused.result
    rows = list(sheet.rows)
    if not rows:
        return ImportResult.file_error("表中没有数据：请从表头下一行起，每行填写一名发展党员对象")
    report = ErrorReport()
    codes = {str(_cell(r, positions, ORG) or "").strip() for _, r in rows}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    parsed = [_parse_row(n, r, positions, report, orgs, in_scope, today) for n, r in rows]
    seen: dict[str, int] = {}
    for p in parsed:
        if p["id_number"] in seen:
            report.add(p["row"], ID, f"公民身份号码与第{seen[p['id_number']]}行重复")
        seen.setdefault(p["id_number"], p["row"])
        indexes = crypto.blind_indexes(p["id_number"]) if p["id_number"] else []
        if indexes and Member.objects.filter(id_number_index__in=indexes).exists():
            report.add(p["row"], ID, "该公民身份号码已登记为党员")
        p["case"] = RecruitmentCase.objects.filter(id_number_index__in=indexes).select_related("org").first()
        if p["case"] is not None and not in_scope(p["case"].org.path):
            report.add(p["row"], ID, "该公民身份号码已有发展党员记录，不在您的管辖范围内")
    if report:
        result = ImportResult.failed(report)
        record_import(actor=acting_user, what="发展党员对象", model="recruitment.recruitmentcase",
                      errors=result.error_count)
        return result
    return _write(acting_user, parsed, today)


@audited_transaction()
def _write(acting_user, parsed: list[dict], today: dt.date) -> ImportResult:
    created = updated = unchanged = 0
    for p in parsed:
        case = p["case"]
        if case is None:
            case = actions.case_create(acting_user=acting_user, org=p["org"], name=p["name"],
                                       id_number=p["id_number"], applied_on=p["dates"][1],
                                       work_unit=p["work_unit"], today=today)
            created += 1
        have = {s.step: s for s in CaseStep.objects.filter(case=case, step__in=list(IMPORTABLE_STEPS))}
        changed = {}
        for step, day in p["dates"].items():
            row = have.get(step)
            if row is None:
                CaseStep.objects.create(case=case, step=step, done_on=day)
            elif row.done_on != day:
                row.done_on = day
                row.save(update_fields=["done_on"])
            else:
                continue
            changed[str(step)] = day.isoformat()
        if changed:
            checking.check_case(case, today=today)
            record_change(actor=acting_user, action="recruitment_import", obj=case, after={"steps": changed})
            if p["case"] is not None:
                updated += 1
        elif p["case"] is not None:
            unchanged += 1
    record_import(actor=acting_user, what="发展党员对象", model="recruitment.recruitmentcase",
                  created=created, updated=updated, unchanged=unchanged)
    return ImportResult(created=created, updated=updated, unchanged=unchanged)
