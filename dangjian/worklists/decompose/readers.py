"""Reading an uploaded or named file: size limits, what the bytes really are, text encodings.

The content decides: a .docx is a zip holding word/document.xml whatever its name; pictures, PDF,
old .doc and other binaries are refused with a message that says what they are.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import DecomposeError
from .segment import Para, text_to_paras

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 500_000
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
BINARY_MAGIC = (
    (b"\x89PNG", "图片（PNG）"),
    (b"\xff\xd8\xff", "图片（JPEG）"),
    (b"GIF8", "图片（GIF）"),
    (b"RIFF", "音视频或图片文件"),
    (b"%PDF", "PDF 文件，请复制其中文字粘贴，或另存为 .docx 后上传"),
    (b"{\\rtf", "RTF 文档，请在 Word 中另存为 .docx 后上传"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"MZ", "程序文件"),
    (b"\x7fELF", "程序文件"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\s]")
NOT_TEXT = "文件含有大量不可显示的字符，不是文本文件，请上传 .txt 或 .docx"
UNKNOWN_ENCODING = "无法识别文件的文字编码，请另存为 UTF-8 编码的 .txt 后再上传"
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, PermissionError):
        return "没有访问权限"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    return exc.strerror or str(exc)


def _too_big(size: int) -> DecomposeError:
    return DecomposeError(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")


def read_bytes(source, *, filename: str = "") -> tuple[bytes, str]:
    """(content, file name) from a path, bytes or an open binary file, refusing what is too big."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_big(size)
            return path.read_bytes(), filename or path.name
        except OSError as exc:
            raise DecomposeError(f"无法读取文件“{filename or path.name}”：{os_reason(exc)}")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read(MAX_FILE_BYTES + 1)
        filename = filename or os.path.basename(str(getattr(source, "name", "") or ""))
    else:
        raise DecomposeError("无法识别的文件来源")
    if not isinstance(data, bytes):
        raise DecomposeError("文件必须以二进制方式读取")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    return data, filename


def _plausible(text: str) -> float:
    """Share of characters that Chinese documents are made of."""
    if not text:
        return 0.0
    return len(PLAUSIBLE.findall(text)) / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (it holds NUL bytes, so it is not UTF-8 or GB18030)."""
    if len(data) % 2:
        return None
    best, best_score = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausible(text)
        if score > best_score:
            best, best_score = text, score
    return best if best_score >= 0.9 else None


def _decode(data: bytes) -> str:
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data.decode("utf-8-sig")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
    except UnicodeDecodeError:
        raise DecomposeError(UNKNOWN_ENCODING)
    if b"\x00" in data:  # only UTF-16 text holds NUL bytes
        text = _utf16_without_bom(data)
        if text is None:
            raise DecomposeError(NOT_TEXT)
        return text
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DecomposeError(UNKNOWN_ENCODING)


def decode_text(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 (with or without BOM) or GB18030 bytes."""
    text = _decode(data)
    if len(UNPRINTABLE.findall(text)) > max(2, len(text) // 100):
        raise DecomposeError(NOT_TEXT)
    return text


def sniff(data: bytes, filename: str) -> str:
    """"docx" or "text"; anything else is refused with the reason."""
    if data.startswith(ZIP_MAGIC):
        return "docx"
    if data.startswith(OLE_MAGIC):
        raise DecomposeError("不支持旧版 Word（.doc）或加密的文档，请在 Word 中“另存为” .docx 后再上传")
    for magic, what in BINARY_MAGIC:
        if data.startswith(magic):
            raise DecomposeError(f"文件是{what}，不是文本或 Word 文档，请上传 .txt 或 .docx")
    if filename.lower().endswith(".docx"):
        raise DecomposeError("文件扩展名是 .docx，但内容不是 Word 文档（可能已损坏或被改了扩展名）")
    return "text"


def read_document(source, *, filename: str = "") -> tuple[list[Para], str]:
    """(paragraphs, file name) of a .txt or .docx."""
    data, name = read_bytes(source, filename=filename)
    if not data.strip():
        raise DecomposeError("文件为空")
    if sniff(data, name) == "docx":
        from .docx_reader import read_docx  # python-docx is loaded only for Word files

        return read_docx(data), name
    return text_to_paras(decode_text(data)), name
