"""Writes of 党费: scope, rules, versions and audit."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.models import ChangeRecord
from dangjian.dues import actions, queries, rules
from dangjian.dues.choices import ArrangementKind, DuesCategory, PaymentKind, PaymentMethod, ReliefKind
from dangjian.dues.models import DuesPayment
from dangjian.testing import make_member

from .conftest import pay

pytestmark = pytest.mark.django_db


def test_base_is_computed_by_the_rules_and_audited(tree, year_start):
    member = tree.members["a"][0]
    base = actions.base_set(acting_user=tree.secretary_a, member=member, category=DuesCategory.RETIRED,
                            base=D("5000.00"), effective_from=year_start)
    assert base.monthly_amount == D("25.00") and base.rule_version == "2008"
    record = ChangeRecord.objects.get(action="dues_base_set", object_id=base.pk)
    assert record.after["monthly_amount"] == "25.00" and "0.5%" in record.note


def test_base_edit_needs_the_current_version(tree, year_start):
    member = tree.members["a"][0]
    base = actions.base_set(acting_user=tree.secretary_a, member=member, category=DuesCategory.SALARIED,
                            base=D("3000"), effective_from=year_start)
    updated = actions.base_set(acting_user=tree.secretary_a, member=member, category=DuesCategory.SALARIED,
                               base=D("3000.01"), effective_from=year_start, expected_version=base.version)
    assert updated.monthly_amount == D("30.00") and updated.version == 2
    for stale in (1, None):  # an old version, or none at all: refused, never overwritten
        with pytest.raises(VersionConflict):
            actions.base_set(acting_user=tree.secretary_a, member=member, category=DuesCategory.SALARIED,
                             base=D("2000"), effective_from=year_start, expected_version=stale)


def test_base_outside_scope_and_bad_base_are_refused(tree, year_start):
    with pytest.raises(ActionDenied):
        actions.base_set(acting_user=tree.secretary_b, member=tree.members["a"][0], category=DuesCategory.SALARIED,
                         base=D("3000"), effective_from=year_start)
    with pytest.raises(ValidationError) as exc:
        actions.base_set(acting_user=tree.secretary_a, member=tree.members["a"][0], category=DuesCategory.FARMER,
                         base=D("2"), effective_from=year_start)
    assert "0.2" in str(exc.value)


def test_pay_change_mid_year(tree, year_start):
    member = tree.members["a"][0]
    actions.base_set(acting_user=SYSTEM, member=member, category=DuesCategory.SALARIED, base=D("4000"),
                     effective_from=year_start)
    later = rules.add_months(year_start, 6)
    actions.base_set(acting_user=SYSTEM, member=member, category=DuesCategory.SALARIED, base=D("6000"),
                     effective_from=later)
    assert queries.expected_for(member, rules.add_months(later, -1)) == D("40.00")
    assert queries.expected_for(member, later) == D("90.00")


def test_relief_needs_the_level_above(tree, year_start, bases):
    member = tree.members["a"][0]
    common = {"member": member, "kind": ReliefKind.REDUCE, "from_month": year_start, "until_month": None,
              "reason": "大病", "approval_ref": "东城党发〔2026〕3号", "approved_on": year_start,
              "monthly_amount": D("5.00")}
    with pytest.raises(ValidationError):  # the branch cannot approve its own member's reduction
        actions.relief_grant(acting_user=tree.secretary_a, approved_by_org=tree.a, **common)
    with pytest.raises(ActionDenied):  # the branch secretary cannot act for the town
        actions.relief_grant(acting_user=tree.secretary_a, approved_by_org=tree.town1, **common)
    actions.relief_grant(acting_user=tree.county_admin, approved_by_org=tree.town1, **common)
    assert queries.expected_for(member, year_start) == D("5.00")


def test_quarterly_or_proxy_needs_the_branch_consent(tree, year_start, bases):
    member = tree.members["a"][1]
    with pytest.raises(ValidationError) as exc:
        pay(member, year_start, method=PaymentMethod.QUARTERLY)
    assert "支部同意" in str(exc.value)
    actions.arrangement_record(acting_user=tree.secretary_a, member=member, kind=ArrangementKind.QUARTERLY,
                               consented_on=year_start, consent_record="支委会同意")
    assert pay(member, year_start, method=PaymentMethod.QUARTERLY).method == PaymentMethod.QUARTERLY


def test_probationary_member_pays_from_the_month_admitted(tree, year_start):
    joined = year_start + dt.timedelta(days=16)  # admitted mid-month
    member = make_member(tree.a, name="预备党员", joined_on=joined, membership_type="probationary")
    actions.base_set(acting_user=SYSTEM, member=member, category=DuesCategory.STUDENT, base=None,
                     effective_from=rules.add_months(year_start, -3))
    assert queries.expected_for(member, rules.add_months(year_start, -1)) is None
    assert queries.expected_for(member, year_start) == D("0.20")
    with pytest.raises(ValidationError):
        pay(member, rules.add_months(year_start, -1), amount="0.20")
    assert pay(member, year_start, amount="0.20").expected == D("0.20")


def test_voluntary_payment_of_a_thousand_goes_to_the_centre(tree, year_start, bases):
    member = tree.members["a"][0]
    big = pay(member, year_start, amount="1000.00", kind=PaymentKind.VOLUNTARY)
    small = pay(member, year_start, amount="999.99", kind=PaymentKind.VOLUNTARY)
    regular = pay(member, year_start)
    assert big.to_centre and not small.to_centre and not regular.to_centre


def test_a_month_twice_without_version_is_a_conflict(tree, year_start, bases):
    member = tree.members["a"][0]
    first = pay(member, year_start)
    with pytest.raises(VersionConflict):
        pay(member, year_start, amount="50.00")
    assert pay(member, year_start, amount="50.00", expected_version=first.version).amount == D("50.00")


def test_month_record_writes_a_branch_in_one_transaction(tree, year_start, bases):
    members = tree.members["a"]
    entries = [actions.MonthEntry(member_id=m.pk, paid=True, amount="40.00") for m in members[:3]]
    entries.append(actions.MonthEntry(member_id=members[3].pk, paid=False))
    done = actions.month_record(acting_user=tree.secretary_a, org=tree.a, month=year_start, entries=entries,
                                paid_on=rules.add_months(year_start, 1), received_by="组织委员")
    assert done == {"created": 3, "updated": 0, "deleted": 0}
    assert ChangeRecord.objects.filter(action="dues_payment").count() == 3
    saved = {p.member_id: p for p in DuesPayment.objects.filter(month=year_start)}
    assert saved[members[0].pk].expected == D("40.00")
    # a second screen loaded before the first was saved: conflict, nothing written
    stale = [actions.MonthEntry(member_id=m.pk, paid=True, amount="41.00") for m in members]
    with pytest.raises(VersionConflict) as exc:
        actions.month_record(acting_user=tree.secretary_a, org=tree.a, month=year_start, entries=stale,
                             paid_on=rules.add_months(year_start, 1), received_by="组织委员")
    assert members[0].name in str(exc.value)
    assert DuesPayment.objects.filter(month=year_start).count() == 3
    # unticking a paid line removes it, with its version
    fresh = [actions.MonthEntry(member_id=members[0].pk, paid=False, version=saved[members[0].pk].version)]
    done = actions.month_record(acting_user=tree.secretary_a, org=tree.a, month=year_start, entries=fresh,
                                paid_on=rules.add_months(year_start, 1), received_by="组织委员")
    assert done["deleted"] == 1 and ChangeRecord.objects.filter(action="dues_payment_delete").count() == 1


def test_month_record_reports_every_bad_line_and_writes_nothing(tree, year_start, bases):
    members = tree.members["a"]
    entries = [actions.MonthEntry(member_id=members[0].pk, paid=True, amount="abc"),
               actions.MonthEntry(member_id=members[1].pk, paid=True, amount="40", method=PaymentMethod.PROXY),
               actions.MonthEntry(member_id=members[2].pk, paid=True, amount="40")]
    with pytest.raises(ValidationError) as exc:
        actions.month_record(acting_user=tree.secretary_a, org=tree.a, month=year_start, entries=entries,
                             paid_on=rules.add_months(year_start, 1), received_by="组织委员")
    text = " ".join(exc.value.messages)
    assert members[0].name in text and members[1].name in text and members[2].name not in text
    assert not DuesPayment.objects.exists()


def test_month_record_outside_scope_is_refused(tree, year_start, bases):
    with pytest.raises(ActionDenied):
        actions.month_record(acting_user=tree.secretary_b, org=tree.a, month=year_start, entries=[],
                             paid_on=year_start, received_by="x")


def test_month_record_queries_do_not_grow_with_the_branch(tree, year_start):
    """A branch's month costs the same number of queries for 3 members as for 12: new lines, changed
    lines, unticked lines and lines paid by proxy (the branch's consent) alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def branch_month(n: int, month: dt.date) -> int:
        members = [make_member(tree.c) for _ in range(n)]
        for m in members:
            actions.base_set(acting_user=SYSTEM, member=m, category=DuesCategory.SALARIED, base=D("4000"),
                             effective_from=year_start)
            actions.arrangement_record(acting_user=SYSTEM, member=m, kind=ArrangementKind.PROXY,
                                       consented_on=year_start, consent_record="支委会同意", proxy_name="家属")
        first = [actions.MonthEntry(member_id=m.pk, paid=True, amount="40.00") for m in members]
        actions.month_record(acting_user=tree.county_admin, org=tree.c, month=month, entries=first,
                             paid_on=rules.add_months(year_start, 2), received_by="组织委员")
        saved = {p.member_id: p.version for p in DuesPayment.objects.filter(month=month)}
        entries = [actions.MonthEntry(member_id=m.pk, paid=i % 3 != 0, amount="41.00" if i % 3 == 1 else "40.00",
                                      method=PaymentMethod.PROXY if i % 3 == 2 else PaymentMethod.CASH,
                                      version=saved[m.pk]) for i, m in enumerate(members)]
        with CaptureQueriesContext(connection) as ctx:
            done = actions.month_record(acting_user=tree.county_admin, org=tree.c, month=month, entries=entries,
                                        paid_on=rules.add_months(year_start, 2), received_by="组织委员")
        assert done == {"created": 0, "updated": 2 * n // 3, "deleted": n // 3}
        return len(ctx.captured_queries)

    assert branch_month(3, year_start) == branch_month(12, rules.add_months(year_start, 1))
