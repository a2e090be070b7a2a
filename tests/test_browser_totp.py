"""A 三员 administrator logs in with a password and the code their authenticator app would show,
computed here from the device's secret, in a real browser."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import totp
from dangjian.accounts.models import AdminDuty
from dangjian.testing import DEFAULT_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_logs_in_with_a_totp_code(page):
    user = make_user("secadmin_b")
    AdminDuty.objects.create(user=user, duty="security")
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)

    page.goto("/accounts/login/")
    page.fill("#id_username", "secadmin_b")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    assert "两步验证" in page.inner_text("h1")

    page.fill("#id_code", "000000" if totp.code_at(device) != "000000" else "111111")
    page.click("button[type=submit]")
    assert "验证码不正确" in page.inner_text("main")

    page.fill("#id_code", totp.code_at(device))
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "退出" in page.inner_text("header")
    page.goto("/accounts/security/")
    assert "已启用" in page.inner_text("#totp")
