"""Office files (.xlsx) opened safely: a zip bomb or an XML entity attack is refused before any
parser sees the file (issue 5 item 7).

The declared sizes in the zip's directory are checked first (total, per-member compression ratio,
number of members), then every member is inflated here, in bounded chunks, from the very bytes a
parser would read: a member whose data inflates beyond what the directory declares (a "lying"
header, which Rust's zip reader in python-calamine would follow) is refused, and the prolog of every
XML part is read to refuse a DOCTYPE or ENTITY declaration (Office never writes one; it is how
external entities and "billion laughs" are declared). Memory stays at a few megabytes whatever the
file claims, and nothing is written to disk.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

CHUNK = 1024 * 1024
PROLOG_BYTES = 64 * 1024
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
ROOT = re.compile(rb"<[A-Za-z_]")
XML_SUFFIXES = (".xml", ".rels", ".vml")


@dataclass(frozen=True)
class Limits:
    total_bytes: int  # all members together, uncompressed
    ratio: int  # uncompressed / compressed, for members over ``ratio_floor``
    ratio_floor: int = CHUNK
    entries: int = 10_000


# Any Office file uploaded as a document (evidence, a speech): all its parts together at most 100 MB
# uncompressed, and the ratio of real documents (5–20 times) with a wide margin.
OFFICE_LIMITS = Limits(total_bytes=100 * 1024 * 1024, ratio=200)
# What each kind of refusal tells the user about an uploaded Word or Excel file.
MESSAGES = {
    "bomb": "文件解压后体积异常（疑似压缩炸弹），已拒绝",
    "entity": "文件含有不允许的 XML 声明（DOCTYPE/ENTITY，可用于读取服务器文件），已拒绝",
    "encrypted": "不支持设置了打开密码的文件，请取消密码后再上传",
    "corrupt": "文件已损坏，无法读取",
}


class UnsafeArchive(ValueError):
    """``kind`` is "bomb", "entity", "encrypted" or "corrupt"; the caller words the message."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(detail or kind)
        self.kind = kind


def check_archive(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise UnsafeArchive("bomb", f"{len(infos)} 个内部文件")
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnsafeArchive("encrypted")
    if sum(info.file_size for info in infos) > limits.total_bytes:
        raise UnsafeArchive("bomb", "解压后总大小超过上限")
    for info in infos:
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise UnsafeArchive("bomb", f"{info.filename} 压缩比异常")
    for info in infos:
        _inflate_and_inspect(archive.fp, info)


def _inflate_and_inspect(fp, info: zipfile.ZipInfo) -> None:
    fp.seek(info.header_offset)
    header = fp.read(LOCAL_HEADER.size)
    if len(header) != LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise UnsafeArchive("corrupt", info.filename)
    fields = LOCAL_HEADER.unpack(header)
    fp.seek(info.header_offset + LOCAL_HEADER.size + fields[-2] + fields[-1])
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise UnsafeArchive("corrupt", f"{info.filename} 使用了不支持的压缩方式")
    watch = info.filename.lower().endswith(XML_SUFFIXES)
    produced, prolog, left = 0, bytearray(), info.compress_size
    while left > 0:
        chunk = fp.read(min(CHUNK, left))
        if not chunk:
            raise UnsafeArchive("corrupt", info.filename)
        left -= len(chunk)
        for data in _inflated(inflater, chunk):
            produced += len(data)
            if produced > info.file_size:  # more than the directory declares: a lying header
                raise UnsafeArchive("bomb", f"{info.filename} 实际解压大小超过声明")
            if watch and len(prolog) < PROLOG_BYTES:
                prolog += data[: PROLOG_BYTES - len(prolog)]
        if inflater is not None and inflater.eof:
            break
    if watch:
        _check_prolog(bytes(prolog), info.filename)


def _inflated(inflater, chunk: bytes):
    if inflater is None:
        yield chunk
        return
    data = inflater.decompress(chunk, CHUNK)
    yield data
    while inflater.unconsumed_tail:
        data = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        yield data


def _check_prolog(head: bytes, name: str) -> None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:64]:
        encoding = "utf-16-be" if head[:2] == b"\xfe\xff" or head[:1] == b"\x00" else "utf-16-le"
        head = head.decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
    root = ROOT.search(head)
    prolog = head[: root.start()] if root else head
    if DECLARATION.search(prolog):
        raise UnsafeArchive("entity", name)
    if root is None and len(head) >= PROLOG_BYTES:
        raise UnsafeArchive("entity", f"{name} 的 XML 开头异常")
