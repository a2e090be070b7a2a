"""Word (.docx) documents: opened safely, read in body order, lists and tables included.

Safety before parsing: the zip must hold word/document.xml; the declared uncompressed sizes (which
bound what zipfile will ever inflate) and compression ratios are checked against limits, so a zip bomb
is refused unread; an XML part with a DOCTYPE or ENTITY declaration is refused (Word never writes one),
and python-docx's parser does not resolve entities in any case.
"""

from __future__ import annotations

import io
import re
import zipfile

from dangjian.core import zipsafety

from .errors import DecomposeError
from .markers import Marker, marker_at_start
from .segment import Para
from .words import either

MAX_DOCUMENT_XML = 30 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200
DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
TITLE_STYLES = {"title", "标题", "subtitle"}
HEADER_WORDS = re.compile(either("""
    序号 内容 任务 问题 措施 事项 工作 责任 单位 部门 时限 时间 牵头 配合 备注 目标 要求 表现 原因 领导 完成
"""))
MAIN_COLUMN = re.compile(r"内容|任务|问题|措施|事项|工作|目标|要求")
NUMBER_COLUMN = re.compile(r"序号|编号|\s*")


def _bomb() -> DecomposeError:
    return DecomposeError("Word 文档解压后体积异常（疑似压缩炸弹），已拒绝读取")


def _has_declaration(raw: bytes) -> bool:
    if DECLARATION.search(raw):
        return True
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:64]:
        for encoding in ("utf-16-le", "utf-16-be"):
            text = raw.decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
            if DECLARATION.search(text):
                return True
    return False


def check_package(data: bytes) -> None:
    """Refuse what is not a .docx, or what would be unsafe to open, before python-docx sees it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DecomposeError("文件是损坏的压缩包，不是可读取的 Word 文档")
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "word/document.xml" not in names:
            hint = "Excel 表格" if any(n.startswith("xl/") for n in names) else "压缩包"
            raise DecomposeError(f"文件是{hint}，不是 Word 文档（.docx）")
        if len(infos) > MAX_ENTRIES:
            raise DecomposeError("Word 文档内部文件数量异常，已拒绝读取")
        if any(info.flag_bits & 0x1 for info in infos):
            raise DecomposeError("Word 文档已加密，请取消密码后再上传")
        if archive.getinfo("word/document.xml").file_size > MAX_DOCUMENT_XML:
            raise _bomb()
        if sum(info.file_size for info in infos) > MAX_UNZIPPED:
            raise _bomb()
        if any(info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
               for info in infos):
            raise _bomb()
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _has_declaration(archive.read(info)):
                raise DecomposeError("Word 文档含有不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝读取")
        try:  # and what every upload gets: each part inflated in bounded chunks, a lying header refused
            zipsafety.check_archive(archive, zipsafety.OFFICE_LIMITS)
        except zipsafety.UnsafeArchive as exc:
            raise DecomposeError(f"Word {zipsafety.MESSAGES[exc.kind]}") from None


def _open(data: bytes):
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds (KeyError, lxml errors, …) on broken files
        raise DecomposeError("无法读取 Word 文档，文件可能已损坏") from exc


def _block_elements(parent):
    """Paragraphs and tables of the body in order, also inside content controls."""
    from docx.oxml.ns import qn

    for child in parent.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent")) if child.tag == qn("w:sdt") else child
            if content is not None:
                yield from _block_elements(content)


def _style_name(paragraph) -> str:
    try:
        return (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError, AttributeError):
        return ""


def _paragraph_paras(paragraph, numbering) -> list[Para]:
    lines = [line.strip() for line in paragraph.text.split("\n")]
    marker = numbering.marker_for(paragraph._p)
    style = _style_name(paragraph)
    hint = "title" if style.lower() in TITLE_STYLES else ""
    heading = HEADING_STYLE.match(style)
    if marker is None and heading and lines and lines[0] and marker_at_start(lines[0]) is None:
        key = f"heading:{heading.group(1)}"
        marker = Marker("", key, None)
    if not any(lines):
        return []
    first, rest = lines[0], [Para(line) for line in lines[1:] if line]
    return [Para(first, marker=marker, hint=hint), *rest] if first else rest


def _cell_text(cell) -> str:
    texts = [p.text.strip().replace("\n", "；") for p in cell.paragraphs if p.text.strip()]
    for table in cell.tables:
        texts += [" ".join(_row_cells(row, table)) for row in table._tbl.tr_lst]
    return "；".join(t for t in texts if t)


def _row_cells(tr, table) -> list[str]:
    from docx.table import _Cell

    return [_cell_text(_Cell(tc, table)) for tc in tr.tc_lst]


def _is_header(row: list[str]) -> bool:
    return len(row) >= 2 and all(len(c) <= 12 for c in row) and any(HEADER_WORDS.search(c) for c in row if c)


def _row_line(row: list[str], header: list[str] | None) -> str:
    """One table row as one line; under a header, "内容（责任单位：…；完成时限：…）"."""
    if not header:
        return "｜".join(c for c in row if c)
    pairs = list(zip(header, row, strict=False))
    main = next((i for i, (h, c) in enumerate(pairs) if c and MAIN_COLUMN.search(h)), None)
    if main is None:
        main = max(range(len(pairs)), key=lambda i: len(pairs[i][1]))
    labels = [f"{h}：{c}" for i, (h, c) in enumerate(pairs) if i != main and c and not NUMBER_COLUMN.fullmatch(h)]
    return f"{pairs[main][1]}（{'；'.join(labels)}）" if labels else pairs[main][1]


def _table_paras(table) -> list[Para]:
    rows = [_row_cells(tr, table) for tr in table._tbl.tr_lst]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    header = rows[0] if _is_header(rows[0]) and len(rows) > 1 else None
    return [Para(line) for row in (rows[1:] if header else rows) if (line := _row_line(row, header))]


def read_docx(data: bytes) -> list[Para]:
    """The paragraphs of a .docx body: list numbering rebuilt as markers, tables as one line per row."""
    check_package(data)
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from .numbering import ListNumbering

    document = _open(data)
    numbering = ListNumbering(document)
    paras: list[Para] = []
    for element in _block_elements(document.element.body):
        if element.tag == qn("w:p"):
            paras += _paragraph_paras(Paragraph(element, document), numbering)
        else:
            paras += _table_paras(Table(element, document))
    return paras
