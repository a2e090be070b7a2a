"""A branch secretary records a month's dues in one screen and sees who is behind (real browser)."""

import pytest

from dangjian.dues import rules
from dangjian.dues.models import DuesPayment
from dangjian.testing import open_menu
from dangjian.worklists.tests.test_browser import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_a_month_and_see_who_is_behind(tree, bases, this_month, page):
    members = tree.members["a"]
    _login(page, "secretary_a")
    open_menu(page, "党费")
    page.click("text=本支部明细")
    page.click("#record-month")
    page.wait_for_selector("#month-table")
    for m in members[:2]:
        page.check(f"#paid_{m.pk}")
    page.fill("#id_received_by", "组织委员")
    page.click("#save-month")
    page.wait_for_selector("text=新登记 2 人")
    last = rules.add_months(this_month, -1)
    assert set(DuesPayment.objects.filter(month=last).values_list("member_id", flat=True)) == {
        members[0].pk, members[1].pk}
    page.goto(f"/dues/org/{tree.a.pk}/arrears/")
    table = page.inner_text("#arrears")
    assert members[2].name in table and members[3].name in table
    assert members[0].name in table  # last month paid, the eleven before still owed
    page.goto(f"/dues/org/{tree.a.pk}/month/?month={last:%Y-%m}")
    assert page.locator(f"#paid_{members[0].pk}").is_checked()
    assert not page.locator(f"#paid_{members[2].pk}").is_checked()
