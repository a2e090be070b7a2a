"""A 集中督查 in a real browser: a finding recorded on a phone-sized screen becomes a 三单 item,
the branch rectifies it, the county approves 销号, and the campaign report shows 已销号."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.campaigns import actions
from dangjian.campaigns.models import Finding
from dangjian.core.actors import SYSTEM
from dangjian.worklists.choices import State
from dangjian.worklists.tests.test_browser import _login

from .conftest import make_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_finding_to_item_to_closed_in_the_report(tree, page):
    campaign = make_campaign(tree, timezone.localdate())
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a])
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, "county_admin")
    page.goto(f"/campaigns/{campaign.pk}/")
    page.click("#targets >> text=现场记录")
    page.wait_for_selector("#finding-form")
    width = page.evaluate("document.querySelector('#finding-form textarea').getBoundingClientRect().right")
    assert width <= 390  # the form fits the phone
    page.fill("#finding-form textarea[name=text]", "党员活动室未挂牌，学习资料陈旧")
    page.check("#finding-form input[name=is_problem]")
    page.fill("#finding-form input[name=deadline]", (timezone.localdate() + dt.timedelta(days=20)).isoformat())
    page.set_input_files("#finding-form input[type=file]", files=[
        {"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("text=并转为问题清单事项")
    finding = Finding.objects.get()
    assert finding.item.org == tree.a and finding.photos.count() == 1

    page.click("button:has-text('退出')")
    _login(page, "secretary_a")
    page.goto(f"/campaigns/{campaign.pk}/report/")
    page.click("#report-table .status a")
    page.wait_for_selector("#transitions")
    page.click("form[data-transition=claim] button")
    page.wait_for_selector("text=已认领")
    page.fill("#evidence-form textarea[name=text]", "已挂牌并更新学习资料")
    page.check("#evidence-form input[name=submit]")
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector("text=等待上级审核")
    item_url = page.url

    page.click("button:has-text('退出')")
    _login(page, "county_admin")
    page.goto(item_url)
    page.fill("form[data-transition=approve] textarea", "整改到位")
    page.click("form[data-transition=approve] button")
    page.wait_for_selector("text=已审核销号")
    page.goto(f"/campaigns/{campaign.pk}/report/")
    assert "已销号" in page.inner_text(f"#report-table tr[data-finding='{finding.pk}'] .status")
    finding.item.refresh_from_db()
    assert finding.item.state == State.CLOSED
