import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.dues import actions, rules
from dangjian.dues.choices import DuesCategory


@pytest.fixture
def this_month():
    return rules.month_start(timezone.localdate())


@pytest.fixture
def year_start(this_month):
    """January of last year: a whole calendar year that is over."""
    return dt.date(this_month.year - 1, 1, 1)


@pytest.fixture
def bases(tree, year_start):
    """Every member of the small tree on a salaried base from ``year_start``: 4,000 元 → 40.00 a month."""
    out = {}
    for members in tree.members.values():
        for m in members:
            out[m.pk] = actions.base_set(acting_user=SYSTEM, member=m, category=DuesCategory.SALARIED,
                                         base=D("4000"), effective_from=year_start)
    return out


def pay(member, month, amount="40.00", **kw):
    kw.setdefault("paid_on", min(rules.add_months(month, 1), timezone.localdate()))
    return actions.payment_record(acting_user=SYSTEM, member=member, month=month, amount=D(amount),
                                  received_by="组织委员", **kw)


def pay_months(member, start, n):
    return [pay(member, rules.add_months(start, i)) for i in range(n)]


__all__ = ["dt", "pay", "pay_months"]
