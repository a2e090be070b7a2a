"""Benchmark of 发展党员 for ``dangjian bench``: 20,000 cases (a city's) under the root's branches,
then the set-based check of every case's rules — the first, which writes every case's results, and
again with nothing changed — and the subtree pipeline page for the root's 上级管理员 (p50/p95).
The cases are written with bulk_create and removed afterwards."""

from __future__ import annotations

import statistics
import time

from django.test import Client
from django.utils import timezone

from dangjian.core.registry import register_bench
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import checking, synthetic
from .models import RecruitmentCase

CASES = {"tiny": 60, "county": 20_000, "city": 20_000}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def measure(ctx) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    count = CASES.get(ctx.scale, 20_000)
    branches = list(Organization.objects.filter(path__startswith=ctx.root.path, kind__in=BRANCH_KINDS)) or [ctx.root]
    started = time.perf_counter()
    ids = synthetic.write(synthetic.plan(branches, count, today=today, seed=7, breaches=count // 30),
                          seed=7, area=synthetic.BENCH_AREA, prefix="测", today=today)
    rows = [(f"写入 {count:,} 名发展党员对象及其步骤（bulk_create）", f"{time.perf_counter() - started:.1f} s", "")]
    try:
        cases = RecruitmentCase.objects.filter(org__path__startswith=ctx.root.path)
        started = time.perf_counter()
        checking.check_all(cases, today=today)  # every case's results change: all are written
        first = time.perf_counter() - started
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            checking.check_all(cases, today=today)
            runs.append(time.perf_counter() - started)
        total = cases.count()
        rows.append((f"检查全部 {total:,} 人的发展党员规则（集合查询），首次：结果全部写回",
                     f"{first:.1f} s", "≤ 10 s"))
        rows.append((f"再次检查全部 {total:,} 人（结果未变，不写回；3 次中位数）",
                     f"{statistics.median(runs):.1f} s", "≤ 10 s"))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(ctx.user)
        urls = ["/recruitment/", "/recruitment/?show=due", "/recruitment/?show=flagged", "/recruitment/?stage=3"]
        client.get(urls[0])
        timings = []
        for i in range(max(ctx.requests, 4)):
            started = time.perf_counter()
            response = client.get(urls[i % len(urls)])
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        timings.sort()
        rows.append((f"子树发展党员进度页（{len(timings)} 次请求）p50", _ms(timings[len(timings) // 2]), ""))
        rows.append(("子树发展党员进度页 p95", _ms(timings[min(len(timings) - 1, int(len(timings) * 0.95))]),
                     "≤ 300 ms"))
    finally:
        RecruitmentCase.objects.filter(pk__in=ids).delete()
    return rows


register_bench("recruitment", measure, after=("data",),
               notes="发展党员：在顶层组织的各党支部下批量写入 2 万名发展党员对象（各阶段、部分带违规），"
                     "计时集合式检查全部规则（首次检查写回全部结果；再次检查结果不变、只读不写，3 次中位数）"
                     "和上级管理员打开子树进度页（p50/p95），结束时删除")
