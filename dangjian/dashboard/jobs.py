"""The scheduled snapshots: each night the worker takes the year-end snapshot of last year (from
1 January on) and the month-end snapshot of last month, if they have not been taken yet. A worker
that was down catches up the next night; a period is never taken twice (unique constraint).
A snapshot asked for on the page is a background job too (``SNAPSHOT``): counting the whole tree
takes longer than a request should."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.jobs.kinds import JobFailed, register
from dangjian.jobs.periodic import daily

from .actions import snapshot_take
from .choices import SnapshotKind
from .models import Snapshot


def due_periods(today: dt.date) -> list[tuple[str, dt.date]]:
    """The periods whose snapshot should exist by ``today``: last year's end and last month's end."""
    return [(SnapshotKind.YEAR_END, dt.date(today.year - 1, 12, 31)),
            (SnapshotKind.MONTH_END, today.replace(day=1) - dt.timedelta(days=1))]


def take_due(today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    taken = []
    for kind, period_end in due_periods(today):
        if not Snapshot.objects.filter(kind=kind, period_end=period_end).exists():
            taken.append(str(snapshot_take(acting_user=SYSTEM, kind=kind, period_end=period_end, today=today)))
    return taken


@daily("dashboard.snapshots", at=dt.time(1, 0))
@task()
def take_snapshots() -> list[str]:
    return take_due()


SNAPSHOT = "dashboard.snapshot"


@register(SNAPSHOT, "生成统计快照")
def take_requested(context) -> None:
    kind, period_end = context.params["kind"], dt.date.fromisoformat(context.params["period_end"])
    context.progress(0, 0, "正在统计每个党组织的各项数字", force=True)
    try:
        snapshot = snapshot_take(acting_user=context.user, kind=kind, period_end=period_end)
    except ValidationError as exc:
        raise JobFailed("；".join(exc.messages)) from exc
    except ActionDenied as exc:
        raise JobFailed(str(exc)) from exc
    context.progress(snapshot.org_count, snapshot.org_count, f"已生成{snapshot}，共 {snapshot.org_count} 个党组织",
                     force=True)
