"""The TOTP second factor: required of the 三员 (and of configured roles), optional for others."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.util import random_hex

from dangjian.accounts import totp
from dangjian.accounts.login_flow import PENDING
from dangjian.accounts.models import AdminDuty, LoginAttempt, UserSession
from dangjian.accounts.models import SealedTOTPDevice as TOTPDevice
from dangjian.core.models import ChangeRecord
from dangjian.home.demo_accounts import DEMO_TOTP_SECRET
from dangjian.testing import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db

HOME = reverse("home:home")
LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
ENROL = reverse("accounts:login_enrol")
SECURITY = reverse("accounts:security")


def password_step(client, username):
    return client.post(LOGIN, {"username": username, "password": DEFAULT_PASSWORD})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def sysadmin(db):
    user = make_user("sysadmin_t")
    AdminDuty.objects.create(user=user, duty="system")
    return user


def enrolled(user):
    return totp.new_device(user, random_hex(20), confirmed=True, name="手机")


# -- required ---------------------------------------------------------------------------------------

def test_a_duty_holder_without_a_device_must_enrol_before_anything_else(sysadmin, client):
    response = password_step(client, "sysadmin_t")
    assert response["Location"] == ENROL
    assert logged_in_as(client) is None
    assert client.get(HOME)["Location"].startswith(LOGIN)  # not logged in until enrolled
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=sysadmin, confirmed=False)
    assert totp.qr_svg(device) in page and totp.secret_text(device) in page
    assert client.get(ENROL).content.decode().count(totp.secret_text(device)) == 1  # same secret on reload
    assert "不正确" in client.post(ENROL, {"code": wrong(device)}).content.decode()
    response = client.post(ENROL, {"code": totp.code_at(device)})
    assert response["Location"] == HOME and logged_in_as(client) == str(sysadmin.pk)
    device.refresh_from_db()
    assert device.confirmed
    assert UserSession.objects.get(session_key=client.session.session_key).second_factor
    assert ChangeRecord.objects.filter(action="totp_enrol", object_id=sysadmin.pk).exists()
    assert ChangeRecord.objects.filter(action="login", actor=sysadmin).count() == 1


def test_a_duty_holder_with_a_device_enters_a_code(sysadmin, client):
    device = enrolled(sysadmin)
    assert password_step(client, "sysadmin_t")["Location"] == CODE
    assert logged_in_as(client) is None
    assert "两步验证" in client.get(CODE).content.decode()
    response = client.post(CODE, {"code": totp.code_at(device)})
    assert response["Location"] == HOME
    # logged in: the 三员 land on their administration page
    assert client.get(HOME, follow=True).redirect_chain[-1][0].startswith("/administration/")


def test_a_used_code_is_not_accepted_twice(sysadmin, client):
    device = enrolled(sysadmin)
    code = totp.code_at(device)
    password_step(client, "sysadmin_t")
    client.post(CODE, {"code": code})
    client.logout()
    password_step(client, "sysadmin_t")
    assert "已使用过" in client.post(CODE, {"code": code}).content.decode()
    assert logged_in_as(client) is None


def test_the_next_url_survives_the_second_step(sysadmin, client):
    device = enrolled(sysadmin)
    client.post(LOGIN + "?next=/accounts/security/", {"username": "sysadmin_t", "password": DEFAULT_PASSWORD,
                                                      "next": "/accounts/security/"})
    assert client.post(CODE, {"code": totp.code_at(device)})["Location"] == SECURITY


def test_configured_roles_need_a_second_factor_too(tree, client, settings):
    assert password_step(client, "county_admin")["Location"] == HOME
    client.logout()
    settings.TOTP_REQUIRED_ROLES = ["superior_admin"]
    assert password_step(client, "county_admin")["Location"] == ENROL
    assert password_step(Client(), "secretary_a")["Location"] == HOME


def test_the_code_step_needs_a_recent_password_step(sysadmin, client):
    assert client.get(CODE)["Location"] == LOGIN
    enrolled(sysadmin)
    password_step(client, "sysadmin_t")
    session = client.session
    session[PENDING] = {**session[PENDING], "at": int(time.time()) - 6 * 60}
    session.save()
    assert client.get(CODE)["Location"] == LOGIN


# -- failures count toward the lockout ------------------------------------------------------------

def wrong(device):
    return "000000" if totp.code_at(device) != "000000" else "111111"


def test_five_wrong_codes_lock_the_account(sysadmin, client):
    device = enrolled(sysadmin)
    password_step(client, "sysadmin_t")
    for _ in range(4):
        assert "不正确" in client.post(CODE, {"code": wrong(device)}).content.decode()
    response = client.post(CODE, {"code": wrong(device)})
    assert response["Location"] == LOGIN
    assert LoginAttempt.objects.filter(username="sysadmin_t", success=False).count() == 5
    assert "已临时锁定" in password_step(client, "sysadmin_t").content.decode()
    assert logged_in_as(client) is None


def test_the_right_password_again_does_not_reset_the_count_of_wrong_codes(sysadmin, client):
    device = enrolled(sysadmin)
    password_step(client, "sysadmin_t")
    for _ in range(4):
        client.post(CODE, {"code": wrong(device)})
    assert password_step(client, "sysadmin_t")["Location"] == CODE
    assert client.post(CODE, {"code": wrong(device)})["Location"] == LOGIN
    assert "已临时锁定" in password_step(client, "sysadmin_t").content.decode()


def test_wrong_codes_while_enrolling_count_too(sysadmin, client):
    password_step(client, "sysadmin_t")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=sysadmin)
    for _ in range(5):
        client.post(ENROL, {"code": wrong(device)})
    assert "已临时锁定" in password_step(client, "sysadmin_t").content.decode()


# -- optional, on the 账号安全 page ----------------------------------------------------------------

def test_anyone_may_enrol_confirm_and_remove_a_second_factor(tree, client):
    user = tree.secretary_a
    client.force_login(user)
    assert "未启用" in client.get(SECURITY).content.decode()
    client.post(SECURITY, {"action": "start"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.get(SECURITY).content.decode()
    assert "<svg" in page and totp.secret_text(device) in page
    assert password_step(Client(), "secretary_a")["Location"] == HOME  # not in force before confirming
    assert "不正确" in client.post(SECURITY, {"action": "confirm", "code": wrong(device)}).content.decode()
    client.post(SECURITY, {"action": "confirm", "code": totp.code_at(device)})
    device.refresh_from_db()
    assert device.confirmed and "已启用" in client.get(SECURITY).content.decode()

    phone = Client()
    assert password_step(phone, "secretary_a")["Location"] == CODE
    assert phone.post(CODE, {"code": totp.code_at(device, steps_ahead=1)})["Location"] == HOME

    client.post(SECURITY, {"action": "remove", "code": wrong(device)})
    assert TOTPDevice.objects.filter(user=user).exists()
    assert LoginAttempt.objects.filter(username="secretary_a", success=False).count() == 1
    client.post(SECURITY, {"action": "remove", "code": totp.code_at(device, steps_ahead=2)})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert password_step(Client(), "secretary_a")["Location"] == HOME
    actions = list(ChangeRecord.objects.filter(object_id=user.pk, action__startswith="totp").values_list(
        "action", flat=True).order_by("id"))
    assert actions == ["totp_enrol", "totp_remove"]


def test_a_required_second_factor_cannot_be_removed(sysadmin, client):
    device = enrolled(sysadmin)
    client.force_login(sysadmin)
    page = client.get(SECURITY).content.decode()
    assert "不能停用" in page and 'value="remove"' not in page
    client.post(SECURITY, {"action": "remove", "code": totp.code_at(device)})
    assert TOTPDevice.objects.filter(user=sysadmin).exists()


def test_the_qr_code_is_drawn_here_and_names_the_issuer(sysadmin):
    device = enrolled(sysadmin)
    svg = totp.qr_svg(device)
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script" not in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
    assert "otpauth://totp/" in device.config_url and "secret=" in device.config_url
    assert totp.hex_key(totp.secret_text(device)) == device.plain_key()


# -- the demo ---------------------------------------------------------------------------------------

def test_demo_totp_prints_a_working_code_for_demo_accounts_only(db, client):
    user = make_user("sysadmin")
    AdminDuty.objects.create(user=user, duty="system")
    device = totp.new_device(user, totp.hex_key(DEMO_TOTP_SECRET), confirmed=True, name="演示")
    out = io.StringIO()
    call_command("demo_totp", "sysadmin", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    password_step(client, "sysadmin")
    assert client.post(CODE, {"code": code})["Location"] == HOME

    device.key = totp.hex_key("JBSWY3DPEHPK3PXP")  # a demo name, but a real secret: refused
    device.save()
    with pytest.raises(CommandError, match="演示"):
        call_command("demo_totp", "sysadmin", stdout=io.StringIO())
    other = make_user("alice")
    TOTPDevice.objects.create(user=other, name="x", key=totp.hex_key(DEMO_TOTP_SECRET), confirmed=True)
    with pytest.raises(CommandError, match="演示"):
        call_command("demo_totp", "alice", stdout=io.StringIO())


def test_django_admin_login_is_not_routed(db, client):
    assert client.get("/admin/login/").status_code == 404


def test_make_demo_admins_log_in_without_a_phone(db):
    from dangjian.home.demo_accounts import DEMO_PASSWORD
    from dangjian.orgs.demo.scales import ANCHOR

    call_command("demo_data", scale="tiny", anchor=ANCHOR, stdout=io.StringIO())
    banner = io.StringIO()
    call_command("demo_accounts", stdout=banner)
    assert DEMO_TOTP_SECRET in banner.getvalue() and "demo-totp" in banner.getvalue()
    for username in ("sysadmin", "secadmin", "auditadmin"):
        client = Client()
        response = client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})
        assert response["Location"] == CODE, username  # a device already, no first-login change
        out = io.StringIO()
        call_command("demo_totp", username, stdout=out, stderr=io.StringIO())
        assert client.post(CODE, {"code": out.getvalue().strip()})["Location"] == HOME
        landing = client.get(HOME, follow=True)  # logged in, landing on their administration page
        assert landing.status_code == 200 and landing.redirect_chain[-1][0].startswith("/administration/")
    county = Client()
    assert county.post(LOGIN, {"username": "county", "password": DEMO_PASSWORD})["Location"] == HOME
    with pytest.raises(CommandError):
        call_command("demo_totp", "county", stdout=io.StringIO())


def test_an_administrator_reset_makes_the_next_login_enrol_again(sysadmin, tree, client):
    from dangjian.accounts.actions import totp_remove

    enrolled(sysadmin)
    totp_remove(user=sysadmin, acting_user=tree.county_admin)
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()
    assert ChangeRecord.objects.get(action="totp_reset", object_id=sysadmin.pk).actor == tree.county_admin
    assert password_step(client, "sysadmin_t")["Location"] == ENROL
