"""Member workbooks out: the import template, the roster export, and import-format files for
tests and benchmarks. The roster shows ID and phone numbers masked, and every string goes
through ``safe_cell`` (docs/architecture.md「Excel」: exports are safe against formula injection)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence

from django.db.models import QuerySet
from openpyxl import Workbook

from dangjian.core.excel import MAX_IMPORT_ROWS, append_row, header_cells, template_workbook, write_only_workbook
from dangjian.core.idnumbers import make_id_number

from ..choices import ETHNICITIES, Category, Education, FlowStatus, Gender, MembershipType, PartyStatus
from ..models import Member
from .importing import COLUMNS, CONFIRMED_ON_NOTE, HEADERS, REQUIRED_HEADERS, SHEET_TITLE

FLAG_LABELS = ["是", "否"]
TEMPLATE_CHOICES = {
    "性别": Gender.labels,
    "民族": ETHNICITIES,
    "学历": Education.labels,
    "人员类别": Category.labels,
    "党员类型": MembershipType.labels,
    "党籍状态": PartyStatus.labels,
    "失联党员": FLAG_LABELS,
    "困难党员": FLAG_LABELS,
    "离退休": FLAG_LABELS,
}
TEMPLATE_INSTRUCTIONS = [
    "党员信息导入填写说明",
    "1. 第一行为表头，请勿修改列名；列的顺序可以调整，多余的列不会导入。从第二行起每行填写一名党员。",
    f"2. 红色表头为必填列：{'、'.join(REQUIRED_HEADERS)}。{CONFIRMED_ON_NOTE}",
    "3. 日期填写为 YYYY-MM-DD（例如 2005-07-01），也可使用 Excel 日期格式，或 2005.07.01、2005/7/1、2005年7月1日。",
    "4. 公民身份号码、手机号码、所在党组织代码请保持“文本”格式，以免 Excel 把号码改成科学计数法而丢失末几位。",
    "5. 性别、出生日期、民族可不填：性别和出生日期按公民身份号码填写，民族默认为汉族；填写时须与号码一致。",
    "6. 入党时应年满18周岁；正式党员应填写转正日期且晚于入党日期，预备党员不填转正日期。手机号码为11位。",
    "7. 已登记的党员按公民身份号码匹配并更新。表中没有的列不改动原有信息；空白单元格清空对应的选填内容。",
    "8. 所在党组织代码须在您的管辖范围内；代码与原来不同视为组织关系转接，系统自动登记转接记录。",
    "9. 导入前检查全部数据，发现任何错误都不写入，请按错误清单（行号、列名、原因）修改后重新导入。",
    f"10. 同一文件重复导入不会产生重复的党员。单次导入不超过 {MAX_IMPORT_ROWS} 行。",
    "11. “流动党员”“流动地点”不能导入：它们由“流动党员”中的外出、流入登记维护（外出登记有日期、活动证和报告，"
    "一个标记没有这些）。党员名册导出的这两列在导入时略过，导入结果会说明；外出或流入的党员请到“流动党员”页面登记。",
]
TEMPLATE_WIDTHS = {"公民身份号码": 22, "所在党组织代码": 18, "工作单位": 24, "家庭住址": 28, "手机号码": 14}
TEXT_COLUMNS = ["公民身份号码", "手机号码", "所在党组织代码"]

ROSTER_HEADERS = [
    "序号", "姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "工作单位", "职务", "入党日期",
    "转正日期", "党员类型", "党籍状态", "手机号码", "家庭住址", "所在党组织", "所在党组织代码", "失联党员",
    "流动党员", "流动地点", "困难党员", "离退休", "报到社区",
]
ROSTER_FIELDS = [
    "name", "gender", "ethnicity", "id_number_masked", "birth_date", "education", "category", "work_unit",
    "job_title", "joined_on", "confirmed_on", "membership_type", "status", "phone_masked", "address", "org__name",
    "org__code", "lost_contact", "flow_status", "flow_place", "hardship", "retired", "report_community",
]
LABELS = {
    "gender": dict(Gender.choices), "education": dict(Education.choices), "category": dict(Category.choices),
    "membership_type": dict(MembershipType.choices), "status": dict(PartyStatus.choices),
    "flow_status": dict(FlowStatus.choices),
}
FLAGS = frozenset({"lost_contact", "hardship", "retired"})
EXPORT_CHUNK = 2000


def member_template_workbook() -> Workbook:
    return template_workbook(
        title=SHEET_TITLE, columns=HEADERS, required=REQUIRED_HEADERS,
        notes={c.header: c.note for c in COLUMNS if c.note}, text_columns=TEXT_COLUMNS,
        choices=TEMPLATE_CHOICES, instructions=TEMPLATE_INSTRUCTIONS, widths=TEMPLATE_WIDTHS,
    )


def roster_row(number: int, values: Sequence) -> list:
    """One roster line from ``ROSTER_FIELDS`` values: codes shown as their Chinese labels."""
    out: list = [number]
    for name, value in zip(ROSTER_FIELDS, values, strict=True):
        if name in LABELS:
            value = LABELS[name].get(value, value)
        elif name in FLAGS:
            value = "是" if value else "否"
        out.append(value)
    return out


def write_roster(target, members: QuerySet[Member], *, on_progress=None) -> int:
    """Write the roster of ``members`` (already scoped and filtered by the caller) into ``target``
    (a path or a binary file); rows are streamed, so a 100,000-member subtree fits. Returns the
    number of members written. ``on_progress(rows so far)`` is called every chunk."""
    book = write_only_workbook()
    sheet = book.create_sheet("党员名册")
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, ROSTER_HEADERS))
    rows = members.order_by("org__path", "name", "id").values_list(*ROSTER_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    count = 0
    for count, values in enumerate(rows, start=1):
        append_row(sheet, roster_row(count, values))
        if on_progress is not None and count % EXPORT_CHUNK == 0:
            on_progress(count)
    book.save(target)
    return count


def roster_filename(today: dt.date) -> str:
    return f"党员名册_{today:%Y%m%d}.xlsx"


# ---------------------------------------------------------------------------------------------
# Import-format files, for tests and the import benchmark


def write_member_workbook(path, rows: Iterable[Mapping | Sequence], *, headers: Sequence[str] = HEADERS) -> None:
    """Write an import file: ``headers`` on row 1, then ``rows`` — each a mapping keyed by header
    name or a sequence in ``headers`` order. Streams with openpyxl's write-only mode."""
    book = write_only_workbook()
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(list(headers))
    for row in rows:
        values = [row.get(h) for h in headers] if isinstance(row, Mapping) else list(row)
        append_row(sheet, values)
    book.save(path)


def sample_member_rows(count: int, *, org_codes: Sequence[str], start: int = 0,
                       area: str = "330102") -> Iterator[dict]:
    """``count`` valid, distinct members (keyed by header) spread over ``org_codes``: each row
    number ``i`` gives one ID number, so two calls with disjoint ranges never clash."""
    for i in range(start, start + count):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i // 1000)
        gender = "M" if i % 2 else "F"
        joined = dt.date(birth.year + 25, 7, 1)
        yield {
            "姓名": f"党员{i:06d}", "性别": "男" if gender == "M" else "女", "民族": "汉族",
            "公民身份号码": make_id_number(area, birth, (i % 1000) // 2, gender), "出生日期": birth,
            "学历": "大学本科", "人员类别": "专业技术人员", "工作单位": f"示范单位{i % 500}", "职务": "职员",
            "入党日期": joined, "转正日期": dt.date(joined.year + 1, 7, 1), "党员类型": "正式党员",
            "党籍状态": "正常", "手机号码": f"139{i:08d}", "家庭住址": f"示范路{i % 900}号",
            "所在党组织代码": org_codes[i % len(org_codes)], "失联党员": "否",
            "困难党员": "否", "离退休": "否", "报到社区": "",
        }
