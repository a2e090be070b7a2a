"""The appraisal app's scheduled work: each morning the worker adds the attendance points of the
meetings of the last ``LOOKBACK_DAYS`` days (a meeting may be entered up to 30 days after it was held;
``dangjian appraisal_points`` covers any longer period). Idempotent, so a day missed or run twice
changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from dangjian.core.actors import SYSTEM
from dangjian.jobs.periodic import daily
from dangjian.orgs.models import Organization

from . import actions

LOOKBACK_DAYS = 45


@daily("appraisal.points", at=dt.time(5, 0))
@task()
def generate_attendance_points() -> int:
    today = timezone.localdate()
    start = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=LOOKBACK_DAYS))
    return sum(actions.points_generate(acting_user=SYSTEM, root=root, start=start, end=today)
               for root in Organization.objects.filter(parent__isnull=True))
