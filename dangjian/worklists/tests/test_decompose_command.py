"""``dangjian decompose FILE [--format json|xlsx|docx] [--output PATH]``."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from dangjian.worklists.decompose.export import safe_cell, write_xlsx

FIXTURE = Path(__file__).parent / "fixtures" / "county_speech.txt"
REPO = Path(__file__).resolve().parents[3]


def run(*args) -> str:
    out = StringIO()
    call_command("decompose", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_to_stdout_in_chinese():
    text = run(str(FIXTURE))
    assert "在全县基层党建工作推进会上的讲话" in text  # ensure_ascii=False
    result = json.loads(text)
    assert set(result) >= {"title", "noise", "outline", "items", "filtered"}
    assert all(isinstance(i["title"], str) and i["title"] and isinstance(i["measures"], list) for i in result["items"])
    point = next(i for i in result["items"] if i["title"] == "强化督查考核")
    assert point["measures"][1] == "纪检监察机关要加大监督执纪问责力度，对工作不力的严肃追责问责"
    assert point["text"].startswith("强化督查考核。组织部门要会同有关部门")
    assert text.startswith('{\n  "title"')  # indent 2


def test_json_to_a_file(tmp_path):
    target = tmp_path / "out.json"
    run(str(FIXTURE), "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "在全县基层党建工作推进会上的讲话"


def test_xlsx_has_the_ledger_columns(tmp_path):
    target = tmp_path / "items.xlsx"
    run(str(FIXTURE), "--format", "xlsx", "--output", str(target))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][0] == "在全县基层党建工作推进会上的讲话"
    assert rows[1] == ("序号", "类型", "事项", "措施", "内容", "层级路径", "责任主体", "频次", "时限", "涉及机制")
    kinds = {row[1] for row in rows[2:]}
    assert kinds == {"问题", "任务", "责任"}
    assert ("6月底前" in {row[8] for row in rows[2:]}) and ("每季度" in {row[7] for row in rows[2:]})
    assert any(row[3] and row[3].startswith("1. ") for row in rows[2:])  # measures, numbered


def test_xlsx_cells_never_run_as_formulas(tmp_path):
    assert [safe_cell(v) for v in ("=1+1", "+SUM(A1)", "-2", "@cmd", "组织部门", 3)] == \
        ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "组织部门", 3]
    target = tmp_path / "evil.xlsx"
    write_xlsx({"title": "=HYPERLINK(\"x\")", "items": [
        {"kind": "task", "text": "=cmd|' /C calc'!A0", "path": ["-1"], "owners": ["@某部门"], "frequency": None,
         "deadline": None, "mechanisms": []}]}, target)
    sheet = load_workbook(target).active
    assert sheet["A1"].data_type == "s" and sheet["A1"].value.startswith("'=")
    assert sheet["C3"].value == "'=cmd|' /C calc'!A0" and sheet["E3"].value == "'=cmd|' /C calc'!A0"
    assert sheet["F3"].value == "'-1" and sheet["G3"].value == "'@某部门"


def test_docx_lists_the_items_by_kind(tmp_path):
    target = tmp_path / "items.docx"
    run(str(FIXTURE), "--format", "docx", "--output", str(target))
    document = Document(str(target))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "在全县基层党建工作推进会上的讲话"
    headings = [t for t in texts if t.endswith("项）")]
    assert [h.split("（")[0] for h in headings] == ["问题清单", "任务清单", "责任清单"]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == len(json.loads(run(str(FIXTURE)))["items"])


def test_the_generated_docx_decomposes_back_into_its_lists(tmp_path):
    target = tmp_path / "items.docx"
    run(str(FIXTURE), "--format", "docx", "--output", str(target))
    again = json.loads(run(str(target)))
    assert [n["heading"].split("（")[0] for n in again["outline"]] == ["问题清单", "任务清单", "责任清单"]
    assert [c["marker"] for c in again["outline"][0]["children"]][:3] == ["1.", "2.", "3."]


def test_xlsx_and_docx_need_an_output():
    with pytest.raises(CommandError, match="--output"):
        run(str(FIXTURE), "--format", "xlsx")


@pytest.mark.parametrize(("content", "words"), [
    (b"", "文件为空"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "图片"), (None, "文件不存在"),
])
def test_bad_files_are_refused_in_chinese(tmp_path, content, words):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=words):
        run(str(path))


def test_the_console_command_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    done = subprocess.run([sys.executable, "-m", "dangjian.cli", "decompose", str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "图片（PNG）" in done.stderr
    assert "Traceback" not in done.stderr
