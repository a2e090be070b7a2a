import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.accounts.middleware import LOGIN_AT, RENEW_SECONDS, SEEN_AT
from dangjian.accounts.models import LoginAttempt
from dangjian.accounts.rules import locked_until
from dangjian.testing import DEFAULT_PASSWORD

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_four_failures_do_not_lock_five_do():
    failures = [NOW - dt.timedelta(seconds=s) for s in (10, 20, 30, 40)]
    assert locked_until(failures, now=NOW) is None
    failures.append(NOW - dt.timedelta(seconds=5))
    assert locked_until(failures, now=NOW) == NOW - dt.timedelta(seconds=5) + dt.timedelta(minutes=1)


def test_the_delay_grows_with_each_further_failure_up_to_thirty_minutes():
    from dangjian.accounts.rules import lock_delay

    assert [lock_delay(n).total_seconds() / 60 for n in range(4, 12)] == [0, 1, 2, 4, 8, 16, 30, 30]
    failures = [NOW - dt.timedelta(minutes=m) for m in (1, 2, 3, 4, 5, 6, 7)]  # seven: 4 minutes after the last
    assert locked_until(failures, now=NOW) == NOW - dt.timedelta(minutes=1) + dt.timedelta(minutes=4)
    assert locked_until(failures, now=NOW + dt.timedelta(minutes=3)) is None


def test_failures_older_than_the_window_do_not_count():
    failures = [NOW - dt.timedelta(minutes=m) for m in (1, 2, 3, 4, 31)]
    assert locked_until(failures, now=NOW) is None


@pytest.mark.parametrize("password", ["abcdefgh", "abcd1234", "ABCDabcd"])
def test_passwords_need_three_character_classes(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert any("3类" in m for m in exc.value.messages)


def test_good_password_passes():
    validate_password("Qingshan-2026")


def _login(client, password):
    return client.post(reverse("accounts:login"), {"username": "secretary_a", "password": password})


@pytest.mark.django_db
def test_lockout_after_five_failures_even_with_the_right_password(tree, client):
    for _ in range(5):
        assert "不正确" in _login(client, "wrong-Pass-1").content.decode()
    response = _login(client, DEFAULT_PASSWORD)
    assert "已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.filter(username="secretary_a", success=False).count() == 5


@pytest.mark.django_db
def test_success_resets_the_count(tree, client):
    for _ in range(4):
        _login(client, "wrong-Pass-1")
    assert _login(client, DEFAULT_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "wrong-Pass-1")
    assert _login(client, DEFAULT_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_login_gives_a_new_session_id(tree, client):
    client.get(reverse("accounts:login"))
    client.cookies["sessionid"] = "attacker-chosen"
    _login(client, DEFAULT_PASSWORD)
    assert client.cookies["sessionid"].value != "attacker-chosen"


@pytest.mark.django_db
def test_absolute_session_limit_logs_out(tree, client, settings):
    assert _login(client, DEFAULT_PASSWORD).status_code == 302
    assert client.get(reverse("home:home")).status_code == 200
    session = client.session
    session[LOGIN_AT] = int(time.time()) - settings.SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get(reverse("home:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("home:home")).status_code == 302


def _expiry(client, settings):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


@pytest.mark.django_db
def test_idle_timeout_is_renewed_once_a_minute_not_written_on_every_request(tree, client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert _login(client, DEFAULT_PASSWORD).status_code == 302
    assert client.get(reverse("home:home")).status_code == 200
    first = _expiry(client, settings)
    response = client.get(reverse("home:home"))
    assert _expiry(client, settings) == first  # within the minute: the session row is not written again
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    session = client.session
    session[SEEN_AT] = int(time.time()) - RENEW_SECONDS  # a minute since the session was last renewed
    session.save()
    before = _expiry(client, settings)
    response = client.get(reverse("home:home"))
    assert _expiry(client, settings) > before  # renewed: the idle timeout counts from this request
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
