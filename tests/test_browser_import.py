"""A branch secretary's first import, in a real browser: a file with one bad row is refused with
the row, column and reason; the corrected file goes in; the new member can be found."""

import datetime as dt

import openpyxl
import pytest

from dangjian.core.idnumbers import make_id_number
from dangjian.members.models import Member
from dangjian.testing import DEFAULT_PASSWORD, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["姓名", "性别", "民族", "公民身份号码", "出生日期", "入党日期", "转正日期", "党员类型", "党籍状态",
           "所在党组织代码"]


def _write(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)


def _row(name, id_number, birth, org_code):
    return [name, "男", "汉族", id_number, birth.isoformat(), "2010-07-01", "2011-07-01", "正式党员", "正常", org_code]


def test_secretary_imports_after_fixing_a_bad_row(tree, page, tmp_path):
    birth = dt.date(1985, 3, 9)
    good_id = make_id_number("110101", birth, 777, "M")
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # wrong check digit
    second = make_id_number("110101", dt.date(1979, 11, 2), 778, "M")
    bad_file, good_file = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    other = _row("冯立军", second, dt.date(1979, 11, 2), tree.a.code)
    _write(bad_file, [_row("钱新民", bad_id, birth, tree.a.code), other])
    _write(good_file, [_row("钱新民", good_id, birth, tree.a.code), other])

    page.goto("/accounts/login/")
    page.fill("#id_username", "secretary_a")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    open_menu(page, "组织体系")
    page.click(f"text={tree.a.name}")
    page.wait_for_selector("h1")
    assert tree.a.name in page.inner_text("h1")

    open_menu(page, "导入")
    page.set_input_files("input[type=file]", str(bad_file))
    page.click("#import-form button[type=submit]")
    report = page.inner_text("#import-errors")
    assert "第2行" in report or "2" in report
    assert "公民身份号码" in report and "校验位" in report
    assert Member.objects.filter(name__in=["钱新民", "冯立军"]).count() == 0

    page.set_input_files("input[type=file]", str(good_file))
    page.click("#import-form button[type=submit]")
    assert "新增 2 条" in page.inner_text("#import-result")
    open_menu(page, "党员管理")
    page.fill("#id_q", "钱新民")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#member-table >> text=钱新民")
    page.click("#member-table >> text=钱新民")
    assert "钱新民" in page.inner_text("h1")
    assert Member.objects.get(name="钱新民").org_id == tree.a.pk
