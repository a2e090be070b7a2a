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


def test_a_branch_adds_photos_to_its_activity_room(tree, page):
    from dangjian.twonew.models import Centre, CentrePhoto
    from dangjian.twonew.tests.test_photos import JPEG, PNG
    from dangjian.worklists.tests.test_browser import _login

    centre = Centre.objects.create(org=tree.a, kind="activity_room", name="红星村党员活动室")
    page.add_init_script(WATCH)
    _login(page, "secretary_a")
    page.goto("/twonew/centres/")
    page.click("#centre-table >> text=照片")
    page.set_input_files("#id_photos", [
        {"name": "门牌.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "室内.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    page.fill("#id_caption", "门牌和室内")
    page.click("#upload-photos")
    expect(page.locator(".messages")).to_contain_text("已上传 2 张照片")
    expect(page.locator("#centre-photos figure")).to_have_count(2)
    page.set_input_files("#id_photos", {"name": "扫描件.png", "mimeType": "image/png", "buffer": b"%PDF-1.4 x"})
    page.click("#upload-photos")
    expect(page.locator("main")).to_contain_text("扫描件.png：照片只接受 JPEG 或 PNG 图片")
    assert CentrePhoto.objects.filter(centre=centre).count() == 2
    assert page.evaluate("window.__csp") == []
