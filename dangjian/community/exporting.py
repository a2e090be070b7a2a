"""报到情况 (.xlsx) of a subtree for a year: the members who should report (and those who reported
without having to) with where they reported, the year's confirmed hours and the communities'
feedback; the 报到率 of the organisation and its direct children; and, for communities in the
subtree, who reported to them. Strings pass through ``safe_cell`` (``append_row``)."""

from __future__ import annotations

from dangjian.core.excel import append_row, header_sheet, write_only_workbook

from .choices import ReportKind

MEMBER_HEADERS = ["序号", "姓名", "所在党组织", "应报到", "报到社区", "报到类型", "报到日期", "状态",
                  "已确认服务（小时）", "待确认服务（小时）", "达到年度时长", "社区反馈"]
RATE_HEADERS = ["党组织", "应报到", "已报到", "报到率", "在职党员报到率", "离退休党员报到率", "报到党员",
                "已确认服务（小时）", "达到年度时长（人）", "收到社区反馈（人）"]
REPORTER_HEADERS = ["序号", "社区", "姓名", "所在党组织", "报到类型", "报到日期", "状态", "已确认服务（小时）"]


def _percent(rate) -> str:
    return f"{rate}%" if rate is not None else "—"


def _met(value: bool | None) -> str:
    return "—" if value is None else ("是" if value else "否")


PROGRESS_EVERY = 2000


def reporting_write(target, year: int, lines, rows, reporters, *, on_progress=None) -> int:
    """``lines`` from ``queries.branch_lines``, ``rows`` from ``queries.subtree_rows``, ``reporters``
    from ``queries.reporters_to``. Returns the member rows written on the first sheet.
    ``on_progress(lines so far)`` is called every ``PROGRESS_EVERY`` lines (the background job)."""
    book = write_only_workbook()
    sheet = header_sheet(book, f"{year}年报到情况", MEMBER_HEADERS, freeze="C2")
    count = 0
    for seen, line in enumerate(lines, start=1):
        if on_progress is not None and seen % PROGRESS_EVERY == 0:
            on_progress(seen)
        report = line.report
        if line.expected_kind is None and report is None:
            continue  # neither expected to report nor reported: not part of 报到
        count += 1
        feedback = "；".join(f"{fb.community.name}：{fb.get_rating_display()}"
                            + (f"（{fb.comment}）" if fb.comment else "") for fb in line.feedback)
        append_row(sheet, [
            count, line.member.name, line.member.org.name,
            ReportKind(line.expected_kind).label if line.expected_kind else "否（自愿报到）",
            report.community.name if report else "未报到", report.get_kind_display() if report else "",
            report.reported_on if report else None, report.get_status_display() if report else "",
            float(line.confirmed_hours), float(line.entered_hours), _met(line.hours_met), feedback or "无"])
    rates = header_sheet(book, "报到率", RATE_HEADERS, freeze="C2")
    for index, (org, f) in enumerate(rows):
        append_row(rates, [("　" if index else "") + org.name, f.should, f.reported, _percent(f.rate),
                           _percent(f.rate_in_service), _percent(f.rate_retired), f.reporters, float(f.hours),
                           f.hours_met, f.feedback])
    to = header_sheet(book, "向本级社区报到的党员", REPORTER_HEADERS, freeze="C2")
    for number, (report, hours) in enumerate(reporters, start=1):
        append_row(to, [number, report.community.name, report.member.name, report.member.org.name,
                        report.get_kind_display(), report.reported_on, report.get_status_display(), float(hours)])
    book.save(target)
    return count
