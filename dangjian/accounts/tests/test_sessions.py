"""Logout and deactivation end every session of the user; a duty grant ends password-only sessions."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from dangjian.accounts.actions import api_token_issue
from dangjian.accounts.models import AdminDuty, UserSession
from dangjian.core.actors import SYSTEM
from dangjian.core.models import ChangeRecord
from dangjian.testing import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db

HOME = reverse("home:home")


def logged_in(username) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == HOME
    return client


def test_each_login_is_tracked_with_its_session(tree):
    first, second = logged_in("secretary_a"), logged_in("secretary_a")
    keys = set(UserSession.objects.filter(user=tree.secretary_a).values_list("session_key", flat=True))
    assert keys == {first.session.session_key, second.session.session_key}


def test_logout_ends_the_sessions_in_every_browser(tree):
    office, phone, colleague = logged_in("secretary_a"), logged_in("secretary_a"), logged_in("secretary_b")
    assert phone.get(HOME).status_code == 200
    office.post(reverse("accounts:logout"))
    assert office.get(HOME).status_code == 302
    assert phone.get(HOME).status_code == 302
    assert colleague.get(HOME).status_code == 200  # someone else's session is untouched
    assert not UserSession.objects.filter(user=tree.secretary_a).exists()
    assert not Session.objects.filter(session_key__in=[office.session.session_key, phone.session.session_key]).exists()
    assert ChangeRecord.objects.filter(action="logout", object_id=tree.secretary_a.pk).count() == 1


def test_disabling_an_account_ends_its_sessions_and_tokens(tree):
    office, phone = logged_in("secretary_a"), logged_in("secretary_a")
    keys = [office.session.session_key, phone.session.session_key]
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    tree.secretary_a.is_active = False
    tree.secretary_a.save()  # any path that saves the user: the administration page, the shell
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=tree.secretary_a).exists()
    assert office.get(HOME).status_code == 302 and phone.get(HOME).status_code == 302
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/orgs/").status_code == 401


def test_saving_an_active_user_ends_nothing(tree):
    office = logged_in("secretary_a")
    tree.secretary_a.first_name = "张"
    tree.secretary_a.save()
    assert office.get(HOME).status_code == 200


def test_a_duty_grant_ends_sessions_opened_with_the_password_alone(tree):
    user = make_user("future_admin")
    office = logged_in("future_admin")
    AdminDuty.objects.create(user=user, duty="system")
    assert office.get(HOME).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_old_rows_are_forgotten_at_the_next_login(tree, settings):
    logged_in("secretary_a")
    UserSession.objects.update(created_at="2020-01-01T00:00:00Z")
    logged_in("secretary_a")
    assert UserSession.objects.filter(user=tree.secretary_a).count() == 1
