"""Benchmark of the assessment for ``dangjian bench``: a scheme over the root's branches, every
automatic indicator computed for every organisation (time, Python memory peak, query count at the
root and at one town — the same), then one branch's assessment page (p50/p95). Everything the step
wrote is removed afterwards (the audit records stay: the log is append-only)."""

from __future__ import annotations

import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.accounts.models import Position
from dangjian.core.actors import SYSTEM
from dangjian.core.benchmarking import ms, percentile
from dangjian.core.registry import register_bench
from dangjian.orgs.choices import COMMITTEE_KINDS

from . import actions, queries
from .models import Candidate, Grade, Indicator, Scheme, Score

BENCH_USER = "bench_assessment"


def _remove(scheme: Scheme) -> None:
    Candidate.objects.filter(scheme=scheme).delete()
    Score.objects.filter(grade__scheme=scheme).delete()
    Grade.objects.filter(scheme=scheme).delete()
    Indicator.objects.filter(scheme=scheme).delete()
    scheme.delete()


def benchmark_assessment(root, *, requests: int = 20) -> list[tuple[str, str, str]]:
    year = timezone.localdate().year
    scheme = actions.scheme_create(acting_user=SYSTEM, org=root, year=year, name="性能测试方案（可删除）")
    actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    rows = []
    try:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as on_root:
            count = actions.scheme_compute(acting_user=SYSTEM, scheme=scheme)
        seconds = time.perf_counter() - started
        rows.append((f"全部自动指标（{count:,} 个党组织，首次计算并保存得分）", f"{seconds:.1f} s", "≤ 10 s"))
        started = time.perf_counter()
        actions.scheme_compute(acting_user=SYSTEM, scheme=scheme)
        rows.append(("  同上，重新计算（更新已有得分）", f"{time.perf_counter() - started:.1f} s", "≤ 10 s"))
        tracemalloc.start()
        actions.scheme_compute(acting_user=SYSTEM, scheme=scheme)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(("  同上，Python 内存峰值（tracemalloc，另测一次）", f"{peak / 2**20:.0f} MB", "≤ 500 MB"))
        town = (root.children.filter(kind__in=COMMITTEE_KINDS).order_by("path").first()
                or root.children.order_by("path").first())
        if town is not None:
            ids = list(queries.assessed_orgs(scheme).filter(path__startswith=town.path).values_list("pk", flat=True))
            queries.gather_facts(town, year, ids)  # warm: the first call of a process reads settings and caches
            with CaptureQueriesContext(connection) as on_town:
                queries.gather_facts(town, year, ids)
            all_ids = list(queries.assessed_orgs(scheme).values_list("pk", flat=True))
            with CaptureQueriesContext(connection) as on_all:
                queries.gather_facts(root, year, all_ids)
            rows.append(("  采集事实的查询次数：顶级组织 / 一个乡镇", f"{len(on_all)} / {len(on_town)}",
                         "相同，不随组织数增长"))
        rows.append(("  计算并保存的查询次数（含批量写入）", f"{len(on_root)}", "—"))
        grade = Grade.objects.filter(scheme=scheme).select_related("org").order_by("org__path").first()
        if grade is not None:
            rows.append((f"一个党支部的考核页面 p50 / p95（{grade.org.name}）", _page_times(grade, requests),
                         "≤ 150 ms"))
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        _remove(scheme)
    return rows


def _page_times(grade: Grade, requests: int) -> str:
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    Position.objects.get_or_create(user=user, org=grade.org, role="secretary")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    times = []
    try:
        for _ in range(max(requests, 2) + 1):
            started = time.perf_counter()
            response = client.get(f"/assessment/grade/{grade.pk}/")
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"考核页面返回 {response.status_code}")
    finally:
        Position.objects.filter(user=user).delete()
        user.delete()
    times = times[1:]
    return f"{ms(percentile(times, 50))} / {ms(percentile(times, 95))}"


register_bench("assessment", lambda ctx: benchmark_assessment(ctx.root, requests=ctx.requests), after=("data",),
               notes=("考核评价：在顶级组织建立一个方案（默认指标，适用于各类党支部），"
                      "`scheme_compute` 计算全部自动指标"
                      "并批量保存得分：首次计算、重新计算各测一次，内存峰值另算一次（tracemalloc 会拖慢计时）；"
                      "采集事实的查询次数在顶级组织和一个乡镇各测一次；"
                      "一个党支部的考核页面以该支部书记登录，按请求次数测 p50/p95。结束后删除方案及其得分。"))
