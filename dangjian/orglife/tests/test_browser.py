"""A branch secretary records a meeting in a real browser and sees the matrix change."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.orglife.models import Meeting
from dangjian.testing import DEFAULT_PASSWORD, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_records_a_meeting_and_the_matrix_changes(tree, page):
    held = timezone.localtime() - dt.timedelta(hours=1)
    month = held.month
    page.goto("/accounts/login/")
    page.fill("#id_username", "secretary_a")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    open_menu(page, "组织生活")
    page.goto(f"/orglife/?year={held.year}")
    cell = f"#orglife-matrix tr[data-org='{tree.a.pk}'] td[data-month='{month}']"
    before = page.get_attribute(cell, "class")
    assert "good" not in before

    page.click(f"#orglife-matrix >> text={tree.a.name}")
    page.click("text=登记会议")
    page.fill("#id_title", f"{month}月主题党日")
    page.check("input[name=types][value=theme_day]")
    page.fill("#id_held_at", held.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "党员活动室")
    page.fill("#id_host", "张红星")
    page.fill("#id_recorder", "李建国")
    page.fill("#id_minutes", "学习党章，讨论本月工作。")
    absent = tree.members["a"][3]
    page.select_option(f"select[name=att-{absent.pk}]", "leave")
    page.fill(f"input[name=reason-{absent.pk}]", "外出务工")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("text=已登记")
    assert "外出务工" in page.inner_text("main")

    meeting = Meeting.objects.get(title=f"{month}月主题党日")
    assert (meeting.present_count, meeting.leave_count) == (3, 1)
    page.goto(f"/orglife/?year={held.year}")
    # met now; green only if nothing else of the month is still open (未到期 is yellow)
    assert page.get_attribute(cell, "class") in ("cell good", "cell open")
    assert "1 次会" in page.inner_text(cell)
    page.click(f"{cell} >> a")
    page.click(f"#month-meetings >> text={month}月主题党日")
    assert f"{month}月主题党日" in page.inner_text("h1")
