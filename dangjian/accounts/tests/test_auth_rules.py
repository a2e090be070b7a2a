"""The password and second-factor rules, as plain data."""

import datetime as dt

from dangjian.accounts.rules import (
    CODE_STEP,
    DONE,
    ENROL_STEP,
    EXPIRED,
    FIRST_LOGIN,
    login_next_step,
    password_change_reason,
    password_expired,
    totp_required,
)

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_a_password_expires_on_its_ninetieth_day():
    assert not password_expired(NOW - dt.timedelta(days=89, hours=23), now=NOW, max_age_days=90)
    assert password_expired(NOW - dt.timedelta(days=90), now=NOW, max_age_days=90)


def test_zero_days_means_no_expiry():
    assert not password_expired(NOW - dt.timedelta(days=5000), now=NOW, max_age_days=0)


def test_first_login_comes_before_expiry_and_a_fresh_password_needs_nothing():
    old = NOW - dt.timedelta(days=200)
    assert password_change_reason(must_change=True, changed_at=old, now=NOW, max_age_days=90) == FIRST_LOGIN
    assert password_change_reason(must_change=True, changed_at=NOW, now=NOW, max_age_days=90) == FIRST_LOGIN
    assert password_change_reason(must_change=False, changed_at=old, now=NOW, max_age_days=90) == EXPIRED
    assert password_change_reason(must_change=False, changed_at=NOW, now=NOW, max_age_days=90) is None


def test_totp_is_required_of_every_duty_and_of_configured_roles_only():
    assert totp_required(duty="audit", roles=[], required_roles=[])
    assert not totp_required(duty=None, roles=["superior_admin"], required_roles=[])
    assert totp_required(duty=None, roles=["secretary", "superior_admin"], required_roles=["superior_admin"])
    assert not totp_required(duty=None, roles=["secretary"], required_roles=["superior_admin"])


def test_the_step_after_the_password():
    assert login_next_step(has_device=True, required=False) == CODE_STEP
    assert login_next_step(has_device=True, required=True) == CODE_STEP
    assert login_next_step(has_device=False, required=True) == ENROL_STEP
    assert login_next_step(has_device=False, required=False) == DONE
