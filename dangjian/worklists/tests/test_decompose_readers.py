"""Files as they arrive: encodings, Word documents with list numbering and tables, and bad files."""

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from dangjian.worklists.decompose import DecomposeError, decompose_file
from dangjian.worklists.decompose.numbering import chinese, format_number
from dangjian.worklists.decompose.readers import MAX_FILE_BYTES, MAX_TEXT_CHARS

FIXTURES = Path(__file__).parent / "fixtures"
SPEECH = (FIXTURES / "county_speech.txt").read_text(encoding="utf-8")
TITLE = "在全县基层党建工作推进会上的讲话"


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node["children"])


# -- text encodings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    SPEECH.encode("utf-8"),
    b"\xef\xbb\xbf" + SPEECH.encode("utf-8"),
    SPEECH.encode("gb18030"),
    SPEECH.encode("utf-16"),
    b"\xfe\xff" + SPEECH.encode("utf-16-be"),
    SPEECH.replace("\n", "\r\n").encode("utf-16-le"),
], ids=["utf-8", "utf-8-bom", "gb18030", "utf-16", "utf-16-be-bom", "utf-16-le-no-bom"])
def test_text_in_every_usual_encoding(data):
    result = decompose_file(data, filename="讲话.txt")
    assert result["title"] == TITLE
    assert [n["marker"] for n in result["outline"]] == ["一、", "二、", "三、"]
    assert {i["source"] for i in result["items"]} == {"讲话.txt"}


def test_a_path_and_an_open_file_are_read_too(tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="gb18030")
    assert decompose_file(path)["items"][0]["source"] == "speech.txt"
    assert decompose_file(str(path), filename="讲话.txt")["title"] == TITLE
    with path.open("rb") as handle:
        assert decompose_file(handle)["title"] == TITLE


# -- bad files -----------------------------------------------------------------------------------------

def rejects(data: bytes, filename: str, words: str):
    with pytest.raises(DecomposeError) as caught:
        decompose_file(data, filename=filename)
    assert words in str(caught.value)
    return str(caught.value)


def test_an_empty_file_is_refused():
    rejects(b"", "empty.txt", "文件为空")
    rejects(b"   \r\n\t ", "blank.txt", "文件为空")


def test_binaries_are_refused_with_what_they_are():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6"
    rejects(png, "speech.txt", "图片（PNG）")
    rejects(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "speech.pdf", "PDF")
    rejects(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "speech.doc", ".doc")
    rejects(bytes(range(256)) * 8, "data.bin", "不是文本文件")


def test_a_text_renamed_to_docx_and_a_zip_that_is_not_word_are_refused():
    rejects(SPEECH.encode("utf-8"), "speech.docx", "内容不是 Word 文档")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    rejects(buffer.getvalue(), "speech.docx", "Excel")
    rejects(b"PK\x03\x04broken", "speech.docx", "损坏")


def test_enormous_files_and_texts_are_refused(tmp_path):
    message = rejects(b"a" * (MAX_FILE_BYTES + 1), "big.txt", "文件过大")
    assert "5 MB" in message
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(DecomposeError, match="文件过大"):
        decompose_file(path)
    rejects(("党" * (MAX_TEXT_CHARS + 1)).encode("utf-8"), "long.txt", "文字过长")


def test_a_zip_bomb_is_refused_unread():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (32 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_FILE_BYTES
    rejects(buffer.getvalue(), "bomb.docx", "压缩炸弹")


def test_a_docx_with_an_entity_declaration_is_refused():
    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            archive.writestr(info, data)
    rejects(out.getvalue(), "evil.docx", "DOCTYPE")


# -- Word documents ------------------------------------------------------------------------------------

def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_list_numbering_and_tables_are_read():
    document = Document()
    document.add_paragraph("关于做好2024年党建重点工作的通知", style="Title")
    document.add_paragraph("各党支部：现将今年重点工作通知如下。")
    document.add_paragraph("严格组织生活", style="List Number")
    document.add_paragraph("各党支部每月开展一次主题党日活动。")
    document.add_paragraph("抓实党员管理", style="List Number")
    document.add_paragraph("要加强流动党员管理，每半年排查一次。")
    document.add_paragraph("压实工作责任", style="List Number")
    table = document.add_table(rows=3, cols=4)
    for row, cells in zip(table.rows, [("序号", "任务", "责任单位", "完成时限"),
                                       ("1", "开展软弱涣散党组织整顿", "县委组织部", "6月底前"),
                                       ("2", "规范党费收缴", "各党支部", "每季度")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    result = decompose_file(docx_bytes(document), filename="通知.docx")
    assert result["title"] == "关于做好2024年党建重点工作的通知"
    assert [(n["marker"], n["heading"]) for n in result["outline"]] == [
        ("1.", "严格组织生活"), ("2.", "抓实党员管理"), ("3.", "压实工作责任")]
    table_text = result["outline"][2]["text"]
    assert "开展软弱涣散党组织整顿（责任单位：县委组织部；完成时限：6月底前）" in table_text
    assert "规范党费收缴（责任单位：各党支部；完成时限：每季度）" in table_text
    rectify = next(i for i in result["items"] if i["text"].startswith("开展软弱涣散"))
    assert (rectify["owners"], rectify["deadline"], rectify["mechanisms"]) == (["县委组织部"], "6月底前", ["后进整顿"])
    assert next(i for i in result["items"] if "流动党员" in i["text"])["frequency"] == "half-yearly"


def chinese_list(document) -> int:
    """A three-level list as Chinese documents number them: 一、 （一） 1."""
    numbering = document.part.numbering_part.element
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{lvl_xml}</w:abstractNum>'))
    return numbering.add_num(90).numId


def numbered(document, text: str, num_id: int, level: int):
    paragraph = document.add_paragraph(text)
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id
    return paragraph


def test_chinese_multilevel_word_numbering_is_rebuilt():
    document = Document()
    document.add_paragraph("在全镇党建工作会议上的讲话", style="Title")
    num = chinese_list(document)
    numbered(document, "提高认识", num, 0)
    numbered(document, "加强领导", num, 1)
    numbered(document, "各村党组织书记要履行第一责任人职责。", num, 2)
    numbered(document, "班子成员要落实一岗双责。", num, 2)
    numbered(document, "严格管理", num, 1)
    numbered(document, "狠抓落实", num, 0)
    numbered(document, "强化督查", num, 1)
    numbered(document, "组织部门要每季度通报一次。", num, 2)
    result = decompose_file(docx_bytes(document), filename="讲话.docx")
    assert [(n["marker"], n["level"], n["heading"]) for n in walk(result["outline"])] == [
        ("一、", 1, "提高认识"), ("（一）", 2, "加强领导"), ("1.", 3, "各村党组织书记要履行第一责任人职责"),
        ("2.", 3, "班子成员要落实一岗双责"), ("（二）", 2, "严格管理"), ("二、", 1, "狠抓落实"),
        ("（一）", 2, "强化督查"),
        ("1.", 3, "组织部门要每季度通报一次"),
    ]
    kinds = [(i["path"], i["kind"]) for i in result["items"]]
    assert kinds == [(["一、", "（一）", "1."], "responsibility"), (["一、", "（一）", "2."], "responsibility"),
                     (["一、", "（二）"], "task"), (["二、", "（一）", "1."], "responsibility")]


def test_word_headings_without_numbering_still_make_sections():
    document = Document()
    document.add_heading("2024年党建工作要点", level=0)
    document.add_heading("工作目标", level=1)
    document.add_paragraph("要实现党组织全覆盖。")
    document.add_heading("重点任务", level=1)
    document.add_paragraph("要严格落实三会一课制度。")
    result = decompose_file(docx_bytes(document), filename="要点.docx")
    assert result["title"] == "2024年党建工作要点"
    assert [(n["heading"], n["text"]) for n in result["outline"]] == [
        ("工作目标", "要实现党组织全覆盖。"), ("重点任务", "要严格落实三会一课制度。")]


def test_number_formats():
    assert [chinese(n) for n in (1, 10, 11, 20, 35)] == ["一", "十", "十一", "二十", "三十五"]
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "chineseLegalSimplified") == "贰"
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(28, "lowerLetter") == "bb"
    assert format_number(3, "ideographTraditional") == "丙"
    assert qn("w:numFmt")  # the namespace helper the reader relies on
