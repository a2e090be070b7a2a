"""Writing workbooks: write-only sheets, safe cells (no formula injection), import templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="FDE8E8")
REQUIRED_FONT = Font(bold=True, color="B71C1C")

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


def header_sheet(book, title: str, headers: Sequence[str], *, freeze: str = "A2"):
    """A new sheet of a write-only workbook with its bold header row, frozen below the header (and
    left of ``freeze``'s column, so the name columns stay in sight)."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = freeze
    sheet.append(header_cells(sheet, headers))
    return sheet


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
