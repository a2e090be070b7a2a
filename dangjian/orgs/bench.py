"""Bench steps of the organisation tree: the dataset every other step measures on (``data``), and
the subtree statistics and warnings of the root (``stats``)."""

from __future__ import annotations

import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from dangjian.accounts.models import Position
from dangjian.core.benchmarking import median_seconds, ms, versus
from dangjian.core.registry import register_bench
from dangjian.members.models import Member

from . import queries
from .models import Organization

BENCH_USER = "bench_city"


def data(ctx) -> list[tuple[str, str, str]]:
    """Generate the demo dataset (unless ``--reuse`` finds one) and set ``ctx.root`` (the top
    organisation) and ``ctx.user`` (a 上级管理员 there) for the steps after it."""
    rows = []
    if ctx.reuse and Organization.objects.exists():
        ctx.say("沿用已有数据")
    else:
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("demo_data", scale=ctx.scale, seed=1, replace=True, stdout=quiet)
        rows.append((f"dangjian demo-data --scale {ctx.scale}", f"{time.perf_counter() - started:.1f} s", "≤ 5 min"))
    ctx.root = Organization.objects.filter(depth=1).order_by("path").first()
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    Position.objects.get_or_create(user=user, org=ctx.root, role="superior_admin")
    ctx.user = user
    orgs = Organization.objects.filter(path__startswith=ctx.root.path).count()
    members = Member.objects.filter(org__path__startswith=ctx.root.path).count()
    ctx.dataset = f"{orgs:,} 个党组织、{members:,} 名党员"
    return rows


def members_group_by(root: Organization) -> list:
    """The limit of the subtree statistics: one GROUP BY over the subtree's members."""
    return list(Member.objects.filter(org__path__startswith=root.path).values("gender").annotate(n=Count("pk"))
                .order_by())


def stats(ctx) -> list[tuple[str, ...]]:
    limit = median_seconds(lambda: members_group_by(ctx.root))
    rows = [("极限：子树党员的一次 GROUP BY（5 次中位数）", ms(limit), "")]
    for label, func, target in (
        ("根组织统计 subtree_statistics", queries.subtree_statistics, "≤ 1.5× GROUP BY"),
        ("根组织结构预警 subtree_warnings", queries.subtree_warnings, ""),
    ):
        func(ctx.root)
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            func(ctx.root)
            runs.append(time.perf_counter() - started)
        median = statistics.median(runs)
        rows.append((f"{label}（5 次中位数 / 最大）", f"{ms(median)} / {ms(max(runs))}", target,
                     versus(median, limit, "GROUP BY")))
    return rows


register_bench("data", data)
register_bench("stats", stats, after=("data",),
               notes=("统计和预警：直接调用 `subtree_statistics` / `subtree_warnings`，先预热一次，再测 5 次；"
                      "极限是同一次运行中对子树党员按性别的一次 GROUP BY。"))
