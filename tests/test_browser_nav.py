"""The main menu in a real browser: four groups instead of nineteen links, one group open at a time,
closed again by Escape or a click elsewhere, and every link inside reachable."""

import pytest

from dangjian.worklists.tests.test_browser import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visible_links(page) -> list[str]:
    return [a.inner_text().strip() for a in page.locator("nav.mainnav a").all() if a.is_visible()]


def test_menu_groups_open_one_at_a_time(tree, page):
    _login(page, "secretary_a")
    assert visible_links(page)[:3] == ["首页", "待办", "数据看板"]
    assert "党费" not in visible_links(page)
    page.click("nav.mainnav summary:text-is('日常工作')")
    assert {"组织生活", "学习教育", "党费", "通知公告"} <= set(visible_links(page))
    page.click("nav.mainnav summary:text-is('组织队伍')")
    shown = set(visible_links(page))
    assert {"组织体系", "党员管理", "流动党员"} <= shown and "党费" not in shown
    page.keyboard.press("Escape")
    assert "组织体系" not in visible_links(page)
    page.click("nav.mainnav summary:text-is('考核督查')")
    assert "考核评价" in visible_links(page)
    page.click("h1")
    assert "考核评价" not in visible_links(page)
    page.click("nav.mainnav summary:text-is('日常工作')")
    page.click("nav.mainnav a:text-is('党费')")
    page.wait_for_url("**/dues/**")
