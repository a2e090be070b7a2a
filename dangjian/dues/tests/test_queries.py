"""Reconciliation (set-based), arrears, the 6-month flag into the 待办 inbox."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.actors import SYSTEM
from dangjian.dues import actions, feeds, queries, rules
from dangjian.dues.choices import DuesCategory, PaymentKind
from dangjian.inbox.models import InboxItem
from dangjian.inbox.registry import refresh
from dangjian.testing import make_member, make_org

from .conftest import pay, pay_months

pytestmark = pytest.mark.django_db


def _row(rows, org):
    return next(r for r in rows if r.org_id == org.pk)


def test_reconcile_per_branch_town_and_county(tree, year_start, this_month, bases):
    a0, a1 = tree.members["a"][:2]
    pay_months(a0, year_start, 12)  # a full year
    pay_months(a1, year_start, 3)
    pay(tree.members["c"][0], year_start, amount="1000.00", kind=PaymentKind.VOLUNTARY)
    year = year_start.year
    rows = queries.reconcile(tree.county_admin, tree.county, year, depth=2, today=this_month)
    county, town1, a = _row(rows, tree.county), _row(rows, tree.town1), _row(rows, tree.a)
    assert a.members == 4 and a.due_months == 4 * 12 and a.expected == D("40.00") * 48
    assert a.paid_months == 15 and a.paid == D("600.00") and a.rate == 31.2
    assert town1.members == 6 and town1.paid == a.paid
    assert county.members == 9 and county.to_centre == D("1000.00") and county.voluntary == D("1000.00")
    assert county.handed_up == county.paid + D("1000.00")
    assert a.behind == 3 and county.behind == 8


def test_reconcile_is_a_fixed_number_of_queries(tree, year_start, this_month, bases):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            queries.reconcile(tree.county_admin, tree.county, year_start.year, today=this_month)
        return len(ctx.captured_queries)

    count()  # the first call also reads the user's positions
    before = count()
    for i in range(3):
        branch = make_org(tree.town2, f"新支部{i}", f"C0001-02-10{i}")
        for _ in range(2):
            member = make_member(branch)
            actions.base_set(acting_user=SYSTEM, member=member, category=DuesCategory.RETIRED, base=D("3000"),
                             effective_from=year_start)
            pay(member, year_start, amount="15.00")
    assert count() == before


def test_reconcile_respects_scope(tree, year_start, this_month, bases):
    rows = queries.reconcile(tree.secretary_b, tree.b, year_start.year, today=this_month)
    assert [r.org_id for r in rows] == [tree.b.pk] and rows[0].members == 2


def test_members_without_a_base_are_counted_apart(tree, this_month):
    rows = queries.reconcile(tree.county_admin, tree.county, this_month.year, today=this_month)
    assert rows[0].no_base == 9 and rows[0].members == 0


def test_exactly_six_months_unpaid_is_flagged_into_the_inbox(tree, this_month, bases):
    six, five = tree.members["b"]
    start = rules.add_months(this_month, -12)
    pay_months(six, start, 6)  # months -12 … -7 paid: -6 … -1 unpaid = 6
    pay_months(five, start, 7)  # -5 … -1 unpaid = 5
    lines = {line.member.pk: line for line in queries.member_lines(tree.secretary_b, tree.b, [], today=this_month)}
    assert len(lines[six.pk].run) == 6 and lines[six.pk].flagged
    assert len(lines[five.pk].run) == 5 and not lines[five.pk].flagged
    refresh(feeds.LAPSE, today=this_month)
    item = InboxItem.objects.get(key=f"{feeds.LAPSE}:{tree.b.pk}")
    assert six.name in item.body and five.name not in item.body and item.done_at is None
    # paying one of the six months ends the run: the item is resolved by the next scan
    pay(six, rules.add_months(this_month, -1))
    refresh(feeds.LAPSE, today=this_month)
    item.refresh_from_db()
    assert item.done_at is not None


def test_arrears_list_longest_first(tree, this_month, bases):
    start = rules.add_months(this_month, -12)
    a = tree.members["a"]
    pay_months(a[0], start, 12)
    pay_months(a[1], start, 5)  # one month skipped in the middle: owed, but no current run
    pay_months(a[1], rules.add_months(start, 6), 6)
    pay_months(a[2], start, 10)
    lines = queries.arrears(tree.secretary_a, tree.a, today=this_month)
    assert [line.member for line in lines] == [a[3], a[2], a[1]]
    assert [len(line.run) for line in lines] == [12, 2, 0]
    assert [len(line.owed) for line in lines] == [12, 2, 1]


def test_back_payment_beyond_six_months_is_marked(tree, this_month, bases):
    month = rules.add_months(this_month, -8)
    late = pay(tree.members["a"][0], month, paid_on=rules.add_months(month, 7))
    on_time = pay(tree.members["a"][1], month, paid_on=rules.add_months(month, 6))
    assert late.is_late and not on_time.is_late
