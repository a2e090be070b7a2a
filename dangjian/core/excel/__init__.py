"""Excel in and out, shared by every importer and export (docs/architecture.md, "Excel").

Reading goes through python-calamine: it parses a 100,000-row sheet in about two seconds, where
openpyxl's streaming reader takes ten times as long. Writing goes through openpyxl's write-only
mode, which streams rows to disk. Every string written passes through ``safe_cell`` so a cell that
a spreadsheet would run as a formula is written as text.

Four rooms: ``uploads`` (refuse a file before parsing it), ``reading`` (sheet, columns, cell values,
the error report), ``writing`` (safe cells, write-only sheets, templates), ``responses`` (downloads).
The names below are the ones the apps use; import them from ``dangjian.core.excel``.
"""

from .reading import (
    BAD,
    DATE_HINT,
    KEEP,
    MAX_ERRORS_SHOWN,
    CellError,
    Column,
    ErrorReport,
    ImportResult,
    RowError,
    Sheet,
    cell_text,
    choice_lookup,
    choice_parser,
    header_errors,
    is_blank,
    map_columns,
    normalise_header,
    open_sheet,
    parse_cell,
    parse_choice,
    parse_date,
    parse_flag,
    parse_text,
    text_parser,
)
from .responses import XLSX_CONTENT_TYPE, content_disposition, xlsx_response
from .uploads import MAX_IMPORT_ROWS, MAX_SHEET_XML_BYTES, ExcelFileError, check_upload
from .writing import (
    append_row,
    date_cell,
    header_cells,
    header_sheet,
    safe_cell,
    template_workbook,
    write_only_workbook,
)

__all__ = [
    "BAD", "DATE_HINT", "KEEP", "MAX_ERRORS_SHOWN", "MAX_IMPORT_ROWS", "MAX_SHEET_XML_BYTES", "XLSX_CONTENT_TYPE",
    "CellError", "Column", "ErrorReport", "ExcelFileError", "ImportResult", "RowError", "Sheet",
    "append_row", "cell_text", "check_upload", "choice_lookup", "choice_parser", "content_disposition", "date_cell",
    "header_cells", "header_errors", "header_sheet", "is_blank", "map_columns", "normalise_header", "open_sheet",
    "parse_cell", "parse_choice", "parse_date", "parse_flag", "parse_text", "safe_cell", "template_workbook",
    "text_parser", "write_only_workbook", "xlsx_response",
]
