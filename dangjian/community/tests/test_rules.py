"""The rules of 双报到 at their boundaries, without a database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from dangjian.community import rules


@pytest.mark.parametrize("unit,kind,expected", [
    ("community", "branch", True), ("village", "general_branch", True), ("community", "building_group", False),
    ("village", "central_household", False), ("party_government", "branch", False)])
def test_community_is_a_village_or_community_organisation_not_a_group(unit, kind, expected):
    assert rules.is_community(unit, kind) is expected


@pytest.mark.parametrize("status,category,retired,unit,expected", [
    ("normal", "official", False, "party_government", "in_service"),
    ("normal", "worker", False, "state_enterprise", "in_service"),
    ("normal", "professional", False, "hospital", "in_service"),
    ("normal", "professional", False, "private_enterprise", None),  # 两新: not asked
    ("normal", "farmer", False, "village", None),
    ("normal", "official", False, "community", None),  # already in the community
    ("normal", "retired", False, "village", "retired"),
    ("normal", "other", True, "private_enterprise", "retired"),  # the flag alone is enough
    ("suspended", "official", False, "party_government", None),
    ("normal", "", False, "party_government", None),
])
def test_who_should_report(status, category, retired, unit, expected):
    assert rules.expected_kind(status=status, category=category, retired=retired, branch_unit=unit) == expected


def _request(**kw):
    args = {"member_status": "normal", "community_unit": "community", "community_kind": "branch",
            "branch_path": "0001", "community_path": "0002", "has_open_report": False, **kw}
    return rules.request_errors(**args)


def test_request_rules():
    assert _request() == {}
    assert "community" in _request(community_unit="hospital")
    assert "community" in _request(community_path="0001")
    assert "member" in _request(has_open_report=True)
    assert "member" in _request(member_status="left")


def test_record_rules_at_their_edges():
    today = dt.date(2026, 6, 1)
    ok = {"served_on": today, "hours": D("12"), "what": "巡查", "today": today, "reported_on": today}
    assert rules.record_errors(**ok) == {}
    assert "hours" in rules.record_errors(**{**ok, "hours": D("12.5")})
    assert "hours" in rules.record_errors(**{**ok, "hours": D("0")})
    assert "hours" in rules.record_errors(**{**ok, "hours": D("1.2")})
    assert rules.record_errors(**{**ok, "hours": D("0.5")}) == {}
    assert "served_on" in rules.record_errors(**{**ok, "served_on": today + dt.timedelta(days=1)})
    assert "served_on" in rules.record_errors(**{**ok, "served_on": today - dt.timedelta(days=1)})
    assert "what" in rules.record_errors(**{**ok, "what": "  "})


def test_hours_expectation():
    assert rules.hours_met(D("12"), 12) is True
    assert rules.hours_met(D("11.5"), 12) is False
    assert rules.hours_met(D("0"), 0) is None


def test_feedback_window():
    assert rules.feedback_year(dt.date(2026, 11, 30)) is None
    assert rules.feedback_year(dt.date(2026, 12, 1)) == 2026
    assert rules.feedback_year(dt.date(2027, 1, 31)) == 2026
    assert rules.feedback_year(dt.date(2027, 2, 1)) is None
    assert rules.feedback_allowed(2026, dt.date(2026, 12, 1))
    assert not rules.feedback_allowed(2026, dt.date(2026, 11, 30))


def test_rate():
    assert rules.rate(0, 0) is None
    assert rules.rate(1, 3) == D("33.3")
    assert rules.rate(2, 3) == D("66.7")
    assert rules.rate(3, 3) == D("100.0")
