"""Roster export: scoped, filtered, masked, and safe against formula injection."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from dangjian.core.actors import SYSTEM
from dangjian.core.excel import safe_cell
from dangjian.jobs.testing import finished_download
from dangjian.members.actions import member_update
from dangjian.members.io.exporting import ROSTER_HEADERS
from dangjian.testing import make_member

pytestmark = pytest.mark.django_db


def export(client, params=None):
    """The roster export is a background job: queue it, run it, download its file."""
    return finished_download(client, client.get(reverse("members:export"), params or {}))


def roster(response):
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ROSTER_HEADERS
    return [dict(zip(ROSTER_HEADERS, r, strict=True)) for r in rows[1:]], body, sheet


@pytest.mark.parametrize("text", ["=cmd()", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_neutralises_formulas(text):
    assert safe_cell(text) == "'" + text


def test_safe_cell_leaves_other_values():
    assert safe_cell("张三") == "张三" and safe_cell(5) == 5 and safe_cell(None) is None


def test_export_masks_ids_and_phones(tree, login):
    member = tree.members["a"][0]
    member_update(acting_user=SYSTEM, member=member, phone="13912345678")
    rows, body, _ = roster(export(login(tree.secretary_a)))
    row = next(r for r in rows if r["姓名"] == member.name)
    assert row["公民身份号码"] == member.id_number_masked and "*" in row["公民身份号码"]
    assert row["手机号码"] == "139****5678"
    assert row["所在党组织"] == tree.a.name and row["所在党组织代码"] == tree.a.code
    assert row["性别"] == "男" and row["党员类型"] == "正式党员" and row["失联党员"] == "否"
    assert row["入党日期"].date().isoformat() == "2005-07-01"
    for m in tree.members["a"]:
        assert m.reveal_id_number().encode() not in body


def test_export_neutralises_formula_text(tree, login):
    make_member(tree.a, name="=cmd()", address="+HYPERLINK(\"http://x\")", work_unit="@SUM(1)")
    rows, _, sheet = roster(export(login(tree.secretary_a)))
    row = next(r for r in rows if "cmd" in r["姓名"])
    assert row["姓名"] == "'=cmd()"
    assert row["家庭住址"].startswith("'+") and row["工作单位"] == "'@SUM(1)"
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_export_contains_only_the_users_scope(tree, login):
    rows, _, _ = roster(export(login(tree.secretary_a)))
    assert sorted(r["姓名"] for r in rows) == sorted(m.name for m in tree.members["a"])
    assert [r["序号"] for r in rows] == list(range(1, len(rows) + 1))
    rows, _, _ = roster(export(login(tree.reader_town1)))
    assert len(rows) == len(tree.members["a"]) + len(tree.members["b"])


def test_export_applies_the_list_filters(tree, login):
    client = login(tree.county_admin)
    rows, _, _ = roster(export(client, {"gender": "F"}))
    assert sorted(r["姓名"] for r in rows) == sorted(m.name for m in tree.members["b"])
    rows, _, _ = roster(export(client, {"org": tree.town2.pk}))
    assert {r["所在党组织代码"] for r in rows} == {tree.c.code}
    rows, _, _ = roster(export(client, {"q": "张红星"}))
    assert [r["姓名"] for r in rows] == ["张红星"]


def test_export_filename_is_chinese_safe(tree, login):
    response = export(login(tree.secretary_a))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("党员名册_") in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_export_requires_login(client):
    response = client.get(reverse("members:export"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_member_template_download(tree, login):
    response = login(tree.reader_town1).get(reverse("members:import_template"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["党员信息", "填写说明"]
    header = [c.value for c in book["党员信息"][1]]
    assert header[:4] == ["姓名", "性别", "民族", "公民身份号码"] and "所在党组织代码" in header
    assert "公民身份号码" in book["党员信息"]["B1"].comment.text  # 性别: 不填按公民身份号码
    guide = "\n".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "流动党员" not in header and "流动地点" not in header  # kept by the outflow and inflow records
    assert "“流动党员”“流动地点”不能导入" in guide
    for allowed in ("男、女", "正式党员、预备党员", "YYYY-MM-DD", "汉族", "大学本科", "停止党籍"):
        assert allowed in guide
    assert book["党员信息"].data_validations.dataValidation  # drop-down lists
