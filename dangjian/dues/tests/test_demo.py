"""The 党费 demo: a year for every member, realistic arrears, deterministic."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.dues import demo, queries, rules
from dangjian.dues.models import DuesBase, DuesPayment
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member

pytestmark = pytest.mark.django_db


def test_demo_gives_every_member_a_year_with_some_behind():
    today = timezone.localdate()
    call_command("demo_data", scale="tiny", seed=1, anchor=today, stdout=io.StringIO())
    active = Member.objects.filter(status=PartyStatus.NORMAL)
    assert not active.exclude(pk__in=DuesBase.objects.values("member_id")).exists()
    last = rules.add_months(rules.month_start(today), -1)
    assert DuesPayment.objects.filter(month=last).count() > 0.6 * active.count()
    assert not DuesPayment.objects.filter(paid_on__gt=today).exists()
    lapsed = queries.lapse_candidates(today)
    assert lapsed, "some members are six months or more behind"
    first = list(DuesPayment.objects.order_by("id").values_list("member_id", "month", "amount"))
    demo.wipe()
    demo.generate(seed=1, today=today)
    again = list(DuesPayment.objects.order_by("id").values_list("member_id", "month", "amount"))
    assert again == first
