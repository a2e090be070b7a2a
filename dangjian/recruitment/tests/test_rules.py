"""Each rule at its boundary, without a database: one day short, exactly enough, across a holiday,
the leap day; and the rule set chosen by the day the case began."""

import datetime as dt

from dangjian.core.workdays import WorkCalendar
from dangjian.recruitment import rules
from dangjian.recruitment.choices import Outcome
from dangjian.recruitment.rules import CaseFacts, Person, StepFacts, add_months, check, position, rule_set_for

D = dt.date
RS = rule_set_for(D(2024, 1, 1))
TODAY = D(2026, 12, 1)


def codes(case, rs=RS, **kw):
    return {(f.code, f.step) for f in check(case, rs, today=kw.pop("today", TODAY), **kw)}


BIRTH = D(1990, 1, 1)


def case_with(*steps, birth=BIRTH):
    return CaseFacts(birth_date=birth, steps=tuple(steps))


def s(step, day, **kw):
    return StepFacts(step=step, done_on=day, **kw)


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_age_one_day_short_exactly_and_leap_day():
    assert ("age", 1) in codes(case_with(s(1, D(2024, 5, 16)), birth=D(2006, 5, 17)), today=D(2024, 5, 20))
    assert ("age", 1) not in codes(case_with(s(1, D(2024, 5, 17)), birth=D(2006, 5, 17)), today=D(2024, 5, 20))
    # born on 29 February: 18 on 1 March of a common year, not on 28 February
    assert ("age", 1) in codes(case_with(s(1, D(2026, 2, 28)), birth=D(2008, 2, 29)), today=D(2026, 3, 2))
    assert ("age", 1) not in codes(case_with(s(1, D(2026, 3, 1)), birth=D(2008, 2, 29)), today=D(2026, 3, 2))


def test_age_is_blocking_in_every_edition():
    flags = check(case_with(s(1, D(2024, 5, 1)), birth=D(2010, 1, 1)), RS, today=D(2024, 5, 2))
    assert flags[0].blocking and "未满18周岁" in flags[0].reason and "细则" in flags[0].source


def test_talk_within_one_month():
    assert ("talk", 2) not in codes(case_with(s(1, D(2024, 1, 31)), s(2, D(2024, 2, 29))))
    assert ("talk", 2) in codes(case_with(s(1, D(2024, 1, 31)), s(2, D(2024, 3, 1))))
    # not yet held, a month gone: already late
    assert ("talk", 2) in codes(case_with(s(1, D(2026, 10, 1))), today=D(2026, 11, 2))
    assert ("talk", 2) not in codes(case_with(s(1, D(2026, 10, 1))), today=D(2026, 11, 1))


BASE = (s(1, D(2023, 1, 2)), s(2, D(2023, 1, 10)), s(3, D(2023, 3, 1)), s(4, D(2023, 3, 2)),
        s(5, D(2023, 3, 3), persons=(Person("甲"), Person("乙"))), s(6, D(2023, 8, 30)), s(6, D(2024, 2, 28)))


def test_activist_one_year_one_day_short_and_exact():
    short = case_with(*BASE, s(7, D(2024, 2, 29)))
    enough = case_with(*BASE, s(7, D(2024, 3, 1)))
    flags = check(short, RS, today=TODAY)
    assert any(f.code == "activist_period" and "差1天" in f.reason for f in flags)
    assert ("activist_period", 7) not in codes(enough)


def test_review_every_half_year():
    assert ("review", 6) not in codes(case_with(*BASE, s(7, D(2024, 3, 1))))
    gap = case_with(*BASE[:5], s(6, D(2023, 9, 2)), s(7, D(2024, 3, 5)))
    assert ("review", 6) in codes(gap)


def test_contacts_and_introducers_must_be_full_members_in_good_standing():
    bad = case_with(*BASE[:4], s(5, D(2023, 3, 3), persons=(Person("甲", "probationary"),)),
                    s(9, D(2024, 4, 1), persons=(Person("乙"), Person("丙", status="suspended"))))
    found = codes(bad)
    assert ("contacts", 5) in found and ("introducers", 9) in found
    one = case_with(s(9, D(2024, 4, 1), persons=(Person("乙"),)))
    assert ("introducers", 9) in codes(one)


def test_political_review_and_prereview_before_the_volunteer_form():
    late = case_with(s(10, D(2024, 5, 2)), s(13, D(2024, 5, 3)), s(14, D(2024, 5, 1)))
    found = codes(late)
    assert ("political_review", 14) in found and ("prereview", 14) in found
    fine = case_with(s(10, D(2024, 5, 1)), s(13, D(2024, 5, 1)), s(14, D(2024, 5, 1)))
    assert not {c for c, _ in codes(fine)} & {"political_review", "prereview"}


def test_training_three_days_or_24_hours():
    assert ("training", 11) in codes(case_with(s(11, D(2024, 4, 1), training_days=2.5, training_hours=23)))
    assert ("training", 11) not in codes(case_with(s(11, D(2024, 4, 1), training_days=3)))
    assert ("training", 11) not in codes(case_with(s(11, D(2024, 4, 1), training_hours=24)))


def test_publicity_counts_working_days_across_a_holiday():
    # 2025-09-29 (Mon) … 2025-10-03 (Fri): National Day holidays from 1 October
    holidays = WorkCalendar(holidays=frozenset({D(2025, 10, 1), D(2025, 10, 2), D(2025, 10, 3)}),
                            workdays=frozenset({D(2025, 9, 28)}))
    across = case_with(s(12, D(2025, 10, 9), publicity_start=D(2025, 9, 29), publicity_end=D(2025, 10, 3)))
    assert ("publicity", 12) not in codes(across)  # weekdays only: five
    flags = check(across, RS, calendar=holidays, today=TODAY)
    assert any(f.code == "publicity" and "只有2个工作日" in f.reason for f in flags)
    exact = case_with(s(12, D(2025, 10, 14), publicity_start=D(2025, 9, 29), publicity_end=D(2025, 10, 9)))
    assert ("publicity", 12) not in {(f.code, f.step) for f in check(exact, RS, calendar=holidays, today=TODAY)}


def test_branch_meeting_quorum_and_majority():
    ok = case_with(s(15, D(2024, 6, 1), voting_expected=10, voting_present=6, votes_for=6))
    assert ("meeting", 15) not in codes(ok)
    half = case_with(s(15, D(2024, 6, 1), voting_expected=10, voting_present=5, votes_for=5))
    assert len([f for f in check(half, RS, today=TODAY) if f.code == "meeting"]) == 2
    together = case_with(s(15, D(2024, 6, 1), voting_expected=10, voting_present=8, votes_for=8, individually=False))
    assert ("meeting", 15) in codes(together)


def test_approval_three_months_six_with_reason_and_entitled_body():
    meeting = s(15, D(2024, 1, 31), voting_expected=3, voting_present=3, votes_for=3)
    assert ("approval", 17) not in codes(case_with(meeting, s(17, D(2024, 4, 30), approver_kind="committee")))
    assert ("approval", 17) in codes(case_with(meeting, s(17, D(2024, 5, 1), approver_kind="committee")))
    assert ("approval", 17) not in codes(case_with(meeting, s(17, D(2024, 5, 1), reason="上级党委换届",
                                                                approver_kind="committee")))
    assert ("approval", 17) in codes(case_with(meeting, s(17, D(2024, 8, 1), reason="上级党委换届")))
    assert ("approver", 17) in codes(case_with(meeting, s(17, D(2024, 3, 1), approver_kind="general_branch")))


def test_probation_one_year_extension_once_and_confirmation_approval():
    meeting = s(15, D(2024, 2, 29), voting_expected=3, voting_present=3, votes_for=3)
    approved = s(17, D(2024, 3, 15), approver_kind="committee")
    facts = case_with(meeting, approved)
    assert rules.probation_end(facts, RS) == D(2025, 2, 28)
    early = case_with(meeting, approved, s(23, D(2025, 2, 27), outcome=Outcome.CONFIRM, voting_expected=3,
                                           voting_present=3, votes_for=3))
    assert ("confirmation", 23) in codes(early)
    extended = case_with(meeting, approved, s(23, D(2025, 3, 1), outcome=Outcome.EXTEND, extension_months=6,
                                              voting_expected=3, voting_present=3, votes_for=3))
    assert rules.probation_end(extended, RS) == D(2025, 8, 29)  # 18 months from the leap day
    twice = case_with(meeting, approved, *(s(23, d, outcome=Outcome.EXTEND, extension_months=6, voting_expected=3,
                                             voting_present=3, votes_for=3) for d in (D(2025, 3, 1), D(2025, 9, 1))))
    assert ("confirmation", 23) in codes(twice)
    late = case_with(meeting, approved, s(23, D(2025, 3, 1), outcome=Outcome.CONFIRM, voting_expected=3,
                                          voting_present=3, votes_for=3), s(24, D(2025, 6, 2)))
    assert ("confirm_approval", 24) in codes(late)
    assert position(late, RS).status == "full"


def test_order_of_steps():
    assert ("order", 3) in codes(case_with(s(1, D(2024, 1, 1)), s(3, D(2024, 2, 1))))
    assert ("order", 2) in codes(case_with(s(1, D(2024, 1, 10)), s(2, D(2024, 1, 9))))


def test_rule_set_chosen_by_the_day_the_case_began_and_local_layers():
    assert rule_set_for(D(2025, 12, 31)).code == "2014"
    assert rule_set_for(D(2026, 1, 1)).code == "2026"
    assert 7 not in rule_set_for(D(2025, 12, 31)).publicity and 7 in rule_set_for(D(2026, 1, 1)).publicity
    local = rule_set_for(D(2025, 6, 1), layers={"publicity_7"})
    assert local.publicity == {12: 7} and local.layers == ("publicity_7",)
    six = case_with(s(12, D(2025, 6, 20), publicity_start=D(2025, 6, 9), publicity_end=D(2025, 6, 16)))
    assert ("publicity", 12) not in codes(six)
    assert ("publicity", 12) in codes(six, rs=local)


def test_position_and_next_due():
    where = position(case_with(s(1, D(2026, 11, 1))), RS)
    assert (where.stage, where.due_on, where.due_label) == (1, D(2026, 12, 1), "党组织派人谈话")
    where = position(case_with(*BASE), RS)
    assert where.stage == 2 and where.due_on == D(2024, 8, 28)
