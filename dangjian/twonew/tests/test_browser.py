"""A township registers an uncovered enterprise in a real browser and sees the coverage rate fall
and the enterprise on the uncovered list; no Content-Security-Policy violation."""

import pytest
from playwright.sync_api import expect

from dangjian.testing import DEFAULT_PASSWORD, open_menu
from dangjian.twonew.choices import Coverage
from dangjian.twonew.models import Entity
from dangjian.twonew.tests.test_registry import entity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_register_an_uncovered_enterprise_and_the_rate_follows(tree, page):
    entity(tree.a, 1, Coverage.SEPARATE, covering_org=tree.a)
    page.add_init_script(WATCH)
    page.goto("/accounts/login/")
    page.fill("#id_username", "county_admin")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    open_menu(page, "两新组织")
    expect(page.locator("#coverage-table tbody tr").first).to_contain_text("100.0%")

    page.click("nav.subnav >> text=登记")
    page.click("#id_org-ts-control")
    page.keyboard.type("红星")
    expect(page.locator(".ts-dropdown .option")).to_have_text([f"{tree.a.name}（{tree.a.code}）"])
    page.keyboard.press("Enter")
    page.fill("#id_name", "红星村快递驿站有限公司")
    page.fill("#id_credit_code", "91350100M000100Y44")  # one wrong character
    page.select_option("#id_kind", "enterprise")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("校验位不正确（第 18 位应为 3）")
    page.fill("#id_credit_code", "91350100M000100Y43")
    page.click("main button[type=submit]")
    expect(page.locator("#entity-coverage")).to_have_text("未覆盖")
    assert Entity.objects.filter(credit_code="91350100M000100Y43", org=tree.a).exists()

    page.click("nav.subnav >> text=覆盖情况")
    expect(page.locator("#coverage-table tbody tr").first).to_contain_text("50.0%")
    page.click("nav.subnav >> text=未覆盖名单")
    expect(page.locator("#entity-table")).to_contain_text("红星村快递驿站有限公司")
    assert page.evaluate("window.__csp") == []
