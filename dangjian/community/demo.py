"""Demo 双报到: a share of the members who should report (retirees, in-service members of 机关 and
企事业 branches) have reported to a community nearby (of their county in a city, their town in a
county, else anywhere) — most accepted, some waiting, a few declined; each community with
reporters posts a few needs; accepted reporters have a year of service records (older ones
confirmed, the last month's waiting, a few rejected); and last year's feedback for most of them.

Written with ``bulk_create`` (the demo is one audited "载入演示数据" for the tree, not a record per
row). Same seed and day → same data."""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from dangjian.core.registry import register_demo
from dangjian.core.tree import PATH_STEP
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member

from . import rules
from .choices import Rating, RecordStatus, ReportStatus
from .models import CommunityFeedback, CommunityReport, ServiceNeed, ServiceRecord
from .queries import community_orgs

BATCH = 5000
NEEDS = [("社区环境整治", "清理楼道杂物、绿化带垃圾"), ("老年人助餐", "协助社区食堂为高龄老人送餐"),
         ("政策宣讲", "向居民宣讲医保、养老政策"), ("文明交通劝导", "早晚高峰路口劝导"),
         ("未成年人课后托管", "辅导作业、安全教育"), ("矛盾纠纷调解", "参与邻里纠纷调解"),
         ("防汛值守", "汛期夜间巡查"), ("垃圾分类督导", "定时定点投放督导")]
WHAT = ["楼道清扫", "为高龄老人送餐", "政策宣讲", "路口文明劝导", "课后作业辅导", "邻里纠纷调解", "夜间巡查",
        "垃圾分类督导", "义诊", "帮困走访"]
HOURS = [Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2"), Decimal("3"), Decimal("4")]
COMMENTS = ["积极参加社区活动，服务认真", "按时参加服务，群众评价好", "参加次数偏少", "发挥专业特长，作用明显"]


def _nearby(communities: dict[str, list[tuple[int, str]]], path: str) -> list[tuple[int, str]]:
    """Communities under the member's level-2 ancestor (a county of a city, a town of a county), else
    anywhere under the root; never the member's own organisation."""
    for prefix in (path[:2 * PATH_STEP], path[:PATH_STEP]):
        found = [c for c in communities.get(prefix, []) if c[1] != path]
        if found:
            return found
    return []


@transaction.atomic
def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    rng = random.Random(seed * 37 + 9)
    communities: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for org_id, path in community_orgs().order_by("path").values_list("id", "path"):
        for prefix in {path[:2 * PATH_STEP], path[:PATH_STEP]}:
            communities[prefix].append((org_id, path))
    members = list(Member.objects.filter(status=PartyStatus.NORMAL).order_by("id").values_list(
        "id", "org__path", "org__unit_category", "category", "retired"))
    if not communities or not members:
        _say(stdout, "没有村（社区）党组织或党员：跳过双报到演示数据")
        return
    # members who already have a report (an earlier run, the bench on a demo database) are left alone
    known = set(CommunityReport.objects.values_list("member_id", flat=True))
    first_new = (CommunityReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    reports = []
    for member_id, path, unit, category, retired in members:
        if member_id in known:
            continue
        kind = rules.expected_kind(status=PartyStatus.NORMAL, category=category, retired=retired, branch_unit=unit)
        choices = _nearby(communities, path)
        if kind is None or not choices or rng.random() > (0.7 if kind == "retired" else 0.55):
            continue
        roll = rng.random()
        status = ReportStatus.ACCEPTED if roll < 0.85 else ReportStatus.REQUESTED if roll < 0.95 \
            else ReportStatus.DECLINED
        reported_on = today - dt.timedelta(days=rng.randint(5, 700) if status != ReportStatus.REQUESTED
                                           else rng.randint(0, 20))
        reports.append(CommunityReport(member_id=member_id, community_id=rng.choice(choices)[0], kind=kind,
                                       reported_on=reported_on, status=status,
                                       decision_note="暂无适合的服务岗位" if status == ReportStatus.DECLINED else ""))
    CommunityReport.objects.bulk_create(reports, batch_size=BATCH)
    accepted = list(CommunityReport.objects.filter(status=ReportStatus.ACCEPTED, pk__gte=first_new).order_by("id"))
    first_need = (ServiceNeed.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    needs = []
    for community_id in sorted({r.community_id for r in accepted}):
        for title, description in rng.sample(NEEDS, rng.randint(2, 4)):
            needs.append(ServiceNeed(community_id=community_id, title=title, description=description,
                                     starts_on=today - dt.timedelta(days=rng.randint(30, 330)),
                                     places=rng.choice([None, 5, 10, 20])))
    ServiceNeed.objects.bulk_create(needs, batch_size=BATCH)
    needs_of: dict[int, list[int]] = defaultdict(list)
    new_needs = ServiceNeed.objects.filter(pk__gte=first_need).order_by("id")
    for need_id, community_id in new_needs.values_list("id", "community_id"):
        needs_of[community_id].append(need_id)
    records, feedback = [], []
    last_year = today.year - 1
    for report in accepted:
        start = max(report.reported_on, today - dt.timedelta(days=365))
        span = (today - start).days
        for _ in range(rng.randint(0, 8) if span > 0 else 0):
            served = start + dt.timedelta(days=rng.randint(0, span))
            status = RecordStatus.ENTERED if (today - served).days < 30 else (
                RecordStatus.REJECTED if rng.random() < 0.03 else RecordStatus.CONFIRMED)
            need = rng.choice(needs_of[report.community_id]) if rng.random() < 0.6 else None
            records.append(ServiceRecord(report_id=report.pk, need_id=need, served_on=served, hours=rng.choice(HOURS),
                                         what=rng.choice(WHAT), status=status,
                                         reject_reason="未见社区签到记录" if status == RecordStatus.REJECTED else ""))
        if report.reported_on <= dt.date(last_year, 12, 1) and rng.random() < 0.75:
            feedback.append(CommunityFeedback(member_id=report.member_id, community_id=report.community_id,
                                              year=last_year, rating=rng.choices(Rating.values, [3, 5, 2, 0.3])[0],
                                              comment=rng.choice(COMMENTS)))
    ServiceRecord.objects.bulk_create(records, batch_size=BATCH)
    CommunityFeedback.objects.bulk_create(feedback, batch_size=BATCH)
    _say(stdout, f"双报到演示数据：{len(reports)} 人报到（已接收 {len(accepted)}），{len(needs)} 项社区需求，"
                 f"{len(records)} 条服务记录，{len(feedback)} 条 {last_year} 年度反馈")


def wipe() -> None:
    CommunityFeedback.objects.all().delete()
    ServiceRecord.objects.all().delete()
    ServiceNeed.objects.all().delete()
    CommunityReport.objects.all().delete()


def count() -> int:
    return CommunityReport.objects.count()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


# after orglife: its churn (deaths, 出党) settles who is a member in good standing to report
register_demo("community", generate, wipe=wipe, count=count, after=("orgs", "orglife"), label="双报到")

if __name__ == "__main__":  # pragma: no cover
    sys.exit("请通过 dangjian demo-data 生成演示数据")
