"""The draft items written out: an .xlsx sheet and a .docx list (for ``dangjian decompose``)."""

from __future__ import annotations

KIND_LABELS = {"problem": "问题", "task": "任务", "responsibility": "责任"}
KIND_SECTIONS = (("problem", "问题清单"), ("task", "任务清单"), ("responsibility", "责任清单"))
FREQUENCY_LABELS = {"monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年", "yearly": "每年"}
HEADERS = ("序号", "类型", "事项", "措施", "内容", "层级路径", "责任主体", "频次", "时限", "涉及机制")
WIDTHS = (6, 8, 30, 50, 60, 18, 24, 8, 12, 24)
WRAPPED = (2, 3, 4)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A string a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def item_row(number: int, item: dict) -> list:
    return [
        number,
        KIND_LABELS.get(item.get("kind"), item.get("kind") or ""),
        item.get("title") or item.get("text") or "",
        "\n".join(f"{n}. {m}" for n, m in enumerate(item.get("measures") or [], start=1)),
        item.get("text") or "",
        " › ".join(item.get("path") or []),
        "、".join(item.get("owners") or []),
        FREQUENCY_LABELS.get(item.get("frequency"), ""),
        item.get("deadline") or "",
        "、".join(item.get("mechanisms") or []),
    ]


def write_xlsx(result: dict, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "清单草稿"
    sheet.append([safe_cell(result.get("title") or "未命名文件")])
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, item in enumerate(result.get("items") or [], start=1):
        sheet.append([safe_cell(value) for value in item_row(number, item)])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for column in WRAPPED:
            row[column].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    book.save(path)


def _details(item: dict) -> str:
    parts = []
    if item.get("owners"):
        parts.append("责任主体：" + "、".join(item["owners"]))
    if item.get("frequency"):
        parts.append("频次：" + FREQUENCY_LABELS.get(item["frequency"], item["frequency"]))
    if item.get("deadline"):
        parts.append("时限：" + item["deadline"])
    if item.get("mechanisms"):
        parts.append("涉及机制：" + "、".join(item["mechanisms"]))
    return "（" + "；".join(parts) + "）" if parts else ""


def _new_list(document) -> int:
    """A numbering instance of the List Number style that starts again at 1 (one per group)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    style_numpr = document.styles["List Number"].element.pPr.numPr
    numbering = document.part.numbering_part.element
    abstract_id = next(num.abstractNumId.val for num in numbering.num_lst if num.numId == style_numpr.numId.val)
    num = numbering.add_num(abstract_id)
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "1")
    num.add_lvlOverride(ilvl=0).append(start)
    return num.numId


def _numbered(paragraph, num_id: int) -> None:
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 0
    numpr.get_or_add_numId().val = num_id


def write_docx(result: dict, path) -> None:
    from docx import Document

    document = Document()
    document.add_heading(result.get("title") or "未命名文件", level=0)
    document.add_paragraph("本清单由文件自动分解生成，仅为草稿，请核对后使用。")
    items = result.get("items") or []
    for kind, section in KIND_SECTIONS:
        chosen = [item for item in items if item.get("kind") == kind]
        if not chosen:
            continue
        document.add_heading(f"{section}（{len(chosen)} 项）", level=1)
        num_id = _new_list(document)
        for item in chosen:
            paragraph = document.add_paragraph(item.get("title") or item.get("text") or "", style="List Number")
            _numbered(paragraph, num_id)
            details = _details(item)
            if details:
                paragraph.add_run(details).italic = True
            for number, measure in enumerate(item.get("measures") or [], start=1):
                document.add_paragraph(f"措施{number}：{measure}")
    document.save(path)
