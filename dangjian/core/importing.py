"""The opening every Excel import shares: who may write where, then the sheet and its header.
An importer continues with its own rows only when both passed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .actors import check_actor
from .excel import ExcelFileError, ImportResult, Sheet, header_errors, map_columns, open_sheet
from .scoping import CHANGE, allows


class ImportRefused(Exception):
    """The file was refused before any row was read; ``result`` says why (file or header errors)."""

    def __init__(self, result: ImportResult):
        super().__init__(result)
        self.result = result


def import_scope(acting_user) -> Callable[[str], bool]:
    """Whether the importer may write at an organisation path: the scope guard's answer, asked row
    by row so that each refused row is reported rather than the first one raised. ``SYSTEM`` (the
    command line) may write anywhere; ``None`` raises TypeError."""
    check_actor(acting_user)
    return lambda path: allows(acting_user, CHANGE, path)


def open_import(source, *, sheet_title: str, headers: Iterable[str],
                required: Iterable[str]) -> tuple[Sheet, dict[str, int]]:
    """The sheet (``sheet_title`` preferred) and where each known header stands in it; raises
    ImportRefused when the file cannot be read or a required column is missing."""
    required = list(required)
    try:
        sheet = open_sheet(source, preferred=sheet_title, required=required)
    except ExcelFileError as exc:
        raise ImportRefused(ImportResult.file_error(str(exc))) from None
    positions = map_columns(sheet.header, headers)
    report = header_errors(sheet.header, positions, required, sheet.header_row)
    if report:
        raise ImportRefused(ImportResult.failed(report))
    return sheet, positions
