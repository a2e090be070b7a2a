"""Uploaded .xlsx and .docx read safely: zip bombs (declared or lying about their size) and XML
entity declarations are refused with a clear Chinese message, in little memory (issue 5 item 7).

Every malicious file is built here by hand, the 1 GB members from a compressible stream, so the
repository ships no bombs."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib

import openpyxl
import pytest
from django.urls import reverse

from dangjian.core.excel import ExcelFileError, open_sheet
from dangjian.members.models import Member

GIB = 1024 * 1024 * 1024
SECRET = "绝密-只在服务器上-7f3a"
SHEET = "xl/worksheets/sheet1.xml"
NAME_REF = b"&#24352;&#19977;"  # 张三 as openpyxl writes it (inline strings, character references)


def _workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "性别"])
    sheet.append(["张三", "男"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, name: str, change) -> bytes:
    """The same package with one part changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            part = source.read(info)
            archive.writestr(info.filename, change(part) if info.filename == name else part)
    return out.getvalue()


def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """``size`` zero bytes, deflated in 16 MB steps (never held whole), and their CRC-32."""
    packer, step, crc, parts = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS), b"\0" * (16 * 1024 * 1024), 0, []
    for _ in range(size // len(step)):
        parts.append(packer.compress(step))
        crc = zlib.crc32(step, crc)
    parts.append(packer.flush())
    return b"".join(parts), crc


def _raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written field by field: (name, deflated data, crc, declared size, real size unused)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, declared, _ in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), declared, len(encoded), 0))
        out.write(encoded + data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), declared,
                                  len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central.getvalue()),
                          start, 0))
    return out.getvalue()


def _with_entity(part: bytes, target) -> bytes:
    declaration = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{target}">]>'.encode()
    part = part.replace(b"?>", b"?>" + declaration, 1) if part.startswith(b"<?xml") else declaration + part
    return part.replace("张三".encode(), b"&xxe;").replace(NAME_REF, b"&xxe;")


def _refused(data: bytes, message: str):
    with pytest.raises(ExcelFileError, match=message) as caught:
        open_sheet(io.BytesIO(data))
    return caught.value


# -- XML external entities ---------------------------------------------------------------------------

@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "_rels/.rels"])
def test_an_xlsx_declaring_an_external_entity_is_refused(tmp_path, part):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    data = _rewrite(_workbook_bytes(), part, lambda xml: _with_entity(xml, secret))
    _refused(data, "DOCTYPE/ENTITY")


def test_the_declaration_is_found_behind_a_long_prolog_and_in_utf16(tmp_path):
    padded = _rewrite(_workbook_bytes(), SHEET,
                      lambda xml: b"<?xml version='1.0'?>" + b"<!-- pad -->" * 3000 + b"<!DOCTYPE x []>" + xml)
    _refused(padded, "DOCTYPE/ENTITY")
    wide = _rewrite(_workbook_bytes(), SHEET,
                    lambda xml: '<!DOCTYPE x [<!ENTITY a "b">]>'.encode("utf-16-le") + xml.decode().encode("utf-16-le"))
    _refused(wide, "DOCTYPE/ENTITY")


def test_billion_laughs_is_refused():
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
              + "]>")
    data = _rewrite(_workbook_bytes(), SHEET,
                    lambda xml: laughs.encode() + xml.replace(NAME_REF, b"&lol9;"))
    _refused(data, "DOCTYPE/ENTITY")


def test_the_parsers_themselves_never_read_the_entitys_file(tmp_path):
    """Defence in depth, past our own check: calamine (quick-xml) and python-docx (lxml with
    resolve_entities=False) never fetch an external entity, so even unchecked the secret stays out."""
    from python_calamine import CalamineWorkbook

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    data = _rewrite(_workbook_bytes(), SHEET, lambda xml: _with_entity(xml, secret))
    try:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    except Exception:  # noqa: BLE001 - refusing the file is as good as ignoring the entity
        rows = []
    assert SECRET not in repr(rows)

    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("张三")
    document.save(buffer)
    evil = _rewrite(buffer.getvalue(), "word/document.xml", lambda xml: _with_entity(xml, secret))
    try:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(evil)).paragraphs)
    except Exception:  # noqa: BLE001
        text = ""
    assert SECRET not in text


# -- zip bombs ---------------------------------------------------------------------------------------

def test_a_one_gigabyte_member_is_refused_unread_in_little_memory():
    data, crc = _deflated_zeros(GIB)
    base = zipfile.ZipFile(io.BytesIO(_workbook_bytes()))
    members = [(i.filename, zlib.compress(base.read(i))[2:-4], zlib.crc32(base.read(i)), i.file_size, 0)
               for i in base.infolist()]
    for name in (SHEET, "xl/media/padding.bin"):  # in a sheet, and in any other part
        bomb = _raw_zip([*(m for m in members if m[0] != name), (name, data, crc, GIB, GIB)])
        assert len(bomb) < 2 * 1024 * 1024
        tracemalloc.start()
        try:
            error = _refused(bomb, "压缩炸弹|工作表内容过大")
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert "拒绝" in str(error) or "分批" in str(error)
        assert peak < 20 * 1024 * 1024, peak


def test_a_member_lying_about_its_size_is_refused():
    """The directory says 1 KB; the data inflates to 64 MB. Rust's zip reader (calamine) would follow
    the data; the check inflates the same bytes itself and stops at the declared size."""
    data, crc = _deflated_zeros(64 * 1024 * 1024)
    base = zipfile.ZipFile(io.BytesIO(_workbook_bytes()))
    members = [(i.filename, zlib.compress(base.read(i))[2:-4], zlib.crc32(base.read(i)), i.file_size, 0)
               for i in base.infolist()]
    honest = _raw_zip(members)
    assert open_sheet(io.BytesIO(honest)).header == ["姓名", "性别"]  # the hand-written zip itself is sound
    lying = _raw_zip([*members, ("xl/media/image1.png", data, crc, 1024, 0)])
    tracemalloc.start()
    try:
        _refused(lying, "压缩炸弹")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_a_highly_compressed_member_is_refused_by_its_ratio():
    base = _workbook_bytes()
    bomb = _rewrite(base, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"</worksheet>", b" " * (8 * 1024 * 1024)
                                                                               + b"</worksheet>"))
    _refused(bomb, "压缩炸弹")


def test_a_one_gigabyte_docx_is_refused():
    from dangjian.worklists.decompose import DecomposeError, decompose_file

    data, crc = _deflated_zeros(GIB)
    bomb = _raw_zip([("[Content_Types].xml", zlib.compress(b"<Types/>")[2:-4], zlib.crc32(b"<Types/>"), 8, 0),
                     ("word/document.xml", data, crc, GIB, GIB)])
    path_like = io.BytesIO(bomb)
    path_like.name = "bomb.docx"
    with pytest.raises(DecomposeError, match="压缩炸弹"):
        decompose_file(path_like)


# -- through the import page -------------------------------------------------------------------------

def test_the_import_page_refuses_an_entity_file_with_the_reason(tree, login, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    data = _rewrite(_workbook_bytes(), SHEET, lambda xml: _with_entity(xml, secret))
    upload = io.BytesIO(data)
    upload.name = "党员.xlsx"
    before = Member.objects.count()
    response = login(tree.secretary_a).post(reverse("members:import"), {"kind": "members", "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "不允许的 XML 声明" in html and SECRET not in html
    assert Member.objects.count() == before


def test_real_workbooks_still_import(tree):
    """The checks pass the files people make: the platform's own template and a written roster."""
    from dangjian.members.io.exporting import member_template_workbook

    out = io.BytesIO()
    member_template_workbook().save(out)
    assert "姓名" in open_sheet(io.BytesIO(out.getvalue())).header
