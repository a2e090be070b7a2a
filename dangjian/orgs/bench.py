"""Bench steps of the organisation tree: the dataset every other step measures on (``data``), and
the subtree statistics and warnings of the root (``stats``)."""

from __future__ import annotations

import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.db.models import Count, F

from dangjian.accounts.models import Position
from dangjian.core.benchmarking import median_seconds, ms, versus
from dangjian.core.registry import register_bench
from dangjian.core.replicas import primary_lsn, reading, replica_aliases
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


def _replayed_after(alias: str, lsn: str) -> float:
    """Seconds until replica ``alias`` has replayed the primary's WAL up to ``lsn``."""
    started = time.perf_counter()
    with connections[alias].cursor() as cursor:
        while True:
            cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [lsn])
            if cursor.fetchone()[0]:
                return time.perf_counter() - started
            time.sleep(0.002)


def replica(ctx) -> list[tuple[str, ...]]:
    """The same report on the primary and on a streaming replica, and how long the replica takes to
    replay a write (one row; every member of the subtree rewritten unchanged)."""
    aliases = replica_aliases()
    if not aliases:
        return [("只读副本", "未配置 DANGJIAN_REPLICA_URL，跳过", "")]
    on_primary = median_seconds(lambda: queries.subtree_statistics(ctx.root))
    with reading() as alias:
        on_replica = median_seconds(lambda: queries.subtree_statistics(ctx.root))
    rows = [("根组织统计：主库 / 只读副本（5 次中位数）", f"{ms(on_primary)} / {ms(on_replica)}", "",
             versus(on_replica, on_primary, "主库"))]
    Organization.objects.filter(pk=ctx.root.pk).update(name=F("name"))
    rows.append(("副本回放一行写入", ms(_replayed_after(alias, primary_lsn())), "≤ 1 s"))
    members = Member.objects.filter(org__path__startswith=ctx.root.path)
    started = time.perf_counter()
    count = members.update(name=F("name"))  # unchanged values: the data stays as it was
    written = time.perf_counter() - started
    rows.append((f"改写 {count:,} 名党员（原值）：主库提交 / 副本随后回放完毕", f"{written:.2f} s / "
                 f"{_replayed_after(alias, primary_lsn()):.2f} s", ""))
    return rows


register_bench("data", data)
register_bench("replica", replica, after=("data",),
               notes=("只读副本（`DANGJIAN_REPLICA_URL`，`make replica` 的热备用库）：同一统计在主库和在 `reading()` 中"
                      "（副本）各测 5 次；写入后轮询副本的 `pg_last_wal_replay_lsn()` 直到不小于主库提交后的 "
                      "`pg_current_wal_lsn()`。未配置副本时跳过。"))
register_bench("stats", stats, after=("data",),
               notes=("统计和预警：直接调用 `subtree_statistics` / `subtree_warnings`，先预热一次，再测 5 次；"
                      "极限是同一次运行中对子树党员按性别的一次 GROUP BY。"))
