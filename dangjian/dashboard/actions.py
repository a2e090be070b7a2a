"""Writes of the dashboard: taking a snapshot. A snapshot is never edited afterwards; taking the
same period twice is refused (the first one stands, like a published report)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.scoping import CHANGE, require
from dangjian.orgs.models import Organization

from . import figures as figures_of
from .choices import SnapshotKind
from .models import Snapshot, SnapshotFigures

BATCH = 2000


def period_error(kind: str, period_end: dt.date, today: dt.date) -> str | None:
    """Why ``period_end`` cannot close a snapshot of ``kind``, or None."""
    if kind not in SnapshotKind.values:
        return "快照类型只能是年末或月末"
    if period_end > today:
        return f"统计截止日期 {period_end:%Y-%m-%d} 尚未到来"
    if kind == SnapshotKind.YEAR_END and (period_end.month, period_end.day) != (12, 31):
        return "年末快照的统计截止日期必须是 12 月 31 日"
    if kind == SnapshotKind.MONTH_END and (period_end + dt.timedelta(days=1)).day != 1:
        return "月末快照的统计截止日期必须是当月最后一天"
    return None


def snapshot_check(*, acting_user, kind: str, period_end: dt.date, today: dt.date | None = None) -> list:
    """Refuse a snapshot that cannot be taken (the period, the rights, taken already) before any
    counting; returns the top-level organisations it will cover. Only the system (the scheduled job,
    the command) or someone who may change every top-level organisation takes one: a snapshot is of
    the whole tree."""
    error = period_error(kind, period_end, today or timezone.localdate())
    if error:
        raise ValidationError({"period_end": error})
    tops = list(Organization.objects.filter(parent__isnull=True))
    for top in tops:
        require(acting_user, CHANGE, top, message="只有全部顶级党组织的管理人员才能生成统计快照")
    if Snapshot.objects.filter(kind=kind, period_end=period_end).exists():
        label = SnapshotKind(kind).label
        raise ValidationError({"period_end": f"{period_end:%Y-%m-%d}的{label}快照已经生成，不能重复生成"})
    return tops


def snapshot_take(*, acting_user, kind: str, period_end: dt.date, today: dt.date | None = None) -> Snapshot:
    """Freeze every organisation's figures as of ``period_end`` (see ``snapshot_check``)."""
    tops = snapshot_check(acting_user=acting_user, kind=kind, period_end=period_end, today=today)
    computed = []
    for top in tops:  # computed before the transaction: the audit chain is not held while counting
        names = dict(Organization.objects.filter(path__startswith=top.path).values_list("path", "name"))
        rows = Organization.objects.filter(path__startswith=top.path).values_list("path", "pk", "kind")
        subtree = figures_of.subtree_figures(top, period_end)
        computed += [(path, pk, names[path], org_kind, subtree.get(path, {})) for path, pk, org_kind in rows]
    return _store(acting_user=acting_user, kind=kind, period_end=period_end, computed=computed)


@audited_transaction()
def _store(*, acting_user, kind: str, period_end: dt.date, computed: list) -> Snapshot:
    snapshot = Snapshot.objects.create(kind=kind, period_end=period_end, org_count=len(computed),
                                       taken_by=None if acting_user is SYSTEM else acting_user)
    SnapshotFigures.objects.bulk_create(
        (SnapshotFigures(snapshot=snapshot, path=path, org_id=pk, name=name, kind=org_kind, figures=figures)
         for path, pk, name, org_kind, figures in computed), batch_size=BATCH)
    record_change(actor=acting_user, action="snapshot_take", obj=snapshot,
                  after={"kind": kind, "period_end": period_end.isoformat(), "org_count": len(computed)})
    return snapshot
