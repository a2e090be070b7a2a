"""The set-based check of a subtree (``checking.check_all``: steps read as tuples, rule sets shared,
only changed cases written) gives every case exactly what the rules give it one at a time, on a
fixture with a breach of every kind; a second check finds nothing to write; the pipeline's counts
come from one grouped query and also count the filtered list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.calendar import work_calendar
from dangjian.members.models import Member
from dangjian.recruitment import checking, queries, rules
from dangjian.recruitment.choices import Outcome
from dangjian.recruitment.models import CaseStep, RecruitmentCase, RuleLayerSwitch
from dangjian.testing import make_org, new_id_number

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 12, 1)
VOTES = {"voting_expected": 5, "voting_present": 5, "votes_for": 5}
APPLIED, BIRTH = D(2023, 1, 9), D(1995, 3, 3)
CODES = {"order", "age", "talk", "activist_period", "review", "contacts", "introducers", "political_review",
         "training", "publicity", "prereview", "meeting", "approval", "approver", "confirmation", "confirm_approval"}
# a case that keeps every rule, up to its 转正 approval
CLEAN = [(1, D(2023, 1, 9)), (2, D(2023, 1, 20)), (3, D(2023, 3, 1)), (4, D(2023, 3, 3)), (5, D(2023, 3, 6)),
         (6, D(2023, 8, 30)), (6, D(2024, 2, 26)), (7, D(2024, 3, 4)), (8, D(2024, 3, 6)), (9, D(2024, 3, 8)),
         (10, D(2024, 3, 20)), (11, D(2024, 4, 1)), (12, D(2024, 4, 26)), (13, D(2024, 5, 6)), (14, D(2024, 5, 8)),
         (15, D(2024, 6, 3)), (16, D(2024, 6, 20)), (17, D(2024, 7, 1)), (18, D(2024, 7, 5)), (19, D(2024, 7, 6)),
         (20, D(2024, 7, 8)), (21, D(2024, 12, 2)), (22, D(2025, 5, 20)), (23, D(2025, 6, 4)), (24, D(2025, 7, 1))]
DETAILS = {11: {"training_days": 3}, 12: {"publicity_start": D(2024, 4, 15), "publicity_end": D(2024, 4, 19)},
           15: VOTES, 17: {"outcome": Outcome.APPROVED}, 23: {"outcome": Outcome.CONFIRM, **VOTES},
           24: {"outcome": Outcome.APPROVED}}


def make_case(org, steps, *, birth=BIRTH, applied=APPLIED, people=None, approver=None):
    case = RecruitmentCase(name="测试", gender="M", birth_date=birth, org=org, applied_on=applied,
                           edition=rules.edition_for(applied).code)
    case.set_id_number(new_id_number(birth))
    case.save()
    for number, day, *extra in steps:
        fields = {**DETAILS.get(number, {}), **(extra[0] if extra else {})}
        if number in (17, 24):
            fields.setdefault("approver", approver)
        row = CaseStep.objects.create(case=case, step=number, done_on=day, **fields)
        row.persons.set((people or {}).get(number, []))
    return case


def upto(last, **changes):
    """CLEAN up to step ``last``, with some steps' dates or details changed: {step: date or (date, fields)}."""
    out = []
    for number, day in CLEAN:
        if number > last:
            break
        change = changes.get(f"s{number}")
        out.append((number, *change) if isinstance(change, tuple) else (number, change or day))
    return out


@pytest.fixture
def cases(tree):
    full = tree.members["a"]
    people = {5: full[:1], 9: full[1:3]}
    bad = list(Member.objects.filter(pk__in=[m.pk for m in tree.members["b"]]))
    Member.objects.filter(pk=bad[0].pk).update(membership_type="probationary")
    Member.objects.filter(pk=bad[1].pk).update(status="suspended")
    general = make_org(tree.town1, "总支", "C0001-01-900", "general_branch")
    RuleLayerSwitch.objects.create(owner=tree.c, layer="publicity_7")
    a, c = tree.a, tree.c
    made = {
        "clean": make_case(a, upto(24), people=people, approver=tree.town1),
        "filed": make_case(a, [*upto(24), (25, D(2025, 7, 10))], people=people, approver=tree.town1),
        "order": make_case(a, [(1, D(2024, 1, 8)), (3, D(2024, 3, 1)), (2, D(2023, 12, 1))]),
        "age": make_case(a, [(1, D(2024, 1, 8))], birth=D(2007, 6, 1), applied=D(2024, 1, 8)),
        "talk": make_case(a, [(1, D(2026, 9, 1))], applied=D(2026, 9, 1)),
        "activist_period_review": make_case(a, upto(7, s6=D(2023, 3, 2), s7=D(2023, 12, 1)), people=people),
        "review_running": make_case(a, upto(3)),
        "people": make_case(a, upto(9), people={5: [], 9: bad}),
        "people_many": make_case(a, upto(9), people={5: full[:3], 9: [bad[0]]}),
        "political_review": make_case(a, [*upto(9), (11, D(2024, 4, 1)), (14, D(2024, 5, 8))], people=people),
        "review_stale": make_case(a, upto(15, s10=D(2023, 4, 1)), people=people),
        "training": make_case(a, upto(11, s11=(D(2024, 4, 1), {"training_days": 1, "training_hours": 8})),
                              people=people),
        "publicity_missing": make_case(a, upto(12, s12=(D(2024, 4, 26), {"publicity_start": None})), people=people),
        "publicity_holiday": make_case(a, upto(12, s12=(D(2025, 10, 10), {"publicity_start": D(2025, 9, 29),
                                                                          "publicity_end": D(2025, 10, 3)})),
                                       people=people),
        "publicity_layer": make_case(c, upto(12), people=people),
        "prereview": make_case(a, upto(14, s13=D(2024, 5, 9)), people=people),
        "meeting": make_case(a, upto(15, s15=(D(2024, 6, 3), {"voting_expected": 10, "voting_present": 4,
                                                              "votes_for": 3, "individually": False})),
                             people=people),
        "meeting_missing": make_case(a, upto(23, s23=(D(2025, 6, 4), {"voting_expected": None})),
                                     people=people, approver=tree.town1),
        "approval_late": make_case(a, upto(17, s17=D(2024, 11, 1)), people=people, approver=tree.town1),
        "approval_reason": make_case(a, upto(17, s17=(D(2024, 10, 1), {"reason": "党委换届"})), people=people,
                                     approver=tree.town1),
        "approval_waiting": make_case(a, upto(15), people=people),
        "approver": make_case(a, upto(17), people=people, approver=general),
        "approver_2026": make_case(a, [(1, D(2026, 1, 5)), (15, D(2026, 3, 2), VOTES), (17, D(2026, 4, 1))],
                                   applied=D(2026, 1, 5), approver=general),
        "rejected": make_case(a, upto(17, s17=(D(2024, 7, 1), {"outcome": Outcome.REJECTED})), people=people,
                              approver=tree.town1),
        "confirmation_due": make_case(a, upto(22), people=people, approver=tree.town1),
        "confirmation_early": make_case(a, upto(24, s23=D(2025, 5, 30)), people=people, approver=tree.town1),
        "extensions": make_case(a, [*upto(22), (23, D(2025, 6, 4), {"outcome": Outcome.EXTEND,
                                                                   "extension_months": 3, **VOTES}),
                                    (23, D(2025, 9, 4), {"outcome": Outcome.EXTEND, "extension_months": 6, **VOTES})],
                                people=people, approver=tree.town1),
        "cancelled": make_case(a, [*upto(22), (23, D(2025, 6, 4), {"outcome": Outcome.CANCEL, **VOTES}),
                                   (24, D(2025, 7, 1))], people=people, approver=tree.town1),
        "confirm_approval": make_case(a, upto(23), people=people, approver=tree.town1),
        "empty": make_case(a, []),
    }
    return made


def one_by_one(case: RecruitmentCase) -> tuple:
    """What the rules give ``case`` checked alone, its facts read through the ORM (not facts_for)."""
    steps = []
    for s in CaseStep.objects.filter(case=case).select_related("approver").order_by("id"):
        persons = tuple(rules.Person(m.name, m.membership_type, m.status) for m in s.persons.order_by("pk"))
        steps.append(rules.StepFacts(
            step=s.step, done_on=s.done_on, persons=persons, voting_expected=s.voting_expected,
            voting_present=s.voting_present, votes_for=s.votes_for, individually=s.individually,
            training_days=float(s.training_days), training_hours=float(s.training_hours),
            publicity_start=s.publicity_start, publicity_end=s.publicity_end,
            approver_kind=s.approver.kind if s.approver else "", outcome=s.outcome,
            extension_months=s.extension_months, reason=s.reason))
    facts = rules.CaseFacts(birth_date=case.birth_date, steps=tuple(steps))
    rs = queries.rule_set_of(RecruitmentCase.objects.select_related("org").get(pk=case.pk))
    flags = rules.check(facts, rs, calendar=work_calendar(D(2020, 1, 1), D(2028, 12, 31)), today=TODAY)
    where = rules.position(facts, rs)
    return (where.stage, where.step, where.status, where.due_on, where.due_label, [f.as_dict() for f in flags])


def stored(case: RecruitmentCase) -> tuple:
    case.refresh_from_db()
    return (case.stage, case.current_step, case.status, case.next_due_on, case.next_due_label, case.flags)


def test_the_set_based_check_equals_the_rules_case_by_case(cases):
    assert checking.check_all(RecruitmentCase.objects.all(), today=TODAY) == len(cases)
    for name, case in cases.items():
        assert stored(case) == one_by_one(case), name
        assert case.flag_count == len(case.flags)
    codes = {f["code"] for case in cases.values() for f in case.flags}
    assert codes == CODES  # a breach of every kind
    assert not cases["clean"].flags and cases["filed"].next_due_on is None
    assert {f["code"] for f in cases["publicity_layer"].flags} == {"publicity"}  # the layer of branch C
    assert cases["rejected"].status == "closed" and cases["cancelled"].status == "closed"
    assert [f["blocking"] for f in cases["approver_2026"].flags if f["code"] == "approver"] == [True]


def test_check_case_agrees_and_a_second_check_writes_nothing(cases):
    checking.check_all(RecruitmentCase.objects.all(), today=TODAY)
    before = dict(RecruitmentCase.objects.values_list("pk", "checked_at"))
    for name, case in cases.items():
        case = RecruitmentCase.objects.select_related("org").get(pk=case.pk)
        flags = checking.check_case(case, today=TODAY, save=False)
        assert [f.as_dict() for f in flags] == stored(case)[5], name
    with CaptureQueriesContext(connection) as seen:
        checking.check_all(RecruitmentCase.objects.all(), today=TODAY)
    assert not [q for q in seen.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "COPY"))]
    assert dict(RecruitmentCase.objects.values_list("pk", "checked_at")) == before
    RecruitmentCase.objects.filter(pk=cases["clean"].pk).update(flags=[], stage=1)
    checking.check_all(RecruitmentCase.objects.all(), today=TODAY)
    assert stored(cases["clean"]) == one_by_one(cases["clean"])
    assert cases["clean"].checked_at > before[cases["clean"].pk]
    assert RecruitmentCase.objects.exclude(pk=cases["clean"].pk).filter(checked_at__gt=before[cases["clean"].pk]) \
        .count() == 0


def test_pipeline_counts_count_the_filtered_lists_in_one_query(cases, django_assert_num_queries):
    checking.check_all(RecruitmentCase.objects.all(), today=TODAY)
    qs = RecruitmentCase.objects.all()
    with django_assert_num_queries(1):
        counts = queries.pipeline_counts(qs, TODAY)
    assert counts.total == len(cases) == sum(n for _, _, n in counts.stages)
    for stage in ("", "1", "3", "5", "6", "7", "9"):
        for show in ("", "due", "overdue", "flagged", "other"):
            expected = queries.filter_cases(qs, stage=stage, show=show, today=TODAY).count()
            assert counts.count_of(stage=stage, show=show) == expected, (stage, show)
    assert counts.flagged == qs.filter(flag_count__gt=0).count() > 0
    assert counts.count_of(q="测试") is None
