"""Uploaded documents — evidence, attachments, scans: what every app that takes a file checks before
it keeps one. The type comes from the content (never from the name the user gave), the size is
bounded, and a Word or Excel file is opened as an archive with the same limits as an import (a zip
bomb or an entity declaration is refused). Pure checks (``sniff_file_type``, ``document_error``) and
the one reader that applies them (``inspect_document``)."""

from __future__ import annotations

import io
import os
import zipfile

from django.core.exceptions import ValidationError

from . import zipsafety

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PHOTO_TYPES = ("jpg", "png")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
DOCUMENT_TYPES = {
    "pdf": "PDF", "jpg": "JPEG 图片", "png": "PNG 图片", "docx": "Word（.docx）", "xlsx": "Excel（.xlsx）",
}


def sniff_file_type(head: bytes, zip_names: list[str] | None = None) -> str | None:
    """The type of a file from its first bytes (and, for a ZIP, the names inside): pdf, jpg, png,
    docx, xlsx — or None. The name the user gave the file is not trusted."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04") and zip_names is not None:
        if "word/document.xml" in zip_names:
            return "docx"
        if "xl/workbook.xml" in zip_names:
            return "xlsx"
    return None


def document_error(size: int, file_type: str | None, max_bytes: int | None = None) -> str | None:
    """Why a file of ``size`` bytes and ``file_type`` (from ``sniff_file_type``) is refused, or None."""
    max_bytes = max_bytes or MAX_DOCUMENT_BYTES
    if size == 0:
        return "文件为空"
    if size > max_bytes:
        return f"文件过大（{size / 1024 / 1024:.1f} MB），每个文件不超过 {max_bytes // 1024 // 1024} MB"
    if file_type is None:
        return "只接受 PDF、JPEG/PNG 图片、Word（.docx）或 Excel（.xlsx）文件（按文件内容判断，而非扩展名）"
    return None


def inspect_document(upload) -> tuple[str, bytes]:
    """(file type, whole content) of an uploaded file, checked by content and size; a refusal is a
    ``ValidationError`` on the field ``file`` in Chinese."""
    size = upload.size
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": document_error(size, None)})
    upload.seek(0)
    content = upload.read()
    names = None
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
                if sniff_file_type(content[:16], names):
                    zipsafety.check_archive(archive, zipsafety.OFFICE_LIMITS)
        except zipsafety.UnsafeArchive as exc:
            raise ValidationError({"file": f"{upload.name}：{zipsafety.MESSAGES[exc.kind]}"}) from None
        except zipfile.BadZipFile:
            names = None
    file_type = sniff_file_type(content[:16], names)
    error = document_error(len(content), file_type)
    if error:
        raise ValidationError({"file": error})
    return file_type, content


def upload_name(upload, default: str = "照片") -> str:
    """The file name the user gave, without any directory part (shown back to them, never trusted)."""
    return os.path.basename(getattr(upload, "name", "") or default)


def inspect_photo(upload, field: str = "photos") -> tuple[str, bytes]:
    """(``jpg`` or ``png``, whole content) of an uploaded photo — a site photo, a 阵地 photo — checked by
    its first bytes and bounded at ``MAX_PHOTO_BYTES``; a refusal is a ``ValidationError`` on ``field``
    naming the file."""
    upload.seek(0)
    content = upload.read(MAX_PHOTO_BYTES + 1)
    file_type = sniff_file_type(content[:16])
    error = document_error(len(content), "jpg", max_bytes=MAX_PHOTO_BYTES)  # empty or too large
    if error is None and file_type not in PHOTO_TYPES:
        error = "照片只接受 JPEG 或 PNG 图片（按文件内容判断，而非扩展名）"
    if error:
        raise ValidationError({field: f"{upload_name(upload)}：{error}"})
    return file_type, content
