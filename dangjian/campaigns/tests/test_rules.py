"""The pure rules: the stratified draw, combined scores, the ranking's boundaries, 公示 days."""

import datetime as dt
from collections import Counter
from decimal import Decimal as D

from dangjian.campaigns import rules
from dangjian.campaigns.choices import CombineMethod, Grade
from dangjian.core.workdays import WorkCalendar


def _population():
    out, n = [], 0
    for town, per_kind in (("T1", {"branch": 40, "general_branch": 10}), ("T2", {"branch": 20}),
                           ("T3", {"branch": 25, "joint_branch": 5})):
        for kind, count in per_kind.items():
            for _ in range(count):
                n += 1
                out.append(rules.Candidate(org_id=n, township=town, kind=kind))
    return out


def test_the_same_seed_draws_the_same_sample_and_another_seed_another():
    population = _population()
    first = rules.stratified_sample(population, 20, seed=42)
    again = rules.stratified_sample(list(reversed(population)), 20, seed=42)
    assert [c.org_id for c in first] == [c.org_id for c in again]
    other = rules.stratified_sample(population, 20, seed=43)
    assert {c.org_id for c in other} != {c.org_id for c in first}
    assert len({c.org_id for c in first}) == 20


def test_the_sample_is_proportional_to_each_stratum():
    drawn = rules.stratified_sample(_population(), 20, seed=7)
    per_stratum = Counter(c.stratum for c in drawn)
    # 100 organisations, 20 drawn: a fifth of each stratum
    assert per_stratum == {"T1/branch": 8, "T1/general_branch": 2, "T2/branch": 4, "T3/branch": 5,
                           "T3/joint_branch": 1}


def test_allocation_uses_largest_remainders_and_never_exceeds_a_stratum():
    assert rules.allocate({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}
    assert rules.allocate({"a": 2, "b": 98}, 10) == {"a": 0, "b": 10}
    assert rules.allocate({"a": 3}, 10) == {"a": 3}
    assert sum(rules.allocate({"a": 7, "b": 5, "c": 11}, 9).values()) == 9


def test_fingerprint_changes_when_one_target_is_swapped():
    assert rules.draw_fingerprint([1, 2, 3], 5, 3) != rules.draw_fingerprint([1, 2, 4], 5, 3)
    assert rules.draw_fingerprint([1, 2, 3], 5, 3) == rules.draw_fingerprint([1, 2, 3], 5, 3)


def test_trimmed_mean_needs_the_configured_number_of_judges():
    four = [D(90), D(80), D(70), D(60)]
    assert rules.combined_score(four, CombineMethod.TRIMMED, 5) == D("75.00")
    five = [D(95), D(80), D(70), D(60), D(40)]
    assert rules.combined_score(five, CombineMethod.TRIMMED, 5) == D("70.00")  # drops 95 and 40
    assert rules.combined_score(five, CombineMethod.MEAN, 5) == D("69.00")
    assert rules.combined_score(four, CombineMethod.TRIMMED, 4) == D("75.00")  # 80 and 70
    assert rules.combined_score([], CombineMethod.MEAN) is None
    assert rules.combined_score([D(1), D(2), D(2)], CombineMethod.MEAN) == D("1.67")


def test_ranking_shares_are_rounded_down():
    scores = {i: D(100 - i) for i in range(10)}  # 0 is best
    grades = rules.rank(scores, advanced_share=30, lagging_share=10)
    assert [grades[i] for i in range(10)] == [Grade.ADVANCED] * 3 + [Grade.STANDARD] * 6 + [Grade.LAGGING]
    nine = {i: D(100 - i) for i in range(9)}  # 30 % of 9 = 2.7 → 2; 10 % → 0
    grades = rules.rank(nine, 30, 10)
    assert Counter(grades.values()) == {Grade.ADVANCED: 2, Grade.STANDARD: 7}


def test_ties_on_a_boundary_keep_the_better_grade():
    scores = {"a": D(90), "b": D(85), "c": D(85), "d": D(70), "e": D(60), "f": D(60), "g": D(50), "h": D(50),
              "i": D(40), "j": D(40)}
    grades = rules.rank(scores, 20, 20)
    assert grades["b"] == grades["c"] == Grade.ADVANCED  # the 2nd place is shared by b and c
    assert grades["i"] == grades["j"] == Grade.LAGGING
    tied_last = {"a": D(90), "b": D(80), "c": D(70), "d": D(70)}
    grades = rules.rank(tied_last, 0, 25)  # one 落后 place, but c and d tie: both stay 达标
    assert grades["c"] == grades["d"] == Grade.STANDARD
    assert rules.rank({"x": None, "y": D(1)}, 100, 0) == {"y": Grade.ADVANCED}


def test_shares_must_fit():
    assert rules.shares_error(60, 50) is not None
    assert rules.shares_error(30, 10) is None


def test_grant_holds_during_the_period_only():
    start, end = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
    assert rules.grant_active(dt.date(2026, 5, 1), start, end, closed=False, revoked=False)
    assert not rules.grant_active(dt.date(2026, 6, 1), start, end, closed=False, revoked=False)
    assert not rules.grant_active(dt.date(2026, 4, 30), start, end, closed=False, revoked=False)
    assert not rules.grant_active(dt.date(2026, 5, 10), start, end, closed=True, revoked=False)


def test_a_judge_belongs_to_their_org_and_the_orgs_above_it():
    assert rules.is_own_org(["00010001"], "00010001")
    assert rules.is_own_org(["000100010002"], "00010001")
    assert not rules.is_own_org(["0001"], "00010001")
    assert not rules.is_own_org(["00010002"], "00010001")


def test_publicity_counts_working_days_with_holidays():
    monday = dt.date(2026, 6, 1)
    assert rules.publicity_error(monday, monday + dt.timedelta(days=4)) is None
    assert "只有 4 个工作日" in rules.publicity_error(monday, monday + dt.timedelta(days=3))
    holiday = WorkCalendar(holidays=frozenset({dt.date(2026, 6, 3)}))
    assert rules.publicity_error(monday, monday + dt.timedelta(days=4), holiday) is not None


def test_naming_waits_for_the_period_and_the_answers():
    end = dt.date(2026, 6, 5)
    assert rules.naming_error(end, end, 0) is not None
    assert rules.naming_error(end + dt.timedelta(days=1), end, 1) is not None
    assert rules.naming_error(end + dt.timedelta(days=1), end, 0) is None


def test_publicity_span_is_bounded_before_any_calendar_is_read():
    monday = dt.date(2026, 6, 1)
    assert rules.publicity_span_error(monday, monday - dt.timedelta(days=1)) is not None
    assert rules.publicity_span_error(monday, monday + dt.timedelta(days=365)) is not None
    assert rules.publicity_span_error(monday, monday + dt.timedelta(days=10)) is None
