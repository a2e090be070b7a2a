"""Benchmark of the campaigns for ``dangjian bench``: a stratified random sample of 200 from every
organisation under the root (the action as a page calls it: population query, draw, targets, audit),
and the campaign report with 500 findings (page and .xlsx), half of them problems whose 三单 items
are in every state. Everything written is removed afterwards (the audit records stay)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from django.test import Client
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.benchmarking import median_seconds
from dangjian.core.registry import register_bench
from dangjian.worklists.choices import Kind, Source, State
from dangjian.worklists.models import SourceDocument, WorkItem

from . import actions, queries, rules
from .choices import CampaignKind
from .models import Campaign, Finding, ScoreSheet

SAMPLE = 200
FINDINGS = 500
SHEET = [{"title": f"检查项目{i}", "max_score": 25} for i in range(1, 5)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _findings(campaign: Campaign, today: dt.date) -> None:
    """500 findings over the drawn targets; every other one a problem with an item in some state."""
    rng = random.Random(5)
    targets = list(campaign.targets.select_related("org"))
    items = list(campaign.sheet.items.all())
    document = SourceDocument.objects.create(title="性能测试督查（可删除）", org=campaign.org)
    campaign.document = document
    campaign.save(update_fields=["document"])
    states = [State.PENDING, State.IN_PROGRESS, State.REQUESTED, State.CLOSED]
    problems = []
    for i in range(FINDINGS // 2):
        target = targets[i % len(targets)]
        problems.append(WorkItem(kind=Kind.PROBLEM, source=Source.SUPERVISION, document=document, org=target.org,
                                 title=f"督查问题{i:04d}", deadline=today + dt.timedelta(days=rng.randint(-30, 60)),
                                 state=states[i % 4]))
    made = WorkItem.objects.bulk_create(problems)
    rows = []
    for i in range(FINDINGS):
        target = targets[i % len(targets)]
        item = made[i // 2] if i % 2 == 0 else None
        if item is not None:
            target = targets[(i // 2) % len(targets)]
        rows.append(Finding(campaign=campaign, target=target,
                            sheet_item=items[i % len(items)], score=rng.randint(10, 25),
                            text=f"现场发现情况说明第 {i} 条：会议记录、党员档案、阵地建设等方面的具体情况。",
                            is_problem=item is not None, deadline=item.deadline if item else None, item=item,
                            inspector_name="督查组"))
    Finding.objects.bulk_create(rows)


def benchmark_campaigns(ctx) -> list[tuple[str, str, str]]:
    root, user = ctx.root, ctx.user
    today = timezone.localdate()
    rows: list[tuple[str, str, str]] = []
    created: list[Campaign] = []
    try:
        def new_campaign():
            campaign = actions.campaign_create(acting_user=SYSTEM, org=root, kind=CampaignKind.INSPECTION,
                                               title="性能测试督查", starts_on=today,
                                               ends_on=today + dt.timedelta(days=30), sheet_items=SHEET)
            created.append(campaign)
            return campaign

        timings = []
        for seed in range(5):
            campaign = new_campaign()
            started = time.perf_counter()
            drawn = actions.targets_sample(acting_user=SYSTEM, campaign=campaign, size=SAMPLE, seed=seed)
            timings.append(time.perf_counter() - started)
        population = len(Campaign.objects.get(pk=campaign.pk).sample_population)
        rows.append((f"分层随机抽取 {len(drawn)} 个（从 {population:,} 个党组织，含写入对象和审计；5 次中位数 / 最大）",
                     f"{_ms(statistics.median(timings))} / {_ms(max(timings))}", "≤ 1 s"))
        pure = median_seconds(lambda: rules.stratified_sample(queries.sample_candidates(campaign, []), SAMPLE, 1))
        rows.append(("其中读取总体并抽取（不写入；5 次中位数）", _ms(pure), ""))

        _findings(campaign, today)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        url = f"/campaigns/{campaign.pk}/report/"

        def page():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        rows.append((f"督查通报页（{FINDINGS} 条发现；5 次中位数）", _ms(median_seconds(page)), "≤ 1 s"))

        def xlsx():
            response = client.get(f"/campaigns/{campaign.pk}/report.xlsx")
            assert response.status_code == 200
            b"".join(response.streaming_content)

        rows.append((f"督查通报 .xlsx（{FINDINGS} 条发现；5 次中位数）", _ms(median_seconds(xlsx)), "≤ 5 s"))
    finally:
        documents = [c.document_id for c in Campaign.objects.filter(pk__in=[c.pk for c in created])]
        sheets = [c.sheet_id for c in created]
        Campaign.objects.filter(pk__in=[c.pk for c in created]).delete()
        WorkItem.objects.filter(document_id__in=[d for d in documents if d]).delete()
        SourceDocument.objects.filter(pk__in=[d for d in documents if d]).delete()
        ScoreSheet.objects.filter(pk__in=sheets).delete()
    return rows


register_bench("campaigns", benchmark_campaigns, after=("data",), notes=(
    "督查：对根组织下全部党组织按乡镇和组织类型分层随机抽取 200 个（与页面调用同一写操作：读取总体、抽取、写入对象、"
    "审计记录），5 次；之后在一次督查中写入 500 条发现（一半为问题，其清单事项处于各种状态），以根组织的上级管理员"
    "请求督查通报页和 .xlsx 下载各 5 次，取中位数。写入的数据在测量后删除。"))
