"""Reading a workbook: the sheet and its header, the columns, cell values, and the error report
that names row, column and reason."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from . import uploads
from .uploads import ExcelFileError, _check_zip

MAX_ERRORS_SHOWN = 1000
HEADER_SEARCH_ROWS = 5  # a title row or two above the header is common in hand-made sheets
EXCEL_EPOCH = dt.date(1899, 12, 30)

# ---------------------------------------------------------------------------------------------
# Errors and the report


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
    notes: list[str] = field(default_factory=list)  # said on success: e.g. a column left out on purpose

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
    if sheet.height > uploads.MAX_IMPORT_ROWS + 1:
        raise ExcelFileError(f"工作表有 {sheet.height} 行，单次导入不超过 {uploads.MAX_IMPORT_ROWS} 行，请分批导入")
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
