"""The organisational-life demo: a year with dated churn that never raises a membership flag, and
nothing recorded as held that is not over yet."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.members.models import StatusChange, Transfer
from dangjian.orglife import integrity
from dangjian.orglife.choices import FlagKind, MeetingStatus
from dangjian.orglife.models import IntegrityFlag, Meeting, SketchBand
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_demo_churn_is_dated_and_honest():
    today = timezone.localdate()  # today's demo: the case where meetings later today must not be "held"
    call_command("demo_data", scale="tiny", seed=1, anchor=today, stdout=io.StringIO())
    start = today - dt.timedelta(days=370)
    transfers, changes = Transfer.objects.all(), StatusChange.objects.all()
    assert transfers.exists() and changes.exists()
    assert all(start <= t.transferred_on < today for t in transfers)
    assert all(start <= c.effective_on < today and c.member.status == c.status_to for c in changes)
    assert all(t.member.org_id == t.to_org_id for t in transfers)
    assert not Meeting.objects.filter(status=MeetingStatus.HELD, ends_at__gt=timezone.now()).exists()
    assert SketchBand.objects.count() == 8 * Meeting.objects.exclude(sketch="").count()
    for year in (today.year - 1, today.year):
        integrity.scan(Organization.objects.get(depth=1), year)
    honest_kinds = [FlagKind.LEFT_MEMBER, FlagKind.OVER_MEMBERSHIP, FlagKind.FUTURE]
    assert not IntegrityFlag.objects.filter(kind__in=honest_kinds).exists()
    assert IntegrityFlag.objects.filter(kind=FlagKind.COPIED).exists()  # the planted failures are still there
