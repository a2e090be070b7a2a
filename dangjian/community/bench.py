"""Benchmark of 双报到 for ``dangjian bench``: the demo step's reports, needs, records and feedback
for every member under the root (bulk_create; removed afterwards — only the rows this step added),
then the subtree figures of the root (``reporting_facts``: a fixed number of grouped queries)."""

from __future__ import annotations

import time

from django.db import connection
from django.utils import timezone

from dangjian.core.benchmarking import median_seconds, ms
from dangjian.core.registry import register_bench

from . import demo, queries
from .models import CommunityFeedback, CommunityReport, ServiceNeed, ServiceRecord

MODELS = (CommunityFeedback, ServiceRecord, ServiceNeed, CommunityReport)


def community_step(ctx) -> list[tuple[str, str, str]]:
    root, today = ctx.root, timezone.localdate()
    before = {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for model in MODELS}
    rows: list[tuple[str, str, str]] = []
    try:
        started = time.perf_counter()
        demo.generate(seed=16, today=today)
        added = CommunityReport.objects.filter(pk__gt=before[CommunityReport]).count()
        records = ServiceRecord.objects.filter(pk__gt=before[ServiceRecord]).count()
        rows.append((f"写入报到 {added:,} 条、服务记录 {records:,} 条（bulk_create）",
                     f"{time.perf_counter() - started:.1f} s", ""))
        captured = []
        with connection.execute_wrapper(lambda execute, sql, *args: captured.append(sql) or execute(sql, *args)):
            queries.reporting_facts(root.path, today.year)
        median = median_seconds(lambda: queries.reporting_facts(root.path, today.year))
        rows.append((f"根组织报到率 reporting_facts（{len(captured)} 条查询，5 次中位数）", ms(median), "—"))
    finally:
        for model in MODELS:
            model.objects.filter(pk__gt=before[model]).delete()
    return rows


register_bench("community", community_step, after=("data",), notes=(
    "双报到：按演示数据的比例为根组织下应报到的党员写入报到、需求、服务记录和反馈（测量数据，结束后删除），"
    "测根组织的报到率汇总（reporting_facts，固定条数的分组查询，5 次中位数）。"))
