"""Recording a case end to end on the database: the flags come back at once, a blocking rule
refuses, admission creates the 预备党员 and 转正 changes the member, scope is enforced, every write
is audited, the bulk check agrees with the one-case check."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.models import CalendarDay, ChangeRecord
from dangjian.members.models import Member
from dangjian.recruitment import actions, checking, queries
from dangjian.recruitment.choices import Outcome
from dangjian.recruitment.models import RecruitmentCase
from dangjian.testing import make_org, new_id_number

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 12, 1)


APPLIED, BIRTH = D(2024, 1, 8), D(1995, 3, 3)


def new_case(tree, *, user=None, applied=APPLIED, birth=BIRTH):
    return actions.case_create(acting_user=user or tree.secretary_a, org=tree.a, name="林晓", today=TODAY,
                               id_number=new_id_number(birth), applied_on=applied)


def record(tree, case, step, day, user=None, **kw):
    case.refresh_from_db()
    return actions.step_record(acting_user=user or tree.secretary_a, case=case, step=step, done_on=day,
                               expected_version=case.version, today=TODAY, **kw)


def run_to_admission(tree, case):
    full = tree.members["a"]
    record(tree, case, 2, D(2024, 1, 20), persons=[full[0]])
    record(tree, case, 3, D(2024, 3, 1))
    record(tree, case, 4, D(2024, 3, 5))
    record(tree, case, 5, D(2024, 3, 6), persons=full[:2])
    record(tree, case, 6, D(2024, 8, 30))
    record(tree, case, 6, D(2025, 2, 27))
    record(tree, case, 7, D(2025, 3, 3))
    for step, day in ((8, D(2025, 3, 5)), (10, D(2025, 4, 1)), (13, D(2025, 5, 6)), (14, D(2025, 5, 8))):
        record(tree, case, step, day)
    record(tree, case, 9, D(2025, 3, 10), persons=full[1:3])
    record(tree, case, 11, D(2025, 4, 10), training_days=3)
    record(tree, case, 12, D(2025, 5, 5), publicity_start=D(2025, 4, 21), publicity_end=D(2025, 4, 25))
    record(tree, case, 15, D(2025, 6, 3), voting_expected=4, voting_present=4, votes_for=4)
    record(tree, case, 16, D(2025, 6, 20))
    return record(tree, case, 17, D(2025, 7, 1), approver=tree.town1, outcome=Outcome.APPROVED)


def test_case_create_encrypts_the_id_number_and_computes_age(tree):
    case = new_case(tree)
    assert case.id_number_masked.startswith("1101") and "*" in case.id_number_masked
    assert case.birth_date == D(1995, 3, 3) and case.edition == "2014" and case.stage == 1
    assert case.reveal_id_number() != case.id_number_encrypted
    assert ChangeRecord.objects.filter(action="recruitment_case_create", object_id=case.pk).exists()


def test_under_18_is_refused_with_its_reason(tree):
    with pytest.raises(ValidationError) as exc:
        new_case(tree, birth=D(2008, 2, 29), applied=D(2026, 2, 28))
    assert "未满18周岁" in str(exc.value)
    assert not RecruitmentCase.objects.exists()


def test_a_step_out_of_time_is_flagged_at_once_not_blocked(tree):
    case = new_case(tree)
    _, flags = record(tree, case, 2, D(2024, 2, 9))
    assert [f.code for f in flags if f.step == 2] == ["talk"]
    case.refresh_from_db()
    assert case.flag_count == 1 and "1个月" in case.flags[0]["reason"]


def test_admission_creates_the_probationary_member_and_confirmation_changes_it(tree):
    case = new_case(tree)
    run_to_admission(tree, case)
    case.refresh_from_db()
    member = Member.objects.get(pk=case.member_id)
    assert member.membership_type == "probationary" and member.joined_on == D(2025, 6, 3)
    assert case.status == "probationary" and case.next_due_on == D(2026, 6, 3)
    for step, day in ((18, D(2025, 7, 5)), (19, D(2025, 7, 6)), (20, D(2025, 7, 7)), (21, D(2025, 12, 1)),
                      (22, D(2026, 5, 20))):
        record(tree, case, step, day)
    record(tree, case, 23, D(2026, 6, 5), outcome=Outcome.CONFIRM, voting_expected=5, voting_present=5, votes_for=5)
    record(tree, case, 24, D(2026, 7, 1), approver=tree.town1, outcome=Outcome.APPROVED)
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.membership_type == "full" and member.confirmed_on == D(2026, 6, 3)
    assert case.status == "full" and case.flags == []
    assert ChangeRecord.objects.filter(action="member_update", object_id=member.pk).exists()


def test_scope_a_secretary_cannot_record_in_another_branch(tree):
    case = new_case(tree)
    with pytest.raises(ActionDenied):
        record(tree, case, 2, D(2024, 1, 20), user=tree.secretary_b)
    assert not queries.cases_for(tree.secretary_b).exists()
    assert queries.cases_for(tree.county_admin).filter(pk=case.pk).exists()


def test_stale_version_is_refused(tree):
    case = new_case(tree)
    with pytest.raises(VersionConflict):
        actions.step_record(acting_user=tree.secretary_a, case=case, step=2, done_on=D(2024, 1, 20),
                            expected_version=case.version + 5, today=TODAY)


def test_bulk_check_agrees_with_the_one_case_check(tree, django_assert_max_num_queries):
    cases = [new_case(tree) for _ in range(3)]
    record(tree, cases[0], 2, D(2024, 3, 1))
    RecruitmentCase.objects.update(flags=[], flag_count=0)
    with django_assert_max_num_queries(9):  # cases, people, steps, details, layers, calendar, the write
        assert checking.check_all(RecruitmentCase.objects.all(), today=TODAY) == 3
    cases[0].refresh_from_db()
    assert cases[0].flag_count == 1 and cases[0].flags[0]["code"] == "talk"


def test_calendar_only_the_county_admin_edits_and_it_changes_publicity(tree):
    with pytest.raises(ActionDenied):
        actions.calendar_day_set(acting_user=tree.secretary_a, day=D(2027, 1, 1), is_working=False)
    with pytest.raises(ValidationError):
        actions.calendar_day_set(acting_user=tree.county_admin, day=D(2027, 1, 2), is_working=False)
    actions.calendar_day_set(acting_user=tree.county_admin, day=D(2027, 1, 1), is_working=False, name="元旦")
    assert CalendarDay.objects.get(day=D(2027, 1, 1)).name == "元旦"
    assert ChangeRecord.objects.filter(action="calendar_day_set").exists()
    actions.calendar_day_remove(acting_user=tree.county_admin, day=D(2027, 1, 1))
    assert not CalendarDay.objects.filter(day=D(2027, 1, 1)).exists()


def test_local_layer_switch_rechecks_cases(tree):
    case = new_case(tree)
    record(tree, case, 12, D(2024, 2, 1), publicity_start=D(2024, 1, 15), publicity_end=D(2024, 1, 19))
    case.refresh_from_db()
    assert "publicity" not in {f["code"] for f in case.flags}
    actions.layer_switch(acting_user=tree.county_admin, owner=tree.county, layer="publicity_7", enabled=True)
    case.refresh_from_db()
    assert "publicity" in {f["code"] for f in case.flags}


def test_general_branch_cannot_approve(tree):
    general = make_org(tree.town1, "总支", "C0001-01-900", "general_branch")
    branch = make_org(general, "总支第一支部", "C0001-01-901")
    case = actions.case_create(acting_user=SYSTEM, org=branch, name="王五", today=TODAY,
                               id_number=new_id_number(D(1990, 1, 1)), applied_on=D(2024, 1, 8))
    record(tree, case, 15, D(2024, 6, 3), voting_expected=4, voting_present=4, votes_for=4, user=SYSTEM)
    _, flags = record(tree, case, 17, D(2024, 7, 1), approver=general, user=SYSTEM, outcome=Outcome.APPROVED)
    assert any(f.code == "approver" for f in flags)
