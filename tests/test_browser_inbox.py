"""待办 end to end in a real browser: the town returns a 销号 request with its reason; the branch
secretary learns of it from the count in the navigation bar, reads the reason in the inbox, does
the work (new evidence, a new request) and the item closes by itself — then it is the town's turn."""

import pytest

from dangjian.testing import DEFAULT_PASSWORD, make_user
from dangjian.worklists.testing import make_item, work_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#nav-inbox")


def _logout(page):
    page.click("form.logout button")
    page.wait_for_url("**/accounts/login/**")


def test_the_town_returns_an_item_and_the_secretary_finds_it_in_the_inbox(tree, page):
    make_user("town_admin", org=tree.town1, role="superior_admin")
    item = work_to(make_item(tree.a, "党员活动室设施老化"), "requested")

    _login(page, "town_admin")
    assert page.inner_text("#nav-inbox-count") == "1"
    page.click("#nav-inbox")
    page.click("#inbox-open >> text=销号申请待审核：党员活动室设施老化")
    page.wait_for_selector("#transitions")
    page.fill("form[data-transition=reject] textarea", "佐证只有文字说明，请补充整改后的现场照片")
    page.click("form[data-transition=reject] button")
    page.wait_for_selector("text=整改中")
    assert page.locator("#nav-inbox-count").count() == 0  # the review is done, so is the 待办
    _logout(page)

    _login(page, "secretary_a")
    assert page.inner_text("#nav-inbox-count") == "1"
    page.click("#nav-inbox")
    returned = page.locator("#inbox-open li.unread")
    assert "销号申请被退回：党员活动室设施老化" in returned.inner_text()
    assert "请补充整改后的现场照片" in returned.inner_text()
    page.click("#inbox-open >> text=销号申请被退回：党员活动室设施老化")
    page.wait_for_url(f"**/worklists/{item.pk}/")
    # Reading it does not close it.
    page.click("#nav-inbox")
    page.wait_for_url("**/inbox/")  # count() does not wait: without this it may count the page being left
    assert page.locator("#inbox-open li.unread").count() == 0
    assert page.locator("#inbox-open li").filter(has_text="销号申请被退回").count() == 1
    page.goto(f"/worklists/{item.pk}/")
    page.fill("#evidence-form textarea[name=text]", "已更换桌椅并粉刷墙面，附现场照片")
    page.check("#evidence-form input[name=submit]")
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector("text=等待上级审核")
    assert page.locator("#nav-inbox-count").count() == 0
    page.click("#nav-inbox")
    assert "没有待办事项" in page.inner_text("#inbox-open")
    assert "已重新申请销号" in page.inner_text("#inbox-closed")
    _logout(page)

    _login(page, "town_admin")
    assert page.inner_text("#nav-inbox-count") == "1"
