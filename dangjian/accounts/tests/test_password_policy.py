"""Password expiry, history, the first-login change, and the API while a change is pending."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.actions import api_token_issue, password_reset, user_create
from dangjian.accounts.choices import Duty
from dangjian.accounts.models import PasswordHistory, PasswordState, UserSession
from dangjian.core.actors import SYSTEM
from dangjian.core.models import ChangeRecord
from dangjian.home.demo_accounts import DEMO_PASSWORD, DemoLogin, _user
from dangjian.testing import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("home:home")
CHANGE = reverse("accounts:password_change")
NEW = "Qingshan-2027#"


def post_login(client, username, password=DEFAULT_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def change(client, old, new):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def age_password(user, days):
    PasswordState.objects.update_or_create(user=user, defaults={"changed_at": timezone.now() - dt.timedelta(days=days)})


# -- expiry ----------------------------------------------------------------------------------------

def test_an_expired_password_sends_the_user_to_change_it_and_nowhere_else(tree, client):
    age_password(tree.secretary_a, 91)
    response = post_login(client, "secretary_a")
    assert response.status_code == 302 and response["Location"] == CHANGE
    page = client.get(CHANGE).content.decode()
    assert "有效期" in page
    for url in (HOME, reverse("members:list"), reverse("accounts:security")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == CHANGE, url
    assert client.get("/static/css/site.css").status_code in (200, 304)
    assert change(client, DEFAULT_PASSWORD, NEW).status_code == 302
    assert client.get(HOME).status_code == 200
    state = PasswordState.objects.get(user=tree.secretary_a)
    assert timezone.now() - state.changed_at < dt.timedelta(minutes=5) and not state.must_change


def test_a_password_younger_than_the_limit_is_not_asked_for(tree, client, settings):
    age_password(tree.secretary_a, 89)
    assert post_login(client, "secretary_a")["Location"] == HOME
    settings.PASSWORD_MAX_AGE_DAYS = 30
    client.logout()
    assert post_login(client, "secretary_a")["Location"] == CHANGE


def test_without_a_state_row_the_clock_starts_at_date_joined(tree, client):
    get_user_model().objects.filter(pk=tree.secretary_a.pk).update(date_joined=timezone.now() - dt.timedelta(days=100))
    assert not PasswordState.objects.filter(user=tree.secretary_a).exists()
    assert post_login(client, "secretary_a")["Location"] == CHANGE


def test_logout_is_allowed_while_a_change_is_pending(tree, client):
    age_password(tree.secretary_a, 91)
    post_login(client, "secretary_a")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert "_auth_user_id" not in client.session


# -- history ---------------------------------------------------------------------------------------

def test_the_last_five_passwords_are_refused_the_sixth_is_allowed(tree, client):
    user = tree.secretary_a
    passwords = [f"Qingshan-{n}#x" for n in range(1, 6)]
    for password in passwords:
        user.set_password(password)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for password in passwords:
        with pytest.raises(ValidationError) as exc:
            validate_password(password, user)
        assert "最近5次" in exc.value.messages[0]
    validate_password(DEFAULT_PASSWORD, user)  # the password before those five: six changes ago


def test_the_change_page_refuses_the_current_password_in_chinese(tree, client):
    client.force_login(tree.secretary_a)
    response = change(client, DEFAULT_PASSWORD, DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert "不能与最近5次使用过的密码相同" in response.content.decode()
    assert tree.secretary_a.__class__.objects.get(pk=tree.secretary_a.pk).check_password(DEFAULT_PASSWORD)


def test_history_length_comes_from_settings_and_only_hashes_are_kept(tree, settings):
    settings.PASSWORD_HISTORY = 2
    user = tree.secretary_a
    for n in range(4):
        user.set_password(f"Qingshan-{n}#x")
        user.save()
    hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(hashes) == 2 and all(h.startswith("md5$") for h in hashes)
    assert all("Qingshan" not in h for h in hashes)
    validate_password("Qingshan-1#x", user)  # three changes ago: allowed with a history of 2
    with pytest.raises(ValidationError):
        validate_password("Qingshan-2#x", user)


def test_weak_passwords_are_still_refused_on_the_change_page(tree, client):
    client.force_login(tree.secretary_a)
    page = change(client, DEFAULT_PASSWORD, "abcdefgh").content.decode()
    assert "3类" in page


# -- first login -----------------------------------------------------------------------------------

def test_an_account_made_by_user_create_must_change_its_password_at_first_login(db, client):
    user_create(acting_user=SYSTEM, username="newcomer", password="Initial-2026!", full_name="新同志")
    response = post_login(client, "newcomer", "Initial-2026!")
    assert response["Location"] == CHANGE
    assert "首次登录" in client.get(CHANGE).content.decode()
    assert client.get(HOME)["Location"] == CHANGE
    change(client, "Initial-2026!", NEW)
    assert client.get(HOME).status_code == 200
    client.logout()
    assert post_login(client, "newcomer", NEW)["Location"] == HOME
    # the first password is in the history too
    with pytest.raises(ValidationError):
        validate_password("Initial-2026!", get_user_model().objects.get(username="newcomer"))


def test_plain_create_user_is_not_forced(tree, client):
    assert post_login(client, "secretary_a")["Location"] == HOME


def test_a_reset_by_an_administrator_forces_a_change_and_ends_sessions(tree, client):
    other = Client()
    other.force_login(tree.secretary_a)
    password_reset(acting_user=tree.county_admin, user=tree.secretary_a, password="Reset-pass-2026")
    assert other.get(HOME).status_code == 302
    assert post_login(client, "secretary_a", "Reset-pass-2026")["Location"] == CHANGE
    assert ChangeRecord.objects.filter(action="password_reset", object_id=tree.secretary_a.pk).exists()


def test_the_demo_accounts_are_exempt(db, client):
    # The demo makes its accounts with user_create, which asks for a change; the demo lifts it.
    user = _user(DemoLogin("sysadmin", "系统管理员（演示）", None, "", "账号与配置", Duty.SYSTEM))
    assert PasswordState.objects.get(user=user).must_change is False
    _user(DemoLogin("viewer", "只读用户（演示）", None, "readonly", "全县"))
    assert post_login(client, "viewer", DEMO_PASSWORD)["Location"] == HOME


# -- the change itself -----------------------------------------------------------------------------

def test_a_change_is_audited_without_the_password_and_ends_the_other_sessions(tree, client):
    phone = Client()
    post_login(phone, "secretary_a")
    post_login(client, "secretary_a")
    assert UserSession.objects.filter(user=tree.secretary_a).count() == 2
    assert change(client, DEFAULT_PASSWORD, NEW)["Location"] == HOME
    assert client.get(HOME).status_code == 200  # this session goes on
    assert phone.get(HOME).status_code == 302  # the other one is over
    assert UserSession.objects.filter(user=tree.secretary_a).count() == 1
    record = ChangeRecord.objects.get(action="password_change", object_id=tree.secretary_a.pk)
    assert record.actor == tree.secretary_a
    text = f"{record.before}{record.after}{record.note}"
    assert NEW not in text and DEFAULT_PASSWORD not in text and "md5$" not in text


# -- the API ---------------------------------------------------------------------------------------

def test_the_api_refuses_a_token_while_a_change_is_pending(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/orgs/").status_code == 200
    age_password(tree.secretary_a, 91)
    response = api.get("/api/orgs/")
    assert response.status_code == 403 and "须先修改密码" in response.json()["detail"]
    header = Client(headers={"X-API-Token": token}).get("/api/orgs/")
    assert header.status_code == 403
    PasswordState.objects.filter(user=tree.secretary_a).update(changed_at=timezone.now())
    assert api.get("/api/orgs/").status_code == 200


def test_the_api_refuses_a_session_while_a_change_is_pending(db, client):
    user_create(acting_user=SYSTEM, username="newcomer", password="Initial-2026!")
    post_login(client, "newcomer", "Initial-2026!")
    response = client.get("/api/orgs/")
    assert response.status_code == 403 and "须先修改密码" in response.json()["detail"]
