"""Benchmark of the lists for ``dangjian bench``: 50,000 items under a root's branches, then the list
page for a user at the root (p50/p95 over many requests) and the 销号率 roll-up of the root.

``benchmark_worklists(root, user)`` returns rows (label, value, target) for the README table. The
items are written with bulk_create (no history: they are measurement data) and removed afterwards."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.utils import timezone

from dangjian.core.benchmarking import ms, percentile
from dangjian.core.registry import register_bench
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import queries
from .choices import Kind, Priority, Source, State
from .decompose import benchmark_decompose
from .models import Measure, SourceDocument, WorkItem
from .review_bench import REVIEW_NOTES, review_step

BATCH = 5000
STATES = [State.PENDING] * 2 + [State.IN_PROGRESS] * 4 + [State.REQUESTED] + [State.CLOSED] * 3
KINDS = [Kind.PROBLEM, Kind.TASK, Kind.RESPONSIBILITY]


def create_bench_items(root: Organization, count: int, *, seed: int = 1) -> SourceDocument:
    """``count`` items spread over the branches under ``root``, linked to one marker document."""
    rng = random.Random(seed)
    today = timezone.localdate()
    org_ids = list(Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS)
                   .values_list("id", flat=True)) or [root.pk]
    document = SourceDocument.objects.create(title="性能测试数据（可删除）", org=root)
    for start in range(0, count, BATCH):
        rows = []
        for i in range(start, min(count, start + BATCH)):
            state = rng.choice(STATES)
            deadline = today + dt.timedelta(days=rng.randint(-120, 240))
            closed_on = deadline - dt.timedelta(days=rng.randint(0, 30)) if state == State.CLOSED else None
            rows.append(WorkItem(
                kind=rng.choice(KINDS), source=Source.SUPERVISION, document=document, title=f"性能测试事项{i:06d}",
                description="按要求完成整改并报送佐证材料。", org_id=rng.choice(org_ids), person_names="支部书记",
                deadline=deadline, priority=rng.choice(Priority.values), state=state, closed_on=closed_on,
                review_due_on=closed_on + dt.timedelta(days=90) if closed_on else None,
            ))
        created = WorkItem.objects.bulk_create(rows, batch_size=BATCH)
        Measure.objects.bulk_create([Measure(item=item, text="制定整改方案并按月报告进展") for item in created],
                                    batch_size=BATCH)
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # What autovacuum would do on a live table: statistics and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {WorkItem._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {Measure._meta.db_table}")
    return document


def _time_list_page(user, requests: int) -> tuple[list[float], int]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    total = queries.items_for(user).count()
    pages = max(1, total // 50)
    urls = ["/worklists/"] + [f"/worklists/?page={1 + (i * 7919) % pages}" for i in range(requests // 2)]
    urls += ["/worklists/?overdue=1", "/worklists/?state=in_progress&kind=problem", "/worklists/?q=整改",
             "/worklists/?priority=1&source=supervision"]
    for url in urls[:3]:
        client.get(url)
    timings = []
    for i in range(requests):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return timings, total


def _time_rollup(user, root, runs: int = 5) -> list[float]:
    queries.rollup(user, root)
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        queries.rollup(user, root)
        out.append(time.perf_counter() - started)
    return out


def benchmark_worklists(root: Organization, user, *, count: int = 50_000, requests: int = 100,
                        cleanup: bool = True) -> list[tuple[str, str, str]]:
    """Create ``count`` items under ``root``, time the list page for ``user`` (who should hold a
    position at ``root``) and the roll-up of ``root``; returns (label, value, target) rows."""
    rows: list[tuple[str, str, str]] = []
    started = time.perf_counter()
    document = create_bench_items(root, count)
    rows.append((f"写入 {count:,} 条清单事项（bulk_create）", f"{time.perf_counter() - started:.1f} s", ""))
    try:
        timings, total = _time_list_page(user, requests)
        rows.append((f"三单列表页（{total:,} 条事项，{requests} 次请求）p50", ms(percentile(timings, 50)), ""))
        rows.append(("三单列表页 p95", ms(percentile(timings, 95)), "≤ 200 ms"))
        runs = _time_rollup(user, root)
        rows.append(("根组织销号率汇总 rollup（5 次中位数 / 最大）",
                     f"{ms(statistics.median(runs))} / {ms(max(runs))}", "≤ 1 s"))
    finally:
        if cleanup:
            WorkItem.objects.filter(document=document).delete()
            document.delete()
    return rows


def worklists_step(ctx) -> list[tuple[str, str, str]]:
    return benchmark_worklists(ctx.root, ctx.user, count=ctx.items, requests=ctx.requests)


def decompose_step(ctx) -> list[tuple[str, str, str]]:
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        best = benchmark_decompose()
    return [("分解 10,000 字讲话（5 次中最快）", ms(best), "≤ 1 s")]


register_bench("decompose", decompose_step)
register_bench("review", review_step, after=("data",), notes=REVIEW_NOTES)
register_bench("worklists", worklists_step, after=("data",))
