"""A branch secretary records an outflow with the member picker, files a report, and sees the
reminder on the outflow page; then edits an outflow on its edit page (real browser)."""

import pytest
from playwright.sync_api import expect

from dangjian.members.models import Member
from dangjian.mobility.models import FlowReport, Outflow
from dangjian.mobility.rules import add_months
from dangjian.testing import open_menu
from tests.browser import login_as

from .conftest import away

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_an_outflow_and_a_report(tree, today, page):
    login_as(page, "secretary_a")
    open_menu(page, "流动党员")
    page.goto(f"/mobility/org/{tree.a.pk}/")
    page.click("text=登记党员外出")
    page.click("#id_member-ts-control")
    page.keyboard.type("李建")
    expect(page.locator(".ts-dropdown .option")).to_have_text(["李建国（东城镇红星村党支部）"])
    page.keyboard.press("Enter")
    page.fill("#id_place", "广东省东莞市")
    page.fill("#id_left_on", f"{add_months(today, -7):%Y-%m-%d}")
    page.click("#outflow-form button[type=submit]")
    page.wait_for_selector("#outflows >> text=李建国")
    outflow = Outflow.objects.get()
    assert outflow.member == tree.members["a"][1] and outflow.place == "广东省东莞市"
    page.click("#outflows >> text=李建国")
    expect(page.locator("#flow-flags")).to_contain_text("应转接组织关系")
    page.fill("#id_content", "在东莞务工，参加园区流动党员支部活动")
    page.select_option("#id_method", "phone")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#reports >> text=在东莞务工")
    assert FlowReport.objects.get().outflow == outflow
    expect(page.locator("#flow-flags")).not_to_contain_text("疑似失联")


def test_edit_an_outflow_from_its_page(tree, today, page):
    outflow = away(tree.members["a"][0], today, 2)
    login_as(page, "secretary_a")
    page.goto(f"/mobility/org/{tree.a.pk}/")
    page.click(f"#outflows >> text={outflow.member.name}")
    page.click("#outflow-edit")
    expect(page.locator("#id_place")).to_have_value("广东省深圳市")
    page.fill("#id_place", "江苏省苏州市工业园区")
    page.fill("#id_contact", "13700000000")
    page.click("#outflow-edit-form button[type=submit]")
    expect(page.locator("dl.facts")).to_contain_text("江苏省苏州市工业园区")
    saved = Outflow.objects.get(pk=outflow.pk)
    assert (saved.place, saved.contact, saved.version) == ("江苏省苏州市工业园区", "13700000000", outflow.version + 1)
    assert Member.objects.get(pk=outflow.member_id).flow_place == "江苏省苏州市工业园区"
