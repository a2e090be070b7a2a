"""A member's own record in a real browser: the secretary opens a login for a member, the member
logs in, lands on 我的信息, reveals their own ID number and asks for a correction; the secretary
accepts it from the home page's count."""

import pytest

from dangjian.members.models import Member
from dangjian.testing import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def _logout(page):
    page.click("form.logout button")
    page.wait_for_url("**/accounts/login/**")


def test_member_sees_own_record_and_a_correction_goes_through(tree, page):
    member = tree.members["a"][1]
    _login(page, "secretary_a", DEFAULT_PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/members/{member.pk}/")
    page.click("text=开设登录账号")
    page.fill("#id_username", "lijg")
    page.click("form.card button[type=submit]")
    password = page.inner_text("#temporary-password code")
    assert Member.objects.get(pk=member.pk).user.username == "lijg"
    _logout(page)

    # The new account's first login asks for a password of its own, then lands on 我的信息.
    _login(page, "lijg", password)
    page.wait_for_url("**/accounts/password/**")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "Lijg-2026-new")
    page.fill("#id_new_password2", "Lijg-2026-new")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/members/me/")
    assert member.id_number_masked in page.inner_text("#id-number")
    page.click("text=查看本人完整证件号和手机号")
    assert page.inner_text("#id-number") == member.reveal_id_number()
    page.click("#corrections >> tr:has-text('学历') >> text=申请更正")
    page.select_option("#id_proposed", "college")
    page.fill("#id_reason", "毕业于县职业技术学院")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/members/me/")
    assert "更正申请待处理" in page.inner_text("#corrections")
    _logout(page)

    _login(page, "secretary_a", DEFAULT_PASSWORD)
    page.click("#corrections-pending a")
    page.click("#correction-table >> tbody a >> nth=0")
    page.fill("#id_note", "已核对毕业证")
    page.click("button[name=accept]")
    page.wait_for_url("**/members/corrections/")
    assert Member.objects.get(pk=member.pk).education == "college"
