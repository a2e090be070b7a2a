"""A member asks to report to a community through the picker, the community accepts, the member
records a service, the community confirms it (real browser)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.community.models import CommunityReport, ServiceRecord
from dangjian.testing import open_menu
from dangjian.worklists.tests.test_browser import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username):
    page.context.clear_cookies()
    _login(page, username)


def test_report_accept_record_confirm(tree, side, page):
    _as(page, "qian")
    page.goto("/members/me/")
    page.click("#id_community-ts-control")
    page.keyboard.type("新华")
    expect(page.locator(".ts-dropdown .option")).to_have_text([tree.b.name_with_code])
    page.keyboard.press("Enter")
    page.click("#request-form button[type=submit]")
    expect(page.locator("#my-report")).to_contain_text("待社区接收")

    _as(page, "secretary_b")
    open_menu(page, "双报到")
    page.goto(f"/community/org/{tree.b.pk}/")
    page.click("#requests button[value=accept]")
    expect(page.locator("#reporters")).to_contain_text("钱医生")
    assert CommunityReport.objects.get(member=side.doctor).status == "accepted"

    _as(page, "qian")
    page.goto("/members/me/")
    page.fill("#id_served_on", f"{timezone.localdate():%Y-%m-%d}")
    page.fill("#id_hours", "2")
    page.fill("#id_what", "为高龄老人送餐")
    page.click("#record-form button[type=submit]")
    expect(page.locator("#my-records")).to_contain_text("待社区确认")

    _as(page, "secretary_b")
    page.goto(f"/community/org/{tree.b.pk}/")
    page.click("#to-confirm button[value=confirm]")
    expect(page.locator("#to-confirm")).to_contain_text("没有待确认的记录")
    assert ServiceRecord.objects.get(report__member=side.doctor).status == "confirmed"
