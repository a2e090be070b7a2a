"""Demo data of the dashboard: year-end snapshots of the two years before the demo's reference
date, so the trends and the 党内统计 tables (with last year's opening figures) have something to
show. Members count from the day they joined, so the earlier year shows fewer members."""

from __future__ import annotations

import datetime as dt

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import register_demo

from .actions import snapshot_take
from .choices import SnapshotKind
from .models import Snapshot


def generate(*, today: dt.date, stdout=None, **_) -> None:
    for year in (today.year - 2, today.year - 1):
        period_end = dt.date(year, 12, 31)
        if not Snapshot.objects.filter(kind=SnapshotKind.YEAR_END, period_end=period_end).exists():
            snapshot = snapshot_take(acting_user=SYSTEM, kind=SnapshotKind.YEAR_END, period_end=period_end,
                                     today=today)
            if stdout is not None:
                stdout.write(f"  {snapshot}：{snapshot.org_count:,} 个党组织")


def wipe() -> None:
    Snapshot.objects.all().delete()


def count() -> int:
    return Snapshot.objects.count()


register_demo("dashboard", generate, wipe=wipe, count=count, after=("orgs", "orglife", "worklists"),
              label="统计快照")
