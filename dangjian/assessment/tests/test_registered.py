"""Indicators other apps register (``core.registry.register_indicator``): 党费收缴率 from dues and
发展党员程序问题 from recruitment, hand-counted, with their drill-down, and the scoring rule at its
boundaries (no database)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.assessment import actions, queries, rules
from dangjian.assessment.models import Grade, Score
from dangjian.core.actors import SYSTEM
from dangjian.core.registry import COUNT, RATE, ComputedIndicator, computed_indicators
from dangjian.dues import actions as dues_actions
from dangjian.dues import rules as dues_rules
from dangjian.dues.choices import DuesCategory
from dangjian.orgs.models import Organization
from dangjian.recruitment import actions as recruitment_actions
from dangjian.recruitment.models import RecruitmentCase
from dangjian.testing import make_member, make_org, new_id_number

YEAR = 2025
TODAY = dt.date(2026, 2, 10)  # every month of 2025 is over
DUES, BREACHES = "dues_rate", "recruitment_breaches"


def _spec(kind, wording="项问题", none_text="无应计项目"):
    return ComputedIndicator("x", "x", kind, None, None, wording=wording, none_text=none_text)


def test_rate_boundaries():
    full = rules.compute("x", rules.Facts(extra={"x": (0, 0)}), 10, 0, _spec(RATE, "已交/应交"))
    assert (full.value, full.points, full.reason) == (None, Decimal("10.00"), "无应计项目")
    none_paid = rules.compute("x", rules.Facts(extra={"x": (0, 48)}), 10, 0, _spec(RATE, "已交/应交"))
    assert (none_paid.value, none_paid.points) == (Decimal("0.00"), Decimal("0.00"))
    all_paid = rules.compute("x", rules.Facts(extra={"x": (48, 48)}), 10, 0, _spec(RATE, "已交/应交"))
    assert all_paid.points == Decimal("10.00") and "48/48" in all_paid.reason
    missing = rules.compute("x", rules.Facts(), 10, 0, _spec(RATE))  # an organisation the app did not list
    assert missing.points == Decimal("10.00")


def test_count_boundaries_and_wording():
    zero = rules.compute("x", rules.Facts(extra={"x": 0}), 5, 1, _spec(COUNT))
    assert (zero.points, zero.reason) == (Decimal("5.00"), "0 项问题")
    two = rules.compute("x", rules.Facts(extra={"x": 2}), 5, 1, _spec(COUNT))
    assert (two.points, two.reason) == (Decimal("3.00"), "2 项问题，每项扣 1.00 分")
    floor = rules.compute("x", rules.Facts(extra={"x": 6}), 5, 1, _spec(COUNT))
    assert floor.points == Decimal("0.00")  # never below zero
    months = rules.secretary_vacant(rules.Facts(vacant_months=2), Decimal(10), Decimal(3))
    assert months.reason == "2 个月书记空缺，每个月扣 3.00 分"
    with pytest.raises(KeyError):
        rules.compute("unknown", rules.Facts(), 5, 1)


@pytest.fixture
def records(tree):
    """A's four members owe 40.00 a month through 2025; one paid 12 months, one 3 → 15 of 48.
    A 发展党员 case of A got its 谈话 late in 2025 (one flag); a case of C in 2023 only (not counted)."""
    a0, a1 = tree.members["a"][:2]
    for member in tree.members["a"]:
        dues_actions.base_set(acting_user=SYSTEM, member=member, category=DuesCategory.SALARIED,
                              base=Decimal("4000"), effective_from=dt.date(YEAR, 1, 1))
    for member, months in ((a0, 12), (a1, 3)):
        for i in range(months):
            month = dues_rules.add_months(dt.date(YEAR, 1, 1), i)
            dues_actions.payment_record(acting_user=SYSTEM, member=member, month=month, amount=Decimal("40.00"),
                                        received_by="组织委员", paid_on=dues_rules.add_months(month, 1))
    for org, applied in ((tree.a, dt.date(YEAR, 1, 8)), (tree.c, dt.date(2023, 1, 9))):
        case = recruitment_actions.case_create(acting_user=SYSTEM, org=org, name=f"申请人{org.pk}", today=TODAY,
                                               id_number=new_id_number(dt.date(1995, 3, 3)), applied_on=applied)
        recruitment_actions.step_record(acting_user=SYSTEM, case=case, step=2,
                                        done_on=applied + dt.timedelta(days=40), expected_version=case.version,
                                        today=TODAY, persons=[make_member(org)])
    return tree


def _scheme(org):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=org, year=YEAR, with_defaults=False)
    actions.indicators_set(acting_user=SYSTEM, scheme=scheme, indicators=[
        {"group": "党员管理", "name": "党费收缴率", "method": "computed", "code": DUES, "weight": 50},
        {"group": "工作业绩", "name": "发展党员程序", "method": "computed", "code": BREACHES, "weight": 30,
         "deduct": 2},
        {"group": "其他", "name": "其他工作", "method": "entered", "weight": 20}])
    return actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)


def test_both_apps_registered():
    registered = computed_indicators()
    assert {DUES, BREACHES} <= set(registered)
    assert {DUES, BREACHES} <= {code for code, _label in queries.computed_choices()}


def test_gathered_and_scored_hand_counted(records):
    t = records
    facts = queries.gather_facts(t.county, YEAR, [t.a.pk, t.b.pk, t.c.pk], today=TODAY)
    assert facts[t.a.pk].extra[DUES] == (15, 48)
    assert facts[t.b.pk].extra[DUES] == (0, 0)  # no base recorded: nothing owed that reconcile counts
    assert (facts[t.a.pk].extra[BREACHES], facts[t.b.pk].extra[BREACHES], facts[t.c.pk].extra[BREACHES]) == (1, 0, 0)
    scheme = _scheme(t.county)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    scores = {s.indicator.code: s for s in Score.objects.filter(grade__scheme=scheme, grade__org=t.a)
              .select_related("indicator")}
    assert scores[DUES].points == Decimal("15.63")  # 50 × 15/48
    assert scores[DUES].value == Decimal("31.25") and "15/48" in scores[DUES].reason
    assert scores[BREACHES].points == Decimal(28) and "每项扣 2.00 分" in scores[BREACHES].reason
    assert Grade.objects.get(scheme=scheme, org=t.a).score == Decimal("43.63")
    b_dues = Score.objects.get(grade__scheme=scheme, grade__org=t.b, indicator__code=DUES)
    assert b_dues.points == Decimal(50) and "按满分计" in b_dues.reason


def test_drill_down_of_registered_indicators(records):
    t = records
    dues_rows = queries.evidence(t.a, YEAR, DUES, today=TODAY)
    assert sorted(r.label for r in dues_rows) == sorted(m.name for m in t.members["a"][1:])
    a1_row = next(r for r in dues_rows if r.label == t.members["a"][1].name)
    assert a1_row.detail.startswith("未交 9 个月") and a1_row.url_name == "dues:member"
    rows = queries.evidence(t.a, YEAR, BREACHES, today=TODAY)
    assert len(rows) == 1 and rows[0].url_name == "recruitment:detail" and "1个月" in rows[0].detail
    assert queries.evidence(t.c, YEAR, BREACHES, today=TODAY) == []


def test_registered_indicators_do_not_query_per_organisation(records):
    t = records

    def count(org_ids):
        with CaptureQueriesContext(connection) as ctx:
            queries.gather_facts(t.county, YEAR, org_ids, today=TODAY, codes={DUES, BREACHES})
        return len(ctx.captured_queries)

    few = count([t.a.pk])
    for n in range(4):
        make_org(t.town2, f"新支部{n}", f"C0001-02-1{n:02d}")
    assert count(list(Organization.objects.filter(kind="branch").values_list("pk", flat=True))) == few


def test_unknown_code_refused(tree):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=tree.county, year=YEAR, with_defaults=False)
    with pytest.raises(ValidationError, match="计算规则不是可选值"):
        actions.indicators_set(acting_user=SYSTEM, scheme=scheme, indicators=[
            {"name": "报到率", "method": "computed", "code": "checkin_rate", "weight": 100}])


def test_drill_down_page_links_to_the_other_apps_records(records, client):
    from django.urls import reverse

    t = records
    scheme = _scheme(t.county)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    grade = Grade.objects.get(scheme=scheme, org=t.a)
    client.force_login(t.county_admin)
    for code, link in ((DUES, reverse("dues:member", args=[t.members["a"][1].pk])),
                       (BREACHES, reverse("recruitment:detail", args=[RecruitmentCase.objects.get(org=t.a).pk]))):
        indicator = scheme.indicators.get(code=code)
        page = client.get(reverse("assessment:evidence", args=[grade.pk, indicator.pk])).content.decode()
        assert link in page
