"""Lockout keyed by account and source address, with a growing delay; the administrators' recovery
path; every step audited (issue 12 item 7)."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.accounts.models import LoginAttempt
from dangjian.core.models import ChangeRecord
from dangjian.testing import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db
ATTACKER = "198.51.100.7"


def _login(client, username, password, address="127.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def _fail(client, username, times, address=ATTACKER):
    for _ in range(times):
        _login(client, username, "wrong-Pass-1", address)


def _age_attempts(username, seconds):
    """Move the recorded attempts into the past instead of waiting (tests never sleep)."""
    for attempt in LoginAttempt.objects.filter(username=username):
        LoginAttempt.objects.filter(pk=attempt.pk).update(at=attempt.at - dt.timedelta(seconds=seconds))


def test_anonymous_failures_from_one_address_do_not_lock_the_owner_out_of_another(client):
    from dangjian.accounts.choices import Duty
    from dangjian.accounts.models import AdminDuty

    admin = make_user("sysadmin")
    AdminDuty.objects.create(user=admin, duty=Duty.SYSTEM)
    _fail(client, "sysadmin", 8)
    assert "已临时锁定" in _login(client, "sysadmin", DEFAULT_PASSWORD, ATTACKER).content.decode()
    response = _login(client, "sysadmin", DEFAULT_PASSWORD, "10.1.2.3")  # the administrator's own desk
    assert response.status_code == 302 and "已临时锁定" not in response.content.decode()


def test_the_delay_grows_and_every_refusal_is_audited(tree, client):
    _fail(client, "secretary_a", 5)
    assert "已临时锁定" in _login(client, "secretary_a", DEFAULT_PASSWORD, ATTACKER).content.decode()
    locked = ChangeRecord.objects.filter(action="login_locked").latest("id")
    assert "secretary_a" in locked.note and locked.address == ATTACKER
    _age_attempts("secretary_a", 61)  # the first delay (one minute) is over
    _fail(client, "secretary_a", 1)  # the sixth failure: two minutes now
    _age_attempts("secretary_a", 61)
    assert "已临时锁定" in _login(client, "secretary_a", DEFAULT_PASSWORD, ATTACKER).content.decode()
    _age_attempts("secretary_a", 60)
    assert _login(client, "secretary_a", DEFAULT_PASSWORD, ATTACKER).status_code == 302
    assert LoginAttempt.objects.filter(username="secretary_a", success=False).count() == 6  # refusals not counted


def test_an_administrator_always_gets_in_through_the_unlock_command(tree, client):
    _fail(client, "secretary_a", 9, address="127.0.0.1")  # the same address as the owner: 30 minutes
    assert "已临时锁定" in _login(client, "secretary_a", DEFAULT_PASSWORD).content.decode()
    with pytest.raises(CommandError, match="--reason"):
        call_command("unlock", "secretary_a", reason=" ")
    call_command("unlock", "secretary_a", reason="本人电话确认，代理未配置")
    record = ChangeRecord.objects.filter(action="login_unlock").latest("id")
    assert "secretary_a" in record.note and "本人电话确认" in record.note
    assert _login(client, "secretary_a", DEFAULT_PASSWORD).status_code == 302


def test_failures_under_any_spelling_of_the_name_count_against_the_one_account(tree, client):
    """ＣＯＵＮＴＹ (full width), County and county are one account (accounts.usernames): five
    failures spread over the spellings lock it, whichever spelling the owner then types."""
    _fail(client, "ＳＥＣＲＥＴＡＲＹ_Ａ", 2)
    _fail(client, "Secretary_A", 2)
    _fail(client, " SECRETARY_a", 1)
    assert set(LoginAttempt.objects.values_list("username", flat=True)) == {"secretary_a"}
    assert "已临时锁定" in _login(client, "secretary_a", DEFAULT_PASSWORD, ATTACKER).content.decode()
    assert "已临时锁定" in _login(client, "Secretary_A", DEFAULT_PASSWORD, ATTACKER).content.decode()
    call_command("unlock", "SECRETARY_A", reason="本人电话确认")
    assert _login(client, "secretary_a", DEFAULT_PASSWORD, ATTACKER).status_code == 302
