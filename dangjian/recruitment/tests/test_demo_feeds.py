"""The demo has cases at every stage and the three breaches it promises; the 待办 feed lists the
cases due in 30 days per branch."""

import datetime as dt
import io

import pytest

from dangjian.core.models import CalendarDay
from dangjian.inbox.actions import sync
from dangjian.inbox.models import InboxItem
from dangjian.recruitment import demo, feeds
from dangjian.recruitment.models import RecruitmentCase

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def test_demo_covers_every_stage_and_the_breaches(tree):
    assert CalendarDay.objects.filter(day=dt.date(2025, 10, 1)).exists()  # the preset holidays
    out = io.StringIO()
    demo.generate(scale="tiny", seed=3, today=TODAY, stdout=out)
    cases = RecruitmentCase.objects.all()
    assert set(cases.values_list("stage", flat=True)) >= {1, 2, 3, 4, 5, 6}
    codes = {f["code"] for c in cases for f in c.flags}
    assert {"activist_period", "approval", "publicity"} <= codes
    holiday = next(f for c in cases for f in c.flags if f["code"] == "publicity")
    assert "节假日不计" in holiday["reason"]
    admitted = cases.filter(member__isnull=False)
    assert admitted.exists() and admitted.filter(member__membership_type="full").exists()
    assert "发展党员演示数据" in out.getvalue()
    demo.wipe()
    assert not RecruitmentCase.objects.exists()


def test_feed_lists_due_cases_per_branch(tree):
    demo.generate(scale="tiny", seed=3, today=TODAY)
    wanted = feeds.due_cases(TODAY, None)
    assert wanted and all(n.key.startswith("recruitment.due:") for n in wanted)
    sync(source=feeds.DUE, wanted=wanted)
    assert InboxItem.objects.filter(source=feeds.DUE, done_at__isnull=True).count() == len(wanted)
