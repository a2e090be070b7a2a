"""Files out: one meeting as a Word 会议记录, a branch's yearly 台账 and the compliance report as
Excel (every text cell through ``safe_cell``: no formula injection), and the report as plain data
for JSON and the console table."""

from __future__ import annotations

import io
import json

from django.utils import timezone
from docx import Document
from docx.shared import Pt

from dangjian.core.excel import append_row, header_cells, write_only_workbook
from dangjian.core.tree import PATH_STEP
from dangjian.orgs.models import Organization

from . import queries, rules
from .choices import AttendanceStatus, Outcome
from .models import Meeting
from .report import FlagCounts, Report, _custom_names, compliance_report, flag_counts

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.held_at), timezone.localtime(meeting.ends_at)
    return f"{start:%Y年%m月%d日 %H:%M}—{end:%H:%M}"


def meeting_docx(meeting: Meeting) -> bytes:
    """The usual 会议记录 layout: 时间、地点、主持人、记录人、应到、实到、缺席人员及原因、议题、内容、决议."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    doc.add_heading(f"{meeting.org.name}会议记录", level=1)
    custom = _custom_names(meeting.org)
    types = "、".join(rules.type_label(t, custom) for t in meeting.type_links.values_list("type", flat=True))
    absent = [a for a in meeting.attendances.all() if a.status != AttendanceStatus.PRESENT]
    absent_text = "；".join(f"{a.name}（{a.get_status_display()}{'：' + a.reason if a.reason else ''}）"
                            for a in absent) or "无"
    rows = [
        ("会议名称", meeting.title), ("会议类型", types), ("时间", _when(meeting)), ("地点", meeting.place),
        ("主持人", meeting.host), ("记录人", meeting.recorder), ("应到", f"{meeting.expected_count} 人"),
        ("实到", f"{meeting.present_count} 人"), ("缺席人员及原因", absent_text),
    ]
    if meeting.lecturer or meeting.lecture_title:
        rows.append(("党课", f"{meeting.lecturer}：{meeting.lecture_title}"))
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value or ""
    for label, text in (("议题", meeting.topics), ("内容", meeting.minutes), ("决议", meeting.decisions)):
        doc.add_heading(label, level=2)
        for line in (text or "（无）").splitlines() or ["（无）"]:
            doc.add_paragraph(line)
    if meeting.amendment_count:
        doc.add_paragraph(f"本记录有 {meeting.amendment_count} 次更正，详见系统中的更正记录。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _workbook_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LEDGER_COLUMNS = ["召开时间", "会议名称", "会议类型", "地点", "主持人", "记录人", "应到", "实到", "请假", "缺席",
                  "议题", "决议", "录入时间", "更正次数"]


def ledger_xlsx(org: Organization, year: int) -> bytes:
    """组织生活台账: the organisation's meetings of the year, then each rule's result."""
    report = compliance_report(org, year)
    start, end = queries.year_bounds(year)
    book = write_only_workbook()
    sheet = book.create_sheet("会议记录")
    sheet.append(header_cells(sheet, LEDGER_COLUMNS))
    meetings = (Meeting.objects.filter(org=org, held_at__gte=start, held_at__lt=end)
                .prefetch_related("type_links").order_by("held_at"))
    for m in meetings:
        types = "、".join(report.label(t.type) for t in m.type_links.all())
        append_row(sheet, [f"{timezone.localtime(m.held_at):%Y-%m-%d %H:%M}", m.title, types, m.place, m.host,
                           m.recorder, m.expected_count, m.present_count, m.leave_count, m.absent_count, m.topics,
                           m.decisions, f"{timezone.localtime(m.entered_at):%Y-%m-%d %H:%M}", m.amendment_count])
    results = book.create_sheet("落实情况")
    results.append(header_cells(results, ["会议类型", "周期", "结果", "说明"]))
    for r in report.results.get(org.id, []):
        append_row(results, [report.label(r.meeting_type), r.slot.label, Outcome(r.outcome).label, r.reason])
    return _workbook_bytes(book)


def report_xlsx(report: Report, *, on_progress=None) -> bytes:
    """The report as a workbook; ``on_progress(organisations written)`` is called as the detail
    sheet (the long part) fills."""
    book = write_only_workbook()
    summary = book.create_sheet("汇总")
    summary.append(header_cells(summary, ["党组织", "组织代码路径", "层级", "应完成", "已完成", "未开展", "人数不足",
                                          "未到期", "落实率", "静默"]))
    base = len(report.root.path)
    for org in sorted(report.orgs.values(), key=lambda o: o.path):
        tally = report.tallies.get(org.path)
        if tally is None:
            continue
        silence = report.silences.get(org.id)
        append_row(summary, [org.name, org.path, (len(org.path) - base) // PATH_STEP + 1, tally.owed, tally.met,
                             tally.missing, tally.quorum, tally.not_due, tally.percent,
                             silence.reason if silence and silence.silent else ""])
    detail = book.create_sheet("明细")
    detail.append(header_cells(detail, ["党组织", "会议类型", "周期", "截止日期", "结果", "说明"]))
    evaluated = [o.id for o in report.evaluated()]
    for done, (org_id, results) in enumerate(report.results.each(evaluated), start=1):  # not kept: see each()
        org = report.orgs[org_id]
        for r in results:
            append_row(detail, [org.name, report.label(r.meeting_type), r.slot.label, r.slot.end,
                                Outcome(r.outcome).label, r.reason])
        if on_progress is not None and done % 200 == 0:
            on_progress(done)
    return _workbook_bytes(book)


def _org_entry(report: Report, org, flags: dict, results: list | None) -> dict:
    tally = report.tallies[org.path]
    counted = flags.get(org.path, FlagCounts())
    entry = {"id": org.id, "name": org.name, "kind": org.kind, "path": org.path,
             "owed": tally.owed, "met": tally.met, "missing": tally.missing, "quorum_not_met": tally.quorum,
             "not_yet_due": tally.not_due, "rate": None if tally.rate is None else round(tally.rate, 4),
             "integrity": {"open": counted.open, "confirmed": counted.confirmed, "explained": counted.explained}}
    silence = report.silences.get(org.id)
    if silence is not None:
        entry["silent"] = silence.silent
        entry["silence_reason"] = silence.reason
    if results is not None:
        entry["results"] = [{"type": r.meeting_type, "type_label": report.label(r.meeting_type),
                             "period": r.slot.label, "deadline": r.slot.end.isoformat(), "outcome": r.outcome,
                             "reason": r.reason, "meetings": list(r.meeting_ids)} for r in results]
    return entry


def _reported_orgs(report: Report) -> list:
    return [o for o in sorted(report.orgs.values(), key=lambda o: o.path) if o.path in report.tallies]


def _report_head(report: Report) -> dict:
    total = report.tallies.get(report.root.path, rules.Tally())
    return {
        "root": {"id": report.root.pk, "name": report.root.name, "code": report.root.code},
        "year": report.year, "today": report.today.isoformat(),
        "total": {"owed": total.owed, "met": total.met, "rate": None if total.rate is None else round(total.rate, 4)},
        "silent": [{"id": o.id, "name": o.name, "reason": s.reason} for o, s in report.silent()],
    }


def _due_next(due: list[rules.Due]) -> list[dict]:
    return [{"org": d.org_id, "type": d.meeting_type, "deadline": d.deadline.isoformat(), "reason": d.reason}
            for d in due if not d.late][:200]


def report_dict(report: Report, *, details: bool = True) -> dict:
    """The report as plain data: the same for the API and tests (``write_report_json`` writes the
    same data out without holding it)."""
    flags = flag_counts(report.root, report.year)
    orgs = [_org_entry(report, org, flags, report.results[org.id] if details and org.id in report.results else None)
            for org in _reported_orgs(report)]
    return {**_report_head(report), "due_next": _due_next(report.due()), "organizations": orgs}


def write_report_json(report: Report, write) -> None:
    """``report_dict(report)`` as JSON, passed to ``write`` piece by piece: one organisation per line,
    each evaluated as it is written and let go (a city's report held whole took 960 MB). What falls
    due next is gathered on the way and written last."""
    flags = flag_counts(report.root, report.year)
    orgs = _reported_orgs(report)
    head = json.dumps(_report_head(report), ensure_ascii=False)
    write(head[:-1] + ', "organizations": [\n')
    results = report.results.each([o.id for o in orgs])
    pending = next(results, None)
    due: list[rules.Due] = []
    for n, org in enumerate(orgs):
        own = None
        if pending is not None and pending[0] == org.id:
            own = pending[1]
            due.extend(d for d in rules.due_items(own, report.today) if not d.late)
            pending = next(results, None)
        write(("" if n == 0 else ",\n") + json.dumps(_org_entry(report, org, flags, own), ensure_ascii=False))
    due.sort(key=lambda d: (d.deadline, report.orgs[d.org_id].path))
    write("\n], \"due_next\": " + json.dumps(_due_next(due), ensure_ascii=False) + "}\n")


def report_table(report: Report) -> str:
    """A console table: the root and its children with their rolled-up rates."""
    lines = [f"{report.root.name} {report.year} 年组织生活落实情况（截至 {report.today:%Y-%m-%d}）",
             f"{'党组织':<30}{'应完成':>8}{'已完成':>8}{'未开展':>8}{'人数不足':>8}{'落实率':>8}"]
    root = report.orgs[report.root.pk]
    for org in [root, *report.children_of(root.id)]:
        tally = report.tallies.get(org.path)
        if tally is None:
            continue
        lines.append(f"{org.name[:28]:<30}{tally.owed:>8}{tally.met:>8}{tally.missing:>8}{tally.quorum:>8}"
                     f"{tally.percent:>8}")
    silent = report.silent()
    lines.append(f"静默支部 {len(silent)} 个；即将到期 {sum(1 for d in report.due() if not d.late)} 项")
    return "\n".join(lines)
