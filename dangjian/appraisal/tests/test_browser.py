"""民主评议 in a real browser: the branch secretary starts the year's appraisal, goes through the steps,
enters the 民主测评 tallies and decides the grades; the member then sees their own result on 我的信息."""

import pytest
from django.utils import timezone

from dangjian.appraisal.choices import Stage
from dangjian.appraisal.models import Appraisal
from dangjian.testing import DEFAULT_PASSWORD, make_user, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def _advance(page):
    page.click("#advance-form button")
    page.wait_for_selector(".msg-success")


def test_tallies_to_decision_and_the_member_sees_the_result(tree, page):
    member = tree.members["b"][0]
    member.user = make_user("chenlh")
    member.save(update_fields=["user"])
    _login(page, "secretary_b")
    open_menu(page, "评议积分")
    page.click("#start-review")
    page.wait_for_selector("#people-table")
    appraisal = Appraisal.objects.get(org=tree.b, year=timezone.localdate().year)
    first, second = appraisal.people.order_by("id")
    _advance(page)  # 个人自评 → 党员互评
    _advance(page)  # → 民主测评
    page.fill("#id_voters", "2")
    page.click("#review-form button")
    page.wait_for_selector(".msg-success")
    for person, votes in ((first, ("2", "0")), (second, ("0", "2"))):
        row = page.locator(f"#person-{person.pk}")
        row.locator(f"#id_p{person.pk}-excellent_votes").fill(votes[0])
        row.locator(f"#id_p{person.pk}-qualified_votes").fill(votes[1])
        row.locator("button", has_text="保存").click()
        page.wait_for_selector(".msg-success")
    assert "2 / 0 / 0 / 0" in page.inner_text(f"#person-{first.pk}")
    _advance(page)  # → 组织评定
    assert "得票最多：优秀" in page.inner_text(f"#person-{first.pk}")
    for person, grade in ((first, "excellent"), (second, "qualified")):
        page.select_option(f"#id_p{person.pk}-grade", grade)
        page.locator(f"#person-{person.pk} button", has_text="保存").click()
        page.wait_for_selector(".msg-success")
    assert "超过参加评议党员" in page.inner_text("main")  # 1 of 2 is over one third: a warning only
    _advance(page)  # → 已完成
    appraisal.refresh_from_db()
    assert appraisal.stage == Stage.DONE
    page.click("form.logout button")
    page.wait_for_url("**/accounts/login/**")

    page.goto("/accounts/login/")
    page.fill("#id_username", "chenlh")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/members/me/")
    assert f"{appraisal.year}年度民主评议党员：优秀" in page.inner_text("#my-appraisal")
