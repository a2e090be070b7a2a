"""Structure rules on plain facts: no database."""

import datetime as dt
from dataclasses import replace

import pytest

from dangjian.orgs.rules import OrgFacts, default_term_years, structure_warnings

TODAY = dt.date(2026, 3, 15)

# A healthy 党支部: 5 full members, a 书记 and a 副书记, a term ending in two years.
HEALTHY = OrgFacts(
    kind="branch", unit_category="village", full_members=5, all_members=6, committee_size=2,
    has_secretary=True, has_current_term=True, term_ends_on=dt.date(2028, 3, 15),
)


def codes(facts: OrgFacts, today: dt.date = TODAY) -> list[str]:
    return [w.code for w in structure_warnings(facts, today)]


def test_healthy_branch_has_no_warning():
    assert codes(HEALTHY) == []


@pytest.mark.parametrize(("full", "expected"), [(2, ["too_few_members"]), (3, [])])
def test_branch_needs_three_full_members(full, expected):
    assert codes(replace(HEALTHY, full_members=full, all_members=full + 3)) == expected


def test_probationary_members_do_not_make_up_the_three():
    warnings = structure_warnings(replace(HEALTHY, full_members=2, all_members=10), TODAY)
    assert [w.code for w in warnings] == ["too_few_members"]
    assert warnings[0].level == "danger" and "正式党员2名" in warnings[0].message


@pytest.mark.parametrize(("members", "expected"), [
    (50, []), (51, ["over_50"]), (100, ["over_50"]), (101, ["over_100"]),
])
def test_large_branch(members, expected):
    facts = replace(HEALTHY, full_members=members, all_members=members, committee_size=5)
    assert codes(facts) == expected


@pytest.mark.parametrize(("full", "committee", "expected"), [
    (6, 2, None),  # 书记 and 副书记 only: fine
    (6, 3, "warning"),  # < 7 full members: no 支委会
    (7, 2, "warning"),  # ≥ 7: a 支委会 of 3–5
    (7, 3, None),
    (20, 4, None),
    (20, 5, None),
    (20, 6, "warning"),
    (20, 7, "warning"),
    (20, 8, "danger"),  # above 7: never
])
def test_committee_size(full, committee, expected):
    facts = replace(HEALTHY, full_members=full, all_members=full, committee_size=committee)
    levels = [w.level for w in structure_warnings(facts, TODAY) if w.code == "committee_size"]
    assert levels == ([expected] if expected else [])


def test_committee_size_is_not_judged_without_a_current_term():
    facts = replace(HEALTHY, committee_size=0, has_current_term=False, has_secretary=False, term_ends_on=None)
    assert codes(facts) == ["no_secretary"]
    assert "未录入" in structure_warnings(facts, TODAY)[0].message


def test_no_secretary_in_current_term():
    warnings = structure_warnings(replace(HEALTHY, has_secretary=False, committee_size=1), TODAY)
    assert [(w.code, w.level) for w in warnings] == [("no_secretary", "danger")]
    assert "本届委员会没有书记" in warnings[0].message


def test_term_expired():
    warnings = structure_warnings(replace(HEALTHY, term_ends_on=dt.date(2026, 3, 14)), TODAY)
    assert [(w.code, w.level) for w in warnings] == [("term_expired", "danger")]
    assert "逾期1天" in warnings[0].message


@pytest.mark.parametrize(("ends_on", "expected"), [
    (TODAY, ["term_expiring"]),  # ends today: not yet expired
    (dt.date(2026, 9, 15), ["term_expiring"]),  # exactly six months ahead
    (dt.date(2026, 9, 16), []),
])
def test_term_expiring_within_six_months(ends_on, expected):
    assert codes(replace(HEALTHY, term_ends_on=ends_on)) == expected


def test_six_months_from_the_end_of_a_month():
    facts = replace(HEALTHY, term_ends_on=dt.date(2026, 2, 28))
    assert codes(facts, dt.date(2025, 8, 31)) == ["term_expiring"]
    assert codes(replace(facts, term_ends_on=dt.date(2026, 3, 1)), dt.date(2025, 8, 31)) == []


def test_groups_and_households_have_no_warnings():
    for kind in ("group", "building_group", "central_household"):
        facts = replace(HEALTHY, kind=kind, full_members=1, all_members=1, has_secretary=False,
                        has_current_term=False, term_ends_on=None, committee_size=0)
        assert codes(facts) == []


def test_committees_skip_branch_size_rules_but_need_a_secretary():
    facts = replace(HEALTHY, kind="committee", full_members=1, all_members=500, committee_size=9,
                    has_secretary=False)
    assert codes(facts) == ["no_secretary"]
    assert codes(replace(facts, kind="general_branch", has_secretary=True)) == []


def test_default_term_years():
    assert default_term_years("branch", "village") == 5
    assert default_term_years("branch", "community") == 5
    assert default_term_years("branch", "hospital") == 3
    assert default_term_years("general_branch", "school") == 3
    assert default_term_years("committee", "party_government") == 5
