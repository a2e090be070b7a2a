"""Every computed indicator against hand-counted fixtures, the frozen published year, and scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.assessment import actions, queries
from dangjian.assessment.choices import CandidateState, Computed, Stage
from dangjian.assessment.models import Candidate, Grade, Score
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.orglife.models import Meeting
from dangjian.orgs.actions import post_assign, term_start
from dangjian.testing import make_user
from dangjian.worklists.choices import State
from dangjian.worklists.testing import make_item, work_to

YEAR = 2025
TODAY = dt.date(2026, 2, 10)  # the whole of 2025 is due


def meeting(org, when: dt.datetime, codes: str, **counts) -> Meeting:
    held_at = when.replace(tzinfo=timezone.get_current_timezone())
    return Meeting.objects.create(org=org, title="会议", held_at=held_at, ends_at=held_at + dt.timedelta(hours=1),
                                  entered_at=held_at, type_codes=codes, **counts)


def issued_scheme(org):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=org, year=YEAR)
    return actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)


@pytest.fixture
def facts_tree(tree):
    a, b = tree.a, tree.b
    # 民主评议党员: two in A (one counted twice: two types), none in B; one in A in another year
    meeting(a, dt.datetime(2025, 11, 20, 9), "review")
    meeting(a, dt.datetime(2025, 12, 20, 9), "life_meeting,review")
    meeting(a, dt.datetime(2024, 12, 20, 9), "review")
    # 支部党员大会 in A: Q1 with all 4 voting members, Q2 with 1 of 4 (人数不足)
    meeting(a, dt.datetime(2025, 2, 10, 9), "branch_assembly", expected_count=4, present_count=4,
            voting_expected=4, voting_present=4)
    meeting(a, dt.datetime(2025, 5, 10, 9), "branch_assembly", expected_count=4, present_count=1,
            voting_expected=4, voting_present=1)
    # 三单 of A: due in 2025: one closed on time, one closed late, one still open (overdue); one due 2026
    on_time = make_item(a, "按期", deadline=dt.date(2025, 6, 30))
    work_to(on_time, State.CLOSED, today=dt.date(2025, 6, 1))
    late = make_item(a, "逾期销号", deadline=dt.date(2025, 3, 31))
    work_to(late, State.CLOSED, today=dt.date(2025, 5, 1))
    make_item(a, "超期未销号", deadline=dt.date(2025, 9, 30))
    make_item(a, "明年到期", deadline=dt.date(2026, 6, 30))
    # 失联: one in A
    m = tree.members["a"][0]
    m.lost_contact, m.lost_contact_since = True, dt.date(2025, 3, 1)
    m.save()
    # A has a 书记; B's current term (from 2025-06-15) has none
    term = term_start(acting_user=SYSTEM, org=a, started_on=dt.date(2023, 1, 1))
    post_assign(acting_user=SYSTEM, term=term, member=tree.members["a"][1], post="secretary")
    term_start(acting_user=SYSTEM, org=b, started_on=dt.date(2025, 6, 15))
    return tree


def test_every_computed_indicator_hand_counted(facts_tree):
    t = facts_tree
    facts = queries.gather_facts(t.town1, YEAR, [t.a.pk, t.b.pk], today=TODAY)
    a, b = facts[t.a.pk], facts[t.b.pk]
    assert (a.reviews_held, b.reviews_held) == (2, 0)
    assert (a.items_due, a.items_on_time, a.items_overdue) == (3, 1, 1)
    assert (b.items_due, b.items_overdue) == (0, 0)
    assert (a.lost_contact, b.lost_contact) == (1, 0)
    assert a.vacant_months == 0 and a.vacant_since is None
    # B: vacant from 2025-06-15 to 2025-12-31 → 6 whole months in the year; to 2026-02-10 → 7 in all
    assert (b.vacant_since, b.vacant_months, b.vacant_total) == (dt.date(2025, 6, 15), 6, 7)
    # 支部党员大会 Q1 met, Q2 人数不足: of A's owed periods one is a quorum failure; the Q1 assembly is met
    assert a.quorum_short == 1
    # owed in a small branch (no 支委会): 4 assemblies + 4 党课 + 12 主题党日 + 组织生活会 + 民主评议 + 谈心谈话
    assert a.owed == 4 + 4 + 12 + 1 + 1 + 1 == 23
    assert a.met == 3  # Q1 assembly, the 组织生活会 and the 民主评议党员
    assert (b.owed, b.met) == (23, 0)
    # B has 2 members (< 3 to form a branch): one structure warning; its vacancy is an indicator of its own
    assert (a.warnings, b.warnings) == (0, 1)


def test_scores_and_reasons(facts_tree):
    t = facts_tree
    scheme = issued_scheme(t.town1)
    assert actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY) == 2
    grade_a = Grade.objects.get(scheme=scheme, org=t.a)
    points = {s.indicator.code: s for s in Score.objects.filter(grade=grade_a).select_related("indicator")}
    assert points[Computed.REVIEW_HELD].points == Decimal(10)
    assert points[Computed.ORGLIFE_RATE].points == Decimal("3.26")  # 25 × 3/23
    assert points[Computed.STRUCTURE_WARNINGS].points == Decimal(5)
    assert points[Computed.WORKLIST_ONTIME].points == Decimal("5.00")  # 15 × 1/3
    assert points[Computed.WORKLIST_OVERDUE].points == Decimal(4)  # 5 − 1 × 1
    assert points[Computed.LOST_CONTACT].points == Decimal(4)
    assert points[Computed.SECRETARY_VACANT].points == Decimal(10)
    assert points[Computed.ORGLIFE_QUORUM].points == Decimal(4)
    assert "1/3" in points[Computed.WORKLIST_ONTIME].reason
    grade_b = Grade.objects.get(scheme=scheme, org=t.b)
    vacant_b = Score.objects.get(grade=grade_b, indicator__code=Computed.SECRETARY_VACANT)
    assert vacant_b.points == Decimal(0) and "6 个月" in vacant_b.reason  # 10 − 6 × 3, not below 0
    # the entered indicator is not scored yet: the total is the computed points
    assert grade_a.score == sum(s.points or 0 for s in points.values())
    # B is a 后进 candidate: 书记 vacant 7 months > 3
    candidate = Candidate.objects.get(scheme=scheme, org=t.b)
    assert any("书记空缺 7 个月" in r for r in candidate.reasons)


def test_drill_down_lists_what_was_counted(facts_tree):
    t = facts_tree
    rows = queries.evidence(t.a, YEAR, Computed.WORKLIST_OVERDUE, today=TODAY)
    assert [r.label for r in rows] == ["超期未销号"]
    rows = queries.evidence(t.a, YEAR, Computed.REVIEW_HELD, today=TODAY)
    assert len(rows) == 2
    rows = queries.evidence(t.a, YEAR, Computed.LOST_CONTACT, today=TODAY)
    assert [r.label for r in rows] == [t.members["a"][0].name]
    rows = queries.evidence(t.a, YEAR, Computed.ORGLIFE_QUORUM, today=TODAY)
    assert len(rows) == 1 and "人数不足" in rows[0].detail


def _rated(t, scheme, org):
    grade = Grade.objects.get(scheme=scheme, org=org)
    entered = Score.objects.get(grade=grade, indicator__method="entered")
    actions.claim_enter(acting_user=SYSTEM, score=entered, claim="阵地建设达标，见照片", claim_points=18)
    actions.self_submit(acting_user=SYSTEM, grade=grade, summary="全年工作正常开展")
    actions.score_enter(acting_user=SYSTEM, score=entered, points=18)
    actions.survey_enter(acting_user=SYSTEM, grade=grade, satisfied=40, basic=5, unsatisfied=5)
    grade.refresh_from_db()
    actions.grade_rate(acting_user=SYSTEM, grade=grade, grade_name=grade.suggested)
    return Grade.objects.get(pk=grade.pk)


def test_published_year_refuses_recomputation_and_amends(facts_tree):
    t = facts_tree
    scheme = issued_scheme(t.town1)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    grade = _rated(t, scheme, t.a)
    grade = actions.grade_publicize(acting_user=SYSTEM, grade=grade, start=dt.date(2026, 2, 2))
    with pytest.raises(ValidationError, match="已公示，不能重新计算"):
        actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    score = Score.objects.get(grade=grade, indicator__code=Computed.LOST_CONTACT)
    with pytest.raises(ValidationError, match="不能再修改"):
        actions.score_enter(acting_user=SYSTEM, score=Score.objects.get(grade=grade, indicator__method="entered"),
                            points=20)
    actions.amendment_make(acting_user=SYSTEM, grade=grade, reason="失联党员已于 2025 年底恢复联系",
                           indicator=score.indicator, points=5)
    grade.refresh_from_db()
    assert grade.amendments.get().before == "4.00"
    assert Score.objects.get(pk=score.pk).points == Decimal(5)


def test_report_needs_five_working_days_and_answered_objections(facts_tree):
    t = facts_tree
    scheme = issued_scheme(t.town1)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    grade = _rated(t, scheme, t.a)
    # Monday 2026-03-02: five working days end Friday 03-06; 上报 from Saturday on
    grade = actions.grade_publicize(acting_user=SYSTEM, grade=grade, start=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError, match="2026-03-06 之后"):
        actions.grade_report(acting_user=SYSTEM, grade=grade, today=dt.date(2026, 3, 6))
    objection = actions.objection_add(acting_user=SYSTEM, grade=grade, text="会议记录不全")
    with pytest.raises(ValidationError, match="异议未核实"):
        actions.grade_report(acting_user=SYSTEM, grade=grade, today=dt.date(2026, 3, 9))
    actions.objection_answer(acting_user=SYSTEM, objection=objection, response="经核实，记录完整")
    grade = actions.grade_report(acting_user=SYSTEM, grade=grade, today=dt.date(2026, 3, 9))
    assert grade.stage == Stage.REPORTED


def test_a_town_scores_only_its_subtree_never_itself(facts_tree):
    t = facts_tree
    town_admin = make_user("town1_admin", org=t.town1, role="superior_admin")
    county_scheme = issued_scheme(t.county)  # assesses branches A, B, C
    actions.scheme_compute(acting_user=SYSTEM, scheme=county_scheme, today=TODAY)
    grade_c = Grade.objects.get(scheme=county_scheme, org=t.c)  # under town 2
    with pytest.raises(ActionDenied):
        actions.survey_enter(acting_user=town_admin, grade=grade_c, satisfied=1, basic=0, unsatisfied=0)
    grade_a = Grade.objects.get(scheme=county_scheme, org=t.a)
    actions.survey_enter(acting_user=town_admin, grade=grade_a, satisfied=1, basic=0, unsatisfied=0)
    # the town as an assessed organisation (a scheme for committees): scored by the county, never by itself
    committee_scheme = actions.scheme_create(acting_user=SYSTEM, org=t.county, year=YEAR, org_kinds=["committee"])
    actions.scheme_issue(acting_user=SYSTEM, scheme=committee_scheme)
    actions.scheme_compute(acting_user=SYSTEM, scheme=committee_scheme, today=TODAY)
    town_grade = Grade.objects.get(scheme=committee_scheme, org=t.town1)
    with pytest.raises(ActionDenied):
        actions.survey_enter(acting_user=town_admin, grade=town_grade, satisfied=1, basic=0, unsatisfied=0)
    assert not Grade.objects.filter(scheme=committee_scheme, org=t.county).exists()
    # a secretary of A, who holds a post there, cannot score A even with rights above (county admin + post)
    make_user("dual", org=t.county, role="superior_admin")
    from django.contrib.auth import get_user_model

    from dangjian.accounts.models import Position
    dual = get_user_model().objects.get(username="dual")
    Position.objects.create(user=dual, org=t.a, role="secretary")
    with pytest.raises(ActionDenied, match="不能为本组织"):
        actions.survey_enter(acting_user=dual, grade=grade_a, satisfied=1, basic=0, unsatisfied=0)


def test_confirming_a_candidate_opens_a_rectification_item_and_lifting_needs_its_close(facts_tree):
    t = facts_tree
    scheme = issued_scheme(t.town1)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    candidate = Candidate.objects.get(scheme=scheme, org=t.b)
    with pytest.raises(ValidationError, match="1 至 12"):
        actions.candidate_confirm(acting_user=t.county_admin, candidate=candidate, months=13, today=TODAY)
    candidate = actions.candidate_confirm(acting_user=t.county_admin, candidate=candidate, today=TODAY)
    assert candidate.state == CandidateState.CONFIRMED
    item = candidate.item
    assert item.kind == "problem" and item.deadline == dt.date(2026, 8, 10) and item.org == t.b
    assert set(item.persons.all()) == {t.secretary_b, t.county_admin}
    assert set(item.orgs.all()) == {t.b, t.town1}
    with pytest.raises(ValidationError, match="销号后才能摘帽"):
        actions.candidate_lift(acting_user=t.county_admin, candidate=candidate)
    work_to(item, State.CLOSED, today=TODAY)
    assert actions.candidate_lift(acting_user=t.county_admin, candidate=candidate).state == CandidateState.LIFTED


def test_publicity_lists_published_grades_with_their_period(facts_tree, client):
    from django.urls import reverse

    from dangjian.core.models import CalendarDay

    t = facts_tree
    scheme = issued_scheme(t.town1)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    grade = _rated(t, scheme, t.a)
    _rated(t, scheme, t.b)  # rated, not yet publicized: not listed
    CalendarDay.objects.create(day=dt.date(2026, 3, 4), is_working=False, name="假日")
    actions.grade_publicize(acting_user=SYSTEM, grade=grade, start=dt.date(2026, 3, 2))
    actions.objection_add(acting_user=SYSTEM, grade=grade, text="会议记录不全")
    listed = queries.publicity(scheme, t.county_admin)
    assert [g.org_id for g in listed] == [t.a.pk]
    # Monday 03-02, a holiday on Wednesday 03-04: the fifth working day is Monday 03-09
    assert listed[0].publicity_end == dt.date(2026, 3, 9) and listed[0].objection_count == 1
    assert queries.publicity(scheme, t.secretary_b) == []  # B's secretary does not see A's result
    client.force_login(t.county_admin)
    page = client.get(reverse("assessment:publicity", args=[scheme.pk])).content.decode()
    assert t.a.name in page and "2026-03-09" in page and t.b.name not in page
