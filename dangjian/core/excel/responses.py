"""Workbooks as downloads."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from urllib.parse import quote

from django.http import FileResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
