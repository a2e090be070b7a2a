import datetime as dt

import pytest
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.mobility import actions, rules


@pytest.fixture
def today():
    return timezone.localdate()


def away(member, today, months: int, place: str = "广东省深圳市", **kw):
    """An outflow that began ``months`` ago (by SYSTEM)."""
    return actions.outflow_open(acting_user=SYSTEM, member=member, place=place,
                                left_on=rules.add_months(today, -months), **kw)


def report(outflow, on: dt.date, kind: str = "yearly", user=SYSTEM):
    return actions.report_file(acting_user=user, outflow=outflow, reported_on=on, method="phone",
                               content="报告近况", kind=kind)
