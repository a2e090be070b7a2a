"""The nightly rescan (no cron: the worker queues it once a day, ``jobs.periodic``). It runs as the
system over every top-level organisation, for the years still receiving records."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from dangjian.core.actors import SYSTEM
from dangjian.jobs.periodic import daily
from dangjian.orgs.models import Organization

from . import actions
from .rules import years_to_rescan


@daily("orglife.scan", at=dt.time(2, 30))
@task()
def nightly_rescan() -> dict:
    """{"<root code> <year>": flags found} for every top-level organisation and year rescanned."""
    found = {}
    for root in Organization.objects.filter(depth=1).order_by("path"):
        for year in years_to_rescan(timezone.localdate()):
            found[f"{root.code} {year}"] = actions.flags_rescan(acting_user=SYSTEM, root=root, year=year)
    return found
