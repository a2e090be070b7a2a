"""A branch secretary records one person from 入党申请 to 转正 in a real browser, and is told at
once when a date breaks a rule; at the end the person is a full member."""

import datetime as dt

import pytest

from dangjian.members.models import Member
from dangjian.recruitment.models import RecruitmentCase
from dangjian.recruitment.synthetic import TIMELINE
from dangjian.testing import new_id_number, open_menu
from tests.browser import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(offset: int) -> str:
    return (dt.date(2023, 3, 1) + dt.timedelta(days=offset)).isoformat()


def test_application_to_full_membership(tree, page):
    login_as(page, "secretary_a")
    open_menu(page, "发展党员")
    page.click("#new-case")
    page.fill("#id_org", tree.a.code)
    page.keyboard.press("Escape")
    page.fill("#id_name", "林晓")
    page.fill("#id_id_number", new_id_number(dt.date(1996, 4, 5)))
    page.fill("#id_applied_on", _day(0))
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#step-form")
    for step, offset in TIMELINE[1:]:
        if step == 2:
            offset = 40  # a talk after more than a month: flagged, not refused
        page.select_option("#id_step", str(step))
        page.fill("#id_done_on", _day(offset))
        if step == 11:
            page.fill("#id_training_days", "3")
        if step == 12:
            page.fill("#id_publicity_start", _day(offset - 14))
            page.fill("#id_publicity_end", _day(offset - 5))
        if step in (15, 23):
            for field, value in (("voting_expected", "9"), ("voting_present", "8"), ("votes_for", "8")):
                page.fill(f"#id_{field}", value)
        if step in (17, 24):
            page.select_option("#id_outcome", "approved")
        if step == 23:
            page.select_option("#id_outcome", "confirm")
        page.click("#record-step")
        page.wait_for_selector(f"text=已登记第{step}步")
        if step == 2:
            assert "超过收到申请书后1个月的期限" in page.inner_text("body")
    case = RecruitmentCase.objects.get(name="林晓")
    assert case.status == "full" and case.stage == 6
    member = Member.objects.get(pk=case.member_id)
    assert member.membership_type == "full" and member.confirmed_on is not None
    assert "已转正" in page.inner_text("h1")
