"""Benchmark of the 待办 inbox for ``dangjian bench``: the count every page shows, for users at
each level of the city (root, a county, a town, a branch secretary), over the demo data's items;
and the daily refresh of every feed over the whole city."""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model

from dangjian.accounts.models import Position
from dangjian.core.benchmarking import percentile
from dangjian.core.registry import register_bench
from dangjian.orgs.models import Organization

from .models import InboxItem
from .queries import counts
from .registry import refresh_all

RUNS = 200


def _level_users(root) -> list[tuple[str, object]]:
    """A user at the root, and bench users holding a position at a county, a town and a branch
    under it (the branch: the one with the most open items)."""
    out = []
    org = root
    for label in ("市级", "县级", "乡镇", "党支部"):
        if org is None:
            break
        user, _ = get_user_model().objects.get_or_create(username=f"bench_inbox_{org.depth}")
        Position.objects.get_or_create(user=user, org=org, role="superior_admin" if label != "党支部" else "secretary")
        out.append((label, user))
        children = Organization.objects.filter(parent=org)
        org = children.filter(kind="branch").first() if label == "乡镇" else children.order_by("path").first()
    return out


def benchmark_inbox(ctx) -> list[tuple[str, str, str]]:
    root = ctx.root
    rows = []
    bench_users = get_user_model().objects.filter(username__startswith="bench_inbox_")
    existing = set(bench_users.values_list("pk", flat=True))
    try:
        details, worst = _count_times(_level_users(root))
    finally:  # the step leaves the data as it found it
        bench_users.exclude(pk__in=existing).delete()
    rows.append((f"导航栏待办计数（每页一次查询；中位/p95 ms，{RUNS} 次）：" + "；".join(details),
                 f"p95 最高 {worst * 1000:.2f} ms", "≤ 5 ms"))
    started = time.perf_counter()
    refresh_all()
    refresh_seconds = time.perf_counter() - started
    total = InboxItem.objects.filter(done_at__isnull=True).count()
    rows.append((f"待办每日刷新（全部来源，全市，{total:,} 项未办结）", f"{refresh_seconds:.1f} s", ""))
    return rows


def _count_times(users) -> tuple[list[str], float]:
    worst, details = 0.0, []
    for label, who in users:
        counts(who)
        runs = []
        for _ in range(RUNS):
            t = time.perf_counter()
            found = counts(who)
            runs.append(time.perf_counter() - t)
        worst = max(worst, percentile(runs, 95))
        details.append(f"{label} {found['open']} 项：{statistics.median(runs) * 1000:.2f}/"
                       f"{percentile(runs, 95) * 1000:.2f}")
    return details, worst


register_bench("inbox", benchmark_inbox, after=("data",), notes=(
    "待办计数：导航栏每页执行的计数（未办结数和未读数，一条语句），市、县、乡镇、支部各一名用户，各 200 次；"
    "之后测量全部待办来源的每日刷新一次。"))
