"""党内统计 tables as one workbook, a sheet per table in its layout: title, the snapshot's date, the
two header rows (group, column), the rows; cells that fail an identity are marked and listed below."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from dangjian.core.excel import safe_cell

FAILED = PatternFill("solid", fgColor="FDE8E8")


def write_tables(out, org_name: str, snapshot, filled: list) -> None:
    book = Workbook()
    book.remove(book.active)
    for f in filled:
        table = f.table
        sheet = book.create_sheet(table.number)
        width = len(table.columns) + 1
        sheet.append([safe_cell(f"{table.number} {table.title}")])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        sheet.cell(1, 1).alignment = Alignment(horizontal="center")
        sheet.append([safe_cell(f"填报单位：{org_name}"), *[""] * (width - 3),
                      f"统计截止：{snapshot.period_end:%Y年%m月%d日}"])
        sheet.append(["项目", *[safe_cell(c.group or c.label) for c in table.columns]])
        sheet.append(["", *[safe_cell(c.label if c.group else "") for c in table.columns]])
        for j, col in enumerate(table.columns, start=2):
            if not col.group:
                sheet.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)
        _merge_groups(sheet, table.columns)
        for row, cells in zip(f.rows, f.cells, strict=True):
            sheet.append([safe_cell(row.label), *cells])
        for i, j in f.failed_cells():
            sheet.cell(5 + i, 2 + j).fill = FAILED
        sheet.append([])
        sheet.append([safe_cell(table.note)])
        if f.failures:
            sheet.append(["以下单元格未通过表内校验："])
            for text in f.failure_texts():
                sheet.append([safe_cell(text)])
        else:
            sheet.append(["表内校验全部通过。"])
        sheet.column_dimensions["A"].width = 24
        for row in sheet.iter_rows(min_row=3, max_row=4):
            for cell in row:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                cell.font = Font(bold=True)
    book.save(out)


def _merge_groups(sheet, columns) -> None:
    j = 0
    while j < len(columns):
        group = columns[j].group
        end = j
        while group and end + 1 < len(columns) and columns[end + 1].group == group:
            end += 1
        if group and end > j:
            sheet.merge_cells(start_row=3, start_column=j + 2, end_row=3, end_column=end + 2)
        j = end + 1
