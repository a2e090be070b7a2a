"""The appraisal app's scheduled work: each morning the worker adds the attendance points of the
meetings recorded so far this year (no cron). Idempotent, so a day missed or run twice changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from dangjian.core.actors import SYSTEM
from dangjian.jobs.periodic import daily
from dangjian.orgs.models import Organization

from . import actions


@daily("appraisal.points", at=dt.time(5, 0))
@task()
def generate_attendance_points() -> int:
    today = timezone.localdate()
    return sum(actions.points_generate(acting_user=SYSTEM, root=root, start=dt.date(today.year, 1, 1), end=today)
               for root in Organization.objects.filter(parent__isnull=True))
