"""Upload checks: refuse a file by its size, its first bytes and its zip structure, before
anything parses it (docs/architecture.md, "Excel")."""

from __future__ import annotations

import zipfile

from django.conf import settings

from dangjian.core import zipsafety

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, and password-protected .xlsx
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


class ExcelFileError(ValueError):
    """The upload cannot be read as a workbook at all; the message says why, in Chinese."""



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
