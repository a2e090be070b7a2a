"""Bench step ``dashboard``: the root's dashboard page (server time, cold and from the shared
summary), a snapshot of every organisation, and the 党内统计 tables from that snapshot. The
snapshot is removed afterwards, so the data is left as it was found."""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.benchmarking import ms
from dangjian.core.registry import register_bench
from dangjian.core.summaries import key_of, summary_kinds
from dangjian.orgs.models import Organization

from . import actions, queries
from .choices import SnapshotKind
from .models import Snapshot


def free_period(today: dt.date) -> dt.date:
    """A month end before ``today`` that has no snapshot yet (the bench's own, removed afterwards)."""
    day = today.replace(day=1) - dt.timedelta(days=1)
    while Snapshot.objects.filter(kind=SnapshotKind.MONTH_END, period_end=day).exists():
        day = day.replace(day=1) - dt.timedelta(days=1)
    return day


def _forget_summaries(root) -> None:
    """Every shared summary of the root (the dashboard's and its panels'), so the first request computes all."""
    for kind in summary_kinds():
        for variant in kind.variants():
            cache.delete(key_of(kind.name, root, variant))


def dashboard_step(ctx) -> list[tuple[str, str, str]]:
    root, today = ctx.root, timezone.localdate()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(ctx.user)
    url = f"/dashboard/{root.pk}/"
    leaf = Organization.objects.filter(path__startswith=root.path).order_by("-depth", "path").first()
    assert client.get(f"/dashboard/{leaf.pk}/").status_code == 200  # the process warm: URLs, templates, panels
    _forget_summaries(root)
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    cold = time.perf_counter() - started
    warm = []
    for _ in range(5):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        warm.append(time.perf_counter() - started)
    started = time.perf_counter()
    snapshot = actions.snapshot_take(acting_user=SYSTEM, kind=SnapshotKind.MONTH_END, period_end=free_period(today))
    taken = time.perf_counter() - started
    runs = []
    try:
        for _ in range(3):
            started = time.perf_counter()
            queries.filled_tables(ctx.user, root, snapshot)
            runs.append(time.perf_counter() - started)
    finally:
        count = snapshot.org_count
        snapshot.delete()
        _forget_summaries(root)
    return [
        ("根组织数据看板（服务器时间，首次计算）", ms(cold), "≤ 500 ms"),
        ("根组织数据看板（服务器时间，共享汇总，5 次中位数）", ms(statistics.median(warm)), "≤ 500 ms"),
        (f"统计快照（{count:,} 个党组织）", f"{taken:.1f} s", "≤ 60 s"),
        ("党内统计表（从快照填报，3 次中位数）", ms(statistics.median(runs)), "≤ 5 s"),
    ]


register_bench("dashboard", dashboard_step, after=("data",),
               notes="dashboard：以根组织的上级管理员请求 /dashboard/<根>/：进程先请求一个支部的看板"
                     "（载入网址、模板和面板），再清除根组织的全部共享汇总（看板和各面板的），测首次计算，再测 5 次；"
                     "以系统身份生成一份月末快照（全部党组织）；从该快照填报 7 张党内统计表 3 次。快照测后删除。")
