"""The compliance engine with plain data: no database."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dangjian.orglife import rules
from dangjian.orglife.choices import MeetingType, Outcome, Period, QuorumBase
from dangjian.orglife.rules import MeetingFacts, OrgFacts, Rule

YEAR = 2026
TODAY = dt.date(2027, 1, 15)  # the whole year is over
BRANCH = OrgFacts(id=1, name="红星村党支部", kind="branch", path="00010001", full_members=10)


def meeting(day, *types, org_id=1, **counts):
    return MeetingFacts(id=hash((day, types, org_id)) & 0xFFFF, org_id=org_id, held_on=day,
                        types=frozenset(types), **counts)


def outcomes(results):
    return [r.outcome for r in results]


def test_quarter_boundaries():
    rule = Rule(MeetingType.LECTURE, Period.QUARTER)
    held = [meeting(dt.date(2026, 3, 31), MeetingType.LECTURE), meeting(dt.date(2026, 7, 1), MeetingType.LECTURE)]
    results = rules.evaluate_rule(BRANCH, rule, held, YEAR, TODAY)
    assert outcomes(results) == [Outcome.MET, Outcome.MISSING, Outcome.MET, Outcome.MISSING]
    assert "第二季度" in results[1].reason and "至少 1 次" in results[1].reason
    assert results[0].slot.end == dt.date(2026, 3, 31)


def test_open_period_is_not_yet_due_unless_met():
    rule = Rule(MeetingType.THEME_DAY, Period.MONTH)
    held = [meeting(dt.date(2026, 5, 10), MeetingType.THEME_DAY)]
    results = rules.evaluate_rule(BRANCH, rule, held, YEAR, dt.date(2026, 5, 20))
    assert results[4].outcome == Outcome.MET
    assert results[5].outcome == Outcome.NOT_DUE and "截止 2026-06-30" in results[5].reason
    assert results[3].outcome == Outcome.MISSING


def test_organisation_founded_mid_year():
    org = OrgFacts(id=1, name="新支部", kind="branch", founded_on=dt.date(2026, 5, 20), full_members=5)
    results = rules.evaluate_rule(org, Rule(MeetingType.THEME_DAY, Period.MONTH), [], YEAR, TODAY)
    assert [r.outcome for r in results[:4]] == [Outcome.NOT_APPLICABLE] * 4
    assert "2026-05-20 成立" in results[4].reason  # existed 12 of 31 days in May
    assert results[5].outcome == Outcome.MISSING
    yearly = rules.evaluate_rule(org, Rule(MeetingType.LIFE_MEETING, Period.YEAR), [], YEAR, TODAY)
    assert yearly[0].outcome == Outcome.MISSING  # existed more than half the year


def test_merged_branch_meetings_count_for_the_successor_and_the_old_branch_stops_owing():
    old = OrgFacts(id=2, name="旧支部", kind="branch", ended_on=dt.date(2026, 3, 31), full_members=3)
    new = OrgFacts(id=1, name="合并后支部", kind="branch", predecessors=(2,), full_members=3)
    held = [meeting(dt.date(2026, 2, 5), MeetingType.THEME_DAY, org_id=2)]
    rule = Rule(MeetingType.THEME_DAY, Period.MONTH)
    successor = rules.evaluate_org(new, [rule], held, YEAR, TODAY)
    assert successor[1].outcome == Outcome.MET
    absorbed = rules.evaluate_org(old, [rule], held, YEAR, TODAY)
    assert absorbed[1].outcome == Outcome.MET and absorbed[3].outcome == Outcome.NOT_APPLICABLE
    assert "已撤并" in absorbed[3].reason


def test_one_meeting_counts_for_two_types():
    both = meeting(dt.date(2026, 1, 8), MeetingType.THEME_DAY, MeetingType.LECTURE)
    results = rules.evaluate_org(BRANCH, [Rule(MeetingType.THEME_DAY, Period.MONTH),
                                          Rule(MeetingType.LECTURE, Period.QUARTER)], [both], YEAR, TODAY)
    met = [r for r in results if r.outcome == Outcome.MET]
    assert {(r.meeting_type, r.slot.label) for r in met} == {(MeetingType.THEME_DAY, "1月"),
                                                            (MeetingType.LECTURE, "第一季度")}
    assert all(r.meeting_ids == (both.id,) for r in met)


def test_leave_versus_absence_in_the_quorum():
    counts = {"voting_expected": 10, "voting_present": 5, "voting_leave": 2}
    held = [meeting(dt.date(2026, 2, 1), MeetingType.BRANCH_ASSEMBLY, **counts)]
    strict = Rule(MeetingType.BRANCH_ASSEMBLY, Period.QUARTER, quorum_base=QuorumBase.VOTING)
    result = rules.evaluate_rule(BRANCH, strict, held, YEAR, TODAY)[0]
    assert result.outcome == Outcome.QUORUM
    assert "应到 10 人" in result.reason and "实到 5 人" in result.reason
    lenient = Rule(MeetingType.BRANCH_ASSEMBLY, Period.QUARTER, quorum_base=QuorumBase.VOTING, leave_excluded=True)
    assert rules.evaluate_rule(BRANCH, lenient, held, YEAR, TODAY)[0].outcome == Outcome.MET


def test_quorum_failure_while_period_open_is_not_yet_due():
    held = [meeting(dt.date(2026, 2, 1), MeetingType.BRANCH_ASSEMBLY, voting_expected=10, voting_present=3)]
    rule = Rule(MeetingType.BRANCH_ASSEMBLY, Period.QUARTER, quorum_base=QuorumBase.VOTING)
    assert rules.evaluate_rule(BRANCH, rule, held, YEAR, dt.date(2026, 3, 1))[0].outcome == Outcome.NOT_DUE


def test_committee_rule_needs_seven_full_members():
    small = OrgFacts(id=3, name="小支部", kind="branch", full_members=5)
    result = rules.evaluate_rule(small, Rule(MeetingType.COMMITTEE, Period.MONTH), [], YEAR, TODAY)[0]
    assert result.outcome == Outcome.NOT_APPLICABLE and "不设支委会" in result.reason


def test_planned_meetings_do_not_count():
    planned = MeetingFacts(id=9, org_id=1, held_on=dt.date(2026, 1, 5), types=frozenset({"theme_day"}), planned=True)
    assert rules.evaluate_rule(BRANCH, Rule("theme_day", Period.MONTH), [planned], YEAR, TODAY)[0].outcome == "missing"


def test_min_count_above_one():
    held = [meeting(dt.date(2026, 1, d), MeetingType.STUDY_GROUP) for d in (3, 9)]
    result = rules.evaluate_rule(BRANCH, Rule(MeetingType.STUDY_GROUP, Period.QUARTER, min_count=3), held, YEAR,
                                 TODAY)[0]
    assert result.outcome == Outcome.MISSING and "仅有 2 次" in result.reason


def test_resolve_rules_nearest_owner_wins_and_can_switch_off():
    county = "0001"
    town = "00010001"
    rows = [
        rules.RuleRow(county, "branch", Rule(MeetingType.LECTURE, Period.MONTH)),
        rules.RuleRow(town, "branch", Rule(MeetingType.LECTURE, Period.YEAR)),
        rules.RuleRow(county, "branch", Rule(MeetingType.HEART_TALK, Period.YEAR), active=False),
        rules.RuleRow("0002", "branch", Rule(MeetingType.THEME_DAY, Period.YEAR)),
    ]
    resolved = {r.meeting_type: r for r in rules.resolve_rules("branch", "000100010001", rows)}
    assert resolved[MeetingType.LECTURE].period == Period.YEAR
    assert MeetingType.HEART_TALK not in resolved
    assert resolved[MeetingType.THEME_DAY].period == Period.MONTH  # another county's rule does not apply
    # the organisation's own rows are for those below it, not for itself
    own = {r.meeting_type: r for r in rules.resolve_rules("branch", town, rows)}
    assert own[MeetingType.LECTURE].period == Period.MONTH


def test_roll_up_and_rates():
    tallies = {"0001": rules.Tally(met=1, owed=2), "00010001": rules.Tally(met=3, owed=4)}
    totals = rules.roll_up(tallies)
    assert (totals["0001"].met, totals["0001"].owed) == (4, 6)
    assert totals["00010001"].percent == "75%"
    assert rules.Tally().percent == "—"


def test_silence():
    assert rules.silence(dt.date(2026, 1, 1), dt.date(2026, 3, 1)).silent
    assert "已 59 天" in rules.silence(dt.date(2026, 1, 1), dt.date(2026, 3, 1)).reason
    assert not rules.silence(dt.date(2026, 2, 20), dt.date(2026, 3, 1)).silent
    assert rules.silence(None, dt.date(2026, 3, 1)).silent
    assert not rules.silence(None, dt.date(2026, 3, 1), founded_on=dt.date(2026, 2, 20)).silent


def test_due_items_late_first():
    results = rules.evaluate_org(BRANCH, [Rule(MeetingType.THEME_DAY, Period.MONTH)], [], YEAR, dt.date(2026, 3, 10))
    due = rules.due_items(results, dt.date(2026, 3, 10))
    assert [d.late for d in due] == [True, True, False]
    assert due[-1].deadline == dt.date(2026, 3, 31)


def test_tallies_without_results_agree_with_the_results():
    orgs = [BRANCH, OrgFacts(id=1, name="新", kind="branch", founded_on=dt.date(2026, 5, 20), full_members=9),
            OrgFacts(id=1, name="撤", kind="branch", ended_on=dt.date(2026, 8, 1), full_members=2)]
    held = [meeting(dt.date(2026, m, 9), MeetingType.THEME_DAY, MeetingType.BRANCH_ASSEMBLY, voting_expected=8,
                    voting_present=3 + m % 4, committee_expected=5, committee_present=m % 5) for m in range(1, 12, 2)]
    for org in orgs:
        for today in (dt.date(2026, 6, 15), TODAY):
            org_rules = list(rules.default_rules("branch")) + [Rule(MeetingType.STUDY_GROUP, Period.QUARTER, 2)]
            results = rules.evaluate_org(org, org_rules, held, YEAR, today)
            tally, months = rules.tally_org(org, org_rules, held, YEAR, today)
            assert tally == rules.tally_of(results)
            assert sum(t.owed for t in months.values()) == tally.owed


# -- the tallies (marks) against the worded results (meetings), over generated years ------------

QUORUM_RULES = st.builds(
    Rule, st.sampled_from([MeetingType.BRANCH_ASSEMBLY, MeetingType.COMMITTEE, MeetingType.THEME_DAY]),
    st.sampled_from([Period.MONTH, Period.QUARTER, Period.YEAR]), st.integers(0, 3),
    st.sampled_from(list(QuorumBase)), st.booleans())
COUNT = st.integers(0, 6)


@st.composite
def held_meetings(draw):
    days = draw(st.lists(st.dates(dt.date(2025, 12, 1), dt.date(2027, 1, 31)), max_size=25))
    types = st.sets(st.sampled_from([MeetingType.BRANCH_ASSEMBLY, MeetingType.COMMITTEE, MeetingType.THEME_DAY]),
                    min_size=1)
    return [meeting(day, *draw(types), planned=draw(st.booleans()) and draw(st.booleans()),
                    **{name: draw(COUNT) for name in ("expected", "present", "leave", "voting_expected",
                                                      "voting_present", "voting_leave", "committee_expected",
                                                      "committee_present", "committee_leave")})
            for day in days]


@given(org_rules=st.lists(QUORUM_RULES, min_size=1, max_size=4, unique_by=lambda r: r.meeting_type),
       held=held_meetings(), today=st.dates(dt.date(2026, 1, 1), dt.date(2027, 2, 1)),
       founded=st.none() | st.dates(dt.date(2025, 6, 1), dt.date(2026, 12, 31)), members=st.integers(0, 12))
def test_tallies_from_marks_agree_with_the_worded_results(org_rules, held, today, founded, members):
    org = OrgFacts(id=1, name="支部", kind="branch", founded_on=founded, full_members=members)
    results = rules.evaluate_org(org, org_rules, held, YEAR, today)
    tally, months = rules.tally_org(org, org_rules, held, YEAR, today)
    assert tally == rules.tally_of(results)
    by_month = {}
    for r in results:
        by_month.setdefault(rules.month_of(r), rules.Tally()).add(r)
    empty = rules.Tally()  # a month where only periods not owed end: shown blank either way
    assert {m: t for m, t in months.items() if t != empty} == {m: t for m, t in by_month.items() if t != empty}
