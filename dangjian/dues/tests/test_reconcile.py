"""The database's reconciliation (``queries.reconcile``: each base a run of months, summed in SQL)
equals the rules applied month by month to every member, after each kind of write that changes what
is owed or paid: bases (a first base, a pay change mid-year, an edit), reductions and exemptions,
payments (one, a branch's month, a deletion), admission mid-month, a change of 党籍 status and a
transfer (the payments stay with the receiving branch). And its number of queries is fixed."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.actors import SYSTEM
from dangjian.dues import actions, queries, rules
from dangjian.dues.choices import DuesCategory, PaymentKind, ReliefKind
from dangjian.dues.models import DuesBase, DuesPayment, DuesRelief
from dangjian.members.actions import member_transfer, member_update
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.testing import make_member, make_org

from .conftest import pay, pay_months

pytestmark = pytest.mark.django_db

FIELDS = ("members", "no_base", "expected", "due_months", "paid_months", "behind", "paid", "voluntary", "to_centre")


def by_rules(root, year: int, today: dt.date) -> dict[str, tuple]:
    """Every organisation of ``root``'s subtree, its whole subtree counted, member by member and
    month by month with ``rules.expected_amount`` (a query per member: the slow, obvious way)."""
    months = rules.year_months(year)
    current = rules.month_start(today)
    own: dict[str, list] = defaultdict(lambda: [0, 0, D("0"), 0, 0, 0, D("0"), D("0"), D("0")])
    members = Member.objects.filter(org__path__startswith=root.path, status=PartyStatus.NORMAL).select_related("org")
    for member in members:
        tally = own[member.org.path]
        bases = [
            rules.BaseFact(b.effective_from, b.monthly_amount)
            for b in DuesBase.objects.filter(member=member, effective_from__lte=months[-1])
        ]
        reliefs = [
            rules.ReliefFact(r.kind, r.from_month, r.until_month, r.monthly_amount)
            for r in DuesRelief.objects.filter(member=member)
        ]
        if not bases:
            tally[1] += 1
            continue
        amounts = [rules.expected_amount(m, joined_on=member.joined_on, bases=bases, reliefs=reliefs) for m in months]
        if all(a is None for a in amounts):
            continue
        due = sum(1 for m, a in zip(months, amounts, strict=True) if a is not None and a > 0 and m < current)
        paid = min(
            due,
            DuesPayment.objects.filter(
                member=member,
                kind=PaymentKind.REGULAR,
                month__in=months,
                month__lt=current,
                org__path__startswith=root.path,
            ).count(),
        )
        tally[0] += 1
        tally[2] += sum(a for a in amounts if a is not None)
        tally[3] += due
        tally[4] += paid
        tally[5] += paid < due
    for payment in DuesPayment.objects.filter(org__path__startswith=root.path, month__in=months).select_related("org"):
        tally = own[payment.org.path]
        if payment.kind == PaymentKind.VOLUNTARY:
            tally[7] += payment.amount
            tally[8] += payment.amount if rules.goes_to_centre(payment.kind, payment.amount) else 0
        else:
            tally[6] += payment.amount
    out = {}
    for org in type(root).objects.filter(path__startswith=root.path):
        parts = [tally for path, tally in own.items() if path.startswith(org.path)]
        out[org.path] = tuple(sum((t[i] for t in parts), 0) for i in range(len(FIELDS)))
    return out


def by_database(root, year: int, today: dt.date) -> dict[str, tuple]:
    rows = queries.reconcile(SYSTEM, root, year, depth=99, today=today)
    return {row.path: tuple(getattr(row, f) for f in FIELDS) for row in rows}


@pytest.fixture
def year():
    return rules.month_start(dt.date.today()).year - 1


@pytest.fixture
def check(tree, year):
    """Compare the two ways at the end of the year, in its middle and before it."""

    def _check():
        for today in (dt.date(year + 1, 1, 10), dt.date(year, 7, 15), dt.date(year, 1, 5)):
            assert by_database(tree.county, year, today) == by_rules(tree.county, year, today), today
        return by_database(tree.county, year, dt.date(year + 1, 1, 10))[tree.county.path]

    return _check


def salaried(member, base, start, **kw):
    return actions.base_set(
        acting_user=SYSTEM, member=member, category=DuesCategory.SALARIED, base=D(base), effective_from=start, **kw
    )


def test_bases_and_pay_changes(tree, year, check):
    a = tree.members["a"]
    assert check()[1] == 9  # nobody has a base
    salaried(a[0], "4000", dt.date(year - 2, 1, 1))  # from an earlier year
    salaried(a[1], "3000.01", dt.date(year, 3, 1))  # first base mid-year
    salaried(a[2], "2000", dt.date(year + 1, 1, 1))  # only from next year: no base for this one
    salaried(tree.members["c"][0], "0", dt.date(year, 1, 1))  # nothing to pay: counted, never due
    assert check()[:2] == (3, 6)
    salaried(a[0], "12000", dt.date(year, 6, 1))  # a pay change mid-year
    salaried(a[0], "5000", dt.date(year - 1, 1, 1))  # a base before the one in force at January
    total = check()
    assert total[2] == D("50.00") * 5 + D("240.00") * 7 + D("30.00") * 10  # a[0] 5,000 then 12,000; a[1]
    base = DuesBase.objects.get(member=a[0], effective_from=dt.date(year, 6, 1))
    salaried(a[0], "8000", dt.date(year, 6, 1), expected_version=base.version)  # the edit of a base
    check()


def test_reliefs(tree, year, check):
    a = tree.members["a"]
    for m in a:
        salaried(m, "4000", dt.date(year - 1, 1, 1))
    grant = {
        "acting_user": SYSTEM,
        "reason": "困难",
        "approved_by_org": tree.town1,
        "approval_ref": "东党〔1〕",
        "approved_on": dt.date(year - 1, 12, 1),
    }
    actions.relief_grant(
        member=a[0], kind=ReliefKind.EXEMPT, from_month=dt.date(year, 4, 1), until_month=dt.date(year, 6, 1), **grant
    )
    actions.relief_grant(
        member=a[1],
        kind=ReliefKind.REDUCE,
        monthly_amount=D("10"),
        from_month=dt.date(year, 11, 1),
        until_month=None,
        **grant,
    )
    actions.relief_grant(
        member=a[2],
        kind=ReliefKind.EXEMPT,
        from_month=dt.date(year - 2, 1, 1),
        until_month=dt.date(year - 1, 12, 1),
        **grant,
    )  # over before the year
    total = check()
    assert total[2] == D("40.00") * (4 * 12 - 3) - 2 * D("30.00")


def test_payments_one_by_one_a_month_and_deleted(tree, year, check):
    a, c = tree.members["a"], tree.members["c"]
    for m in a + c:
        salaried(m, "4000", dt.date(year - 1, 1, 1))
    pay_months(a[0], dt.date(year, 1, 1), 12)
    pay(a[1], dt.date(year - 1, 12, 1))  # last year's: not this year's
    pay(a[1], dt.date(year, 2, 1), amount="30.00")  # less than due still counts as a paid month
    pay(c[0], dt.date(year, 5, 1), amount="1000.00", kind=PaymentKind.VOLUNTARY)
    pay(c[1], dt.date(year, 5, 1), amount="999.99", kind=PaymentKind.VOLUNTARY)
    check()
    entries = [actions.MonthEntry(member_id=m.pk, paid=True, amount="40.00") for m in a]
    entries[0] = actions.MonthEntry(
        member_id=a[0].pk, paid=False, version=DuesPayment.objects.get(member=a[0], month=dt.date(year, 3, 1)).version
    )
    actions.month_record(
        acting_user=SYSTEM,
        org=tree.a,
        month=dt.date(year, 3, 1),
        entries=entries,
        paid_on=dt.date(year, 3, 20),
        received_by="组织委员",
    )
    total = check()
    assert total[4] == 11 + 1 + 3  # a[0] lost March, a[1..3] paid it
    payment = DuesPayment.objects.get(member=a[1], month=dt.date(year, 2, 1))
    actions.payment_delete(acting_user=SYSTEM, payment=payment, expected_version=payment.version)
    check()


def test_admission_status_and_transfer(tree, year, check):
    a = tree.members["a"]
    newcomer = make_member(tree.b, joined_on=dt.date(year, 5, 31), membership_type="probationary")
    for m in [*a, newcomer]:
        salaried(m, "4000", dt.date(year - 1, 1, 1))
    pay_months(newcomer, dt.date(year, 5, 1), 8)
    pay_months(a[0], dt.date(year, 1, 1), 6)
    total = check()
    assert total[0] == 5 and total[2] == D("40.00") * (4 * 12 + 8)
    member_update(acting_user=SYSTEM, member=a[3], status=PartyStatus.DECEASED, status_effective_on=dt.date(year, 8, 2))
    # moved to another township: the six months stay with branch A, the member is counted in C
    member_transfer(acting_user=SYSTEM, member=a[0], to_org=tree.c, transferred_on=dt.date(year, 7, 1))
    result = by_database(tree.town2, year, dt.date(year + 1, 1, 10))[tree.c.path]
    assert result[0] == 1 and result[4] == 0 and result[6] == 0
    assert check()[0] == 4


def test_a_fixed_number_of_queries(tree, year):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            queries.reconcile(tree.county_admin, tree.county, year, depth=99, today=dt.date(year + 1, 1, 10))
        return len(ctx.captured_queries)

    count()  # the first call also reads the user's positions
    assert count() == 6
    grant = {
        "acting_user": SYSTEM,
        "reason": "困难",
        "approved_by_org": tree.county,
        "approval_ref": "县〔1〕",
        "approved_on": dt.date(year, 1, 1),
    }
    for i in range(4):
        branch = make_org(tree.town2, f"新支部{i}", f"C0001-02-10{i}")
        for _ in range(3):
            member = make_member(branch)
            salaried(member, "3000", dt.date(year, 1, 1))
            salaried(member, "6000", dt.date(year, 7, 1))
            actions.relief_grant(
                member=member,
                kind=ReliefKind.EXEMPT,
                from_month=dt.date(year, 2, 1),
                until_month=dt.date(year, 2, 1),
                **grant,
            )
            pay(member, dt.date(year, 1, 1), amount="15.00")
    assert count() == 6
