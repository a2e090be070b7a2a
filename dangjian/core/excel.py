"""Excel in and out, shared by every importer and export (DESIGN.md §3 "files people live in", §5).

Reading goes through python-calamine: it parses a 100,000-row sheet in about two seconds, where
openpyxl's streaming reader takes ten times as long. Writing goes through openpyxl's write-only
mode, which streams rows to disk. Every string written passes through ``safe_cell`` so a cell that
a spreadsheet would run as a formula is written as text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import zipsafety

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, and password-protected .xlsx
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ERRORS_SHOWN = 1000
# One import holds every row in memory until all are checked: 100,000 rows stay under 300 MB.
MAX_IMPORT_ROWS = 100_000
HEADER_SEARCH_ROWS = 5  # a title row or two above the header is common in hand-made sheets
# Uncompressed size of the sheets' XML we agree to parse, checked before parsing: 100,000 rows of
# 22 columns written as inline strings take 120 MB. The cap keeps a small "zip bomb" from
# exhausting memory.
MAX_SHEET_XML_BYTES = 250 * 1024 * 1024
# Every member together, uncompressed, and the compression ratio of any member over 1 MB: real
# sheets compress 5–20 times; a zip bomb, hundreds of times.
ZIP_LIMITS = zipsafety.Limits(total_bytes=MAX_SHEET_XML_BYTES + 50 * 1024 * 1024, ratio=200)
UNSAFE_MESSAGES = {
    "bomb": "Excel 文件解压后体积异常（疑似压缩炸弹），已拒绝读取；请在 Excel 中重新保存后再导入",
    "entity": "Excel 文件含有不允许的 XML 声明（DOCTYPE/ENTITY，可用于读取服务器文件），已拒绝读取",
    "encrypted": "不支持设置了打开密码的文件，请在 Excel 中取消密码后再导入",
    "corrupt": "文件已损坏或不是 Excel（.xlsx）文件",
}
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="FDE8E8")
REQUIRED_FONT = Font(bold=True, color="B71C1C")
EXCEL_EPOCH = dt.date(1899, 12, 30)

# ---------------------------------------------------------------------------------------------
# Errors and the report


class ExcelFileError(ValueError):
    """The upload cannot be read as a workbook at all; the message says why, in Chinese."""


class CellError(ValueError):
    """One cell's value is wrong; the message is the reason shown to the user."""


@dataclass(frozen=True)
class RowError:
    row: int | None  # Excel row number (the header is row 1); None for a file-level problem
    column: str  # the Chinese header name, or "" for the whole row or file
    message: str


@dataclass
class ErrorReport:
    """Collects errors, keeping the first ``limit`` to show and counting all of them."""

    limit: int = MAX_ERRORS_SHOWN
    shown: list[RowError] = field(default_factory=list)
    total: int = 0
    rows: set[int] = field(default_factory=set)

    def add(self, row: int | None, column: str, message: str) -> None:
        self.total += 1
        if row is not None:
            self.rows.add(row)
        if len(self.shown) < self.limit:
            self.shown.append(RowError(row, column, message))

    def __bool__(self) -> bool:
        return self.total > 0

    def has_row(self, row: int) -> bool:
        return row in self.rows

    def sorted(self) -> list[RowError]:
        return sorted(self.shown, key=lambda e: (e.row or 0))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @classmethod
    def failed(cls, report: ErrorReport) -> ImportResult:
        return cls(errors=report.sorted(), error_count=report.total)

    @classmethod
    def file_error(cls, message: str) -> ImportResult:
        return cls(errors=[RowError(None, "", message)], error_count=1)


# ---------------------------------------------------------------------------------------------
# Columns


class _Keep:
    """A blank cell in a field that cannot be empty: keep the current value (or the default)."""

    def __repr__(self) -> str:
        return "KEEP"


class _Bad:
    """A cell that failed to parse; its error is already reported."""

    def __repr__(self) -> str:
        return "BAD"


KEEP = _Keep()
BAD = _Bad()


@dataclass(frozen=True)
class Column:
    """One column an importer knows: its header, the model field, how to parse a cell."""

    header: str
    field: str
    parse: Callable[[object], object]
    blank: object = ""  # the value of a blank cell; KEEP for fields that cannot be empty
    required: bool = False  # the column must be present and every row must fill it
    note: str = ""  # shown as the header's comment in the template


def parse_cell(column: Column, raw, row: int, report: ErrorReport):
    """The parsed value, ``column.blank`` for a blank cell, or BAD with the reason reported."""
    if is_blank(raw):
        if column.required:
            report.add(row, column.header, f"{column.header}不能为空")
            return BAD
        return column.blank
    try:
        return column.parse(raw)
    except CellError as exc:
        report.add(row, column.header, str(exc))
        return BAD


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class Sheet:
    """A sheet's header and its data rows. ``rows`` yields (Excel row number, cell values) and
    skips rows that are entirely blank; it can be consumed once."""

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list]]
    height: int


def check_upload(name: str, size: int, head: bytes) -> None:
    """Refuse an upload by its size and its first bytes, before anything parses it."""
    if size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ExcelFileError(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {limit} MB，请分批导入")
    if size == 0:
        raise ExcelFileError("文件为空，请选择填写好的 Excel 文件")
    if head.startswith(OLE_MAGIC):
        raise ExcelFileError(
            "不支持旧版 .xls 文件或设置了打开密码的文件，请在 Excel 中“另存为” .xlsx 格式（不设密码）后再导入"
        )
    if not head.startswith(ZIP_MAGIC):
        raise ExcelFileError(f"“{name}”不是 Excel（.xlsx）文件，请下载模板填写后再导入")


def open_sheet(source, *, preferred: str | None = None, required: Iterable[str] = ()) -> Sheet:
    """Open an .xlsx (a path or a binary file object) and return its data sheet: the sheet named
    ``preferred`` if there is one, otherwise the first. The header is the first non-blank row
    holding every ``required`` name (a title row above it is skipped), else the first non-blank row."""
    from python_calamine import CalamineWorkbook

    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    _check_zip(source)
    try:
        book = CalamineWorkbook.from_path(source) if isinstance(source, str) else CalamineWorkbook.from_filelike(source)
        names = book.sheet_names
        if not names:
            raise ExcelFileError("文件中没有工作表")
        sheet = book.get_sheet_by_name(preferred) if preferred in names else book.get_sheet_by_index(0)
    except ExcelFileError:
        raise
    except Exception as exc:  # calamine raises its own types for every malformed file
        raise ExcelFileError(
            "无法读取该文件，可能不是有效的 Excel（.xlsx）文件或文件已损坏，请重新保存后再导入"
        ) from exc
    if sheet.height > MAX_IMPORT_ROWS + 1:
        raise ExcelFileError(f"工作表有 {sheet.height} 行，单次导入不超过 {MAX_IMPORT_ROWS} 行，请分批导入")
    # calamine 0.9 yields rows from the sheet's first row (blank leading rows included), so the
    # offset is the Excel row number minus one; tests pin this.
    rows = _numbered_rows(sheet.iter_rows(), 1)
    return _find_header(rows, set(required), sheet.height)


def _find_header(rows: Iterator[tuple[int, list]], required: set[str], height: int) -> Sheet:
    looked: list[tuple[int, list]] = []
    for row_no, cells in rows:
        header = [normalise_header(c) for c in cells]
        if required <= set(header):
            return Sheet(header, row_no, rows, height)
        looked.append((row_no, cells))
        if len(looked) >= HEADER_SEARCH_ROWS:
            break
    if not looked:
        raise ExcelFileError("工作表是空的：第一行应为表头，从第二行起每行填写一条记录")
    row_no, cells = looked[0]
    return Sheet([normalise_header(c) for c in cells], row_no, itertools.chain(looked[1:], rows), height)


def _check_zip(source) -> None:
    """Refuse what is not a workbook, or what would be unsafe to parse (``core.zipsafety``)."""
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
            if not any(i.filename.startswith("xl/worksheets/") for i in infos):
                raise ExcelFileError("该文件不是 Excel 工作簿（.xlsx），请下载模板填写后再导入")
            sheets = [i for i in infos
                      if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml"]
            if sum(i.file_size for i in sheets) > MAX_SHEET_XML_BYTES:
                raise ExcelFileError(f"工作表内容过大，单次导入不超过 {MAX_IMPORT_ROWS} 行，请分批导入")
            zipsafety.check_archive(archive, ZIP_LIMITS)
    except zipsafety.UnsafeArchive as exc:
        raise ExcelFileError(UNSAFE_MESSAGES[exc.kind]) from exc
    except zipfile.BadZipFile as exc:
        raise ExcelFileError("文件已损坏或不是 Excel（.xlsx）文件") from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def _numbered_rows(raw: Iterable[list], first_row: int) -> Iterator[tuple[int, list]]:
    for offset, cells in enumerate(raw):
        if any(not is_blank(c) for c in cells):
            yield first_row + offset, cells


def normalise_header(value) -> str:
    """Header text as typed, without the marks people add: spaces, "*", "（必填）", line breaks."""
    text = cell_text(value)
    text = re.sub(r"[\s*＊]", "", text)
    return re.sub(r"[（(](必填|选填|必选)[)）]", "", text)


def map_columns(header: Sequence[str], known: Iterable[str]) -> dict[str, int]:
    """Column index of each known header name present; the first wins when a name repeats."""
    wanted = set(known)
    out: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in wanted and name not in out:
            out[name] = index
    return out


def header_errors(header: Sequence[str], columns: dict[str, int], required: Iterable[str], row: int) -> ErrorReport:
    report = ErrorReport()
    missing = [name for name in required if name not in columns]
    if missing:
        report.add(row, "", f"缺少必需的列：{'、'.join(missing)}（第{row}行应为表头，请使用下载的模板）")
    seen: set[str] = set()
    for name in header:
        if name in columns and name in seen:
            report.add(row, name, f"表头中“{name}”出现了不止一次，只读取第一列")
        seen.add(name)
    return report


# ---------------------------------------------------------------------------------------------
# Cell values


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as trimmed text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
DATE_HINT = "日期应填写为 YYYY-MM-DD，例如 2005-07-01"


def parse_date(value) -> dt.date | None:
    """A date from an Excel date cell, a serial number or text such as 2005-07-01, 2005.07.01,
    2005/7/1 or 2005年7月1日. ``None`` for a blank cell; ``CellError`` when it is not a date."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(DATE_HINT)
    if isinstance(value, int | float):
        return _date_from_number(value)
    return _date_from_text(str(value).strip())


def _date_from_number(value: float) -> dt.date:
    if float(value).is_integer() and 19000101 <= value <= 21001231:
        return _date_from_text(str(int(value)))
    if 1 <= value < 80000:  # an Excel serial day number whose cell lost its date format
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    raise CellError(DATE_HINT)


@lru_cache(maxsize=65536)
def _date_from_text(text: str) -> dt.date:
    text = text.replace(" ", "")
    if "T" in text or (len(text) > 10 and text[10:11] == " "):
        text = text[:10]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise CellError(f"“{text}”不是有效的日期") from None
    raise CellError(f"无法识别的日期“{text[:30]}”；{DATE_HINT}")


YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "无", ""})


def parse_flag(value) -> bool:
    text = cell_text(value).lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise CellError(f"“{text[:20]}”应填写“是”或“否”")


def choice_lookup(choices: Iterable[tuple[str, str]], aliases: dict[str, str] | None = None) -> dict[str, str]:
    """A map from what people type (the Chinese label, or the stored code) to the stored code."""
    out: dict[str, str] = {}
    for code, label in choices:
        out[str(label)] = code
        if code:
            out[code.lower()] = code
    out.update(aliases or {})
    return out


def parse_choice(value, lookup: dict[str, str], labels: Sequence[str]) -> str:
    text = cell_text(value)
    code = lookup.get(text, lookup.get(text.lower()))
    if code is None:
        allowed = "、".join(labels[:12]) + ("等" if len(labels) > 12 else "")
        raise CellError(f"“{text[:30]}”不是可选值，应为：{allowed}")
    return code


def parse_text(value, max_length: int) -> str:
    text = cell_text(value)
    if len(text) > max_length:
        raise CellError(f"内容过长（{len(text)}字），最多{max_length}字")
    return text


def choice_parser(choices, aliases: dict[str, str] | None = None) -> Callable[[object], str]:
    lookup = choice_lookup(choices, aliases)
    labels = [str(label) for _, label in choices]
    return lambda value: parse_choice(value, lookup, labels)


def text_parser(max_length: int) -> Callable[[object], str]:
    return lambda value: parse_text(value, max_length)


# ---------------------------------------------------------------------------------------------
# Writing


def safe_cell(value):
    """A value safe to put in a cell: text that a spreadsheet would read as a formula (=, +, -,
    @, tab, carriage return at the start) gets a leading apostrophe so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_only_workbook() -> Workbook:
    return Workbook(write_only=True)


def date_cell(sheet, value: dt.date | None):
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def append_row(sheet, values: Iterable) -> None:
    """Append to a write-only sheet: strings made safe, dates as real date cells."""
    sheet.append([_out(sheet, v) for v in values])


def _out(sheet, value):
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return date_cell(sheet, value)
    return safe_cell(value)


def header_cells(sheet, names: Sequence[str], *, required: Iterable[str] = (), notes: dict[str, str] | None = None):
    """Styled header cells for a write-only sheet; required columns in red bold, notes as comments."""
    required, notes = set(required), notes or {}
    return [style_header(WriteOnlyCell(sheet, value=safe_cell(name)), name, required, notes) for name in names]


def style_header(cell, name: str, required: set[str], notes: dict[str, str]):
    cell.fill = HEADER_FILL
    cell.font = REQUIRED_FONT if name in required else Font(bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    if name in notes:
        cell.comment = Comment(notes[name], "党建工作平台", width=260, height=110)
    return cell


def template_workbook(*, title: str, columns: Sequence[str], required: Iterable[str], notes: dict[str, str],
                      text_columns: Iterable[str], choices: dict[str, Sequence[str]], instructions: Sequence[str],
                      widths: dict[str, int] | None = None, blank_rows: int = 1000) -> Workbook:
    """An import template: a data sheet with the header (comments on each column, drop-down
    lists for the columns with fixed values, text format where Excel would mangle numbers) and
    a second sheet "填写说明" listing the rules and every allowed value."""
    book = Workbook()
    data = book.active
    data.title = title
    data.append([safe_cell(c) for c in columns])
    _style_template_header(data, columns, set(required), notes)
    guide = book.create_sheet("填写说明")
    _write_instructions(guide, instructions, choices)
    _add_validations(data, columns, choices, guide, instructions, blank_rows)
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = (widths or {}).get(name, max(10, len(name) * 2 + 4))
        if name in text_columns:
            for row in range(2, blank_rows + 2):
                data.cell(row=row, column=index).number_format = "@"
    data.freeze_panes = "A2"
    return book


def _style_template_header(sheet, columns, required, notes) -> None:
    for index, name in enumerate(columns, start=1):
        style_header(sheet.cell(row=1, column=index), name, required, notes)


def _write_instructions(guide, instructions, choices) -> None:
    guide.column_dimensions["A"].width = 100
    for line in instructions:
        guide.append([safe_cell(line)])
    guide.append([])
    guide.append(["可选值（导入时可填写名称，也可填写代码）"])
    guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
    for name, values in choices.items():
        guide.append([safe_cell(f"{name}：{'、'.join(values)}")])
    guide["A1"].font = Font(bold=True, size=13)


def _add_validations(data, columns, choices, guide, instructions, blank_rows) -> None:
    """Drop-down lists. A list over 255 characters (民族) points at a column of the guide sheet."""
    spill_column = 3
    for index, name in enumerate(columns, start=1):
        values = choices.get(name)
        if not values:
            continue
        inline = ",".join(values)
        if len(inline) <= 250:
            formula = f'"{inline}"'
        else:
            letter = get_column_letter(spill_column)
            guide.cell(row=1, column=spill_column, value=name).font = Font(bold=True)
            for offset, value in enumerate(values, start=2):
                guide.cell(row=offset, column=spill_column, value=value)
            formula = f"'填写说明'!${letter}$2:${letter}${len(values) + 1}"
            spill_column += 1
        rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                              errorTitle="无效的值", error=f"请从下拉列表中选择{name}")
        letter = get_column_letter(index)
        rule.add(f"{letter}2:{letter}{blank_rows + 1}")
        data.add_data_validation(rule)


def xlsx_response(write: Callable[[object], None], filename: str) -> FileResponse:
    """Stream a workbook as a download. ``write(file)`` saves the workbook into ``file``; a
    temporary file keeps a large roster off the heap. The file name may be Chinese."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download ends
    write(spool)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode().strip() or "download.xlsx"
    ascii_name = re.sub(r'[^A-Za-z0-9._-]', "_", ascii_name)
    if not ascii_name.endswith(".xlsx"):
        ascii_name = "download.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
