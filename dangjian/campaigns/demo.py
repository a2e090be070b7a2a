"""Demo campaigns: a 集中督查 drawn by stratified sample with findings whose items are in every state
(整改中, 已销号, 超期, not yet converted), a quarterly 观摩 scored by five judges, and a 品牌评选 from
申报 to 命名 (one named, one in 公示 with an objection, one not passed at 初审).

Same seed and day, same campaigns. The five judges are demo users without a password of their own."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from dangjian.core.actors import SYSTEM
from dangjian.core.calendar import work_calendar
from dangjian.core.registry import register_demo
from dangjian.core.workdays import period_end
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization
from dangjian.worklists import actions as item_actions

from . import actions
from .choices import CampaignKind, Role, Schedule
from .models import Campaign, ScoreSheet, Title

JUDGES = [f"demo_judge{i}" for i in range(1, 6)]
INSPECTION_SHEET = [
    {"title": "三会一课落实", "max_score": 30, "guidance": "查阅会议记录、签到表，是否存在补记录"},
    {"title": "党员教育管理", "max_score": 25, "guidance": "学习计划、流动党员管理、党费收缴"},
    {"title": "阵地建设", "max_score": 20, "guidance": "活动室挂牌、资料更新、开放使用"},
    {"title": "发展党员程序", "max_score": 25, "guidance": "抽查发展党员档案"},
]
OBSERVATION_SHEET = [
    {"title": "特色载体", "max_score": 40, "guidance": "“做亮一个载体”的成效"},
    {"title": "阵地与氛围", "max_score": 30, "guidance": ""},
    {"title": "群众评价", "max_score": 30, "guidance": "现场随机走访群众"},
]
PROBLEMS = ["三会一课记录存在补记录现象", "党员活动室长期闲置、资料陈旧", "流动党员底数不清，3 人失联",
            "党费收缴不及时，存在集中补交", "发展对象培养考察记录缺失", "主题党日活动形式单一"]
BRANDS = [("红色引擎", "以“党建+产业”带动村集体增收"), ("邻里红管家", "网格党支部带领志愿者服务居民"),
          ("白衣先锋", "党员医生下沉村卫生室")]


def wipe() -> None:
    Title.objects.all().delete()
    Campaign.objects.all().delete()
    ScoreSheet.objects.all().delete()
    get_user_model().objects.filter(username__in=JUDGES).delete()


def count() -> int:
    return Campaign.objects.count()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _inspection(rng, county, today) -> str:
    campaign = actions.campaign_create(
        acting_user=SYSTEM, org=county, kind=CampaignKind.INSPECTION, title=f"{today.year}年基层党建集中督查",
        starts_on=today - dt.timedelta(days=45), ends_on=today + dt.timedelta(days=15), sheet_items=INSPECTION_SHEET,
        requirements="各被督查党组织对照问题清单逐项制定整改措施，在整改时限内完成整改并申请销号。\n"
                     "县委组织部将适时开展整改回头看。")
    targets = actions.targets_sample(acting_user=SYSTEM, campaign=campaign, size=12,
                                     kinds=sorted(BRANCH_KINDS), seed=rng.randrange(10**9))
    items = list(campaign.sheet.items.all())
    states = {"closed": 0, "open": 0, "overdue": 0, "waiting": 0}
    for number, target in enumerate(targets):
        for item in items:
            top = int(item.max_score)
            score = rng.randint(int(top * 0.6), top)
            actions.finding_record(acting_user=SYSTEM, target=target, sheet_item=item, score=score,
                                   text="基本符合要求" if score > top * 0.8 else "有待加强",
                                   today=today)
        if number % 3 == 2:
            continue
        problem = PROBLEMS[number % len(PROBLEMS)]
        kind = ("closed", "open", "overdue", "waiting")[number % 4]
        deadline = today - dt.timedelta(days=10) if kind == "overdue" else today + dt.timedelta(days=30)
        finding = actions.finding_record(acting_user=SYSTEM, target=target, sheet_item=items[number % len(items)],
                                         text=problem, is_problem=True, deadline=deadline, today=today,
                                         to_item=kind != "waiting")  # waiting: not yet turned into an item
        if kind == "closed":
            work = item_actions.item_claim(acting_user=SYSTEM, item=finding.item, today=today)
            work = item_actions.item_submit(acting_user=SYSTEM, item=work, evidence_text="已整改，见整改报告",
                                            today=today)
            item_actions.item_approve(acting_user=SYSTEM, item=work, today=today)
        elif kind == "open":
            item_actions.item_claim(acting_user=SYSTEM, item=finding.item, today=today)
        states[kind] += 1
    return (f"集中督查：抽取 {len(targets)} 个党组织，问题已销号 {states['closed']}、整改中 {states['open']}、"
            f"超期 {states['overdue']}、待转清单 {states['waiting']}")


def _judges():
    users = []
    for username in JUDGES:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = get_user_model().objects.create_user(username=username, first_name="评委")
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def _observation(rng, county, branches, judges, today) -> str:
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    campaign = actions.campaign_create(
        acting_user=SYSTEM, org=county, kind=CampaignKind.OBSERVATION,
        title=f"{today.year}年第{(today.month - 1) // 3 + 1}季度基层党建观摩", schedule=Schedule.QUARTERLY,
        starts_on=quarter_start, ends_on=quarter_start + dt.timedelta(days=89), sheet_items=OBSERVATION_SHEET)
    sites = rng.sample(branches, min(8, len(branches)))
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=sites)
    for judge in judges:
        actions.participant_grant(acting_user=SYSTEM, campaign=campaign, user=judge, role=Role.JUDGE)
    items = list(campaign.sheet.items.all())
    for target in campaign.targets.all():
        quality = rng.uniform(0.6, 0.98)
        for judge in judges:
            scores = {i.pk: round(float(i.max_score) * min(1.0, quality + rng.uniform(-0.08, 0.08)), 1) for i in items}
            actions.scores_record(acting_user=judge, target=target, scores=scores, today=quarter_start)
    return f"季度观摩：{len(sites)} 个现场，5 名评委评分"


def _selection(county, branches, judges, today) -> str:
    campaign = actions.campaign_create(
        acting_user=SYSTEM, org=county, kind=CampaignKind.BRAND_SELECTION, title=f"{today.year}年党建品牌评选",
        starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=30),
        sheet_items=[{"title": "品牌特色", "max_score": 50}, {"title": "工作成效", "max_score": 50}])
    for judge in judges[:3]:
        actions.participant_grant(acting_user=SYSTEM, campaign=campaign, user=judge, role=Role.JUDGE)
    items = list(campaign.sheet.items.all())
    named = 0
    for number, (org, (name, story)) in enumerate(zip(branches[-3:], BRANDS, strict=False)):
        application = actions.application_submit(acting_user=SYSTEM, campaign=campaign, org=org, name=name,
                                                 description=story)
        if number == 2:
            actions.application_screen(acting_user=SYSTEM, application=application, passed=False,
                                       note="申报材料与实际不符")
            continue
        actions.application_screen(acting_user=SYSTEM, application=application, passed=True)
        for judge in judges[:3]:
            actions.scores_record(acting_user=judge, target=application.target,
                                  scores={i.pk: 40 + number * 2 for i in items}, today=today)
        start = today - dt.timedelta(days=20) if number == 0 else today - dt.timedelta(days=2)
        end = period_end(start, 5, work_calendar(start, start + dt.timedelta(days=30)))
        actions.publicity_start(acting_user=SYSTEM, application=application, starts_on=start, ends_on=end)
        objection = actions.objection_add(acting_user=SYSTEM, application=application, received_on=start,
                                          text="反映品牌宣传材料存在夸大", raised_by="匿名")
        if number == 0:
            actions.objection_answer(acting_user=SYSTEM, objection=objection, today=end,
                                     answer="经核实，材料中一项数据已更正，不影响评选结果")
            actions.application_name(acting_user=SYSTEM, application=application,
                                     certificate_no=f"PP-{today.year}-001", today=today)
            named += 1
    return f"品牌评选：3 个申报，命名 {named} 个，1 个公示中，1 个初审未通过"


@transaction.atomic
def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        _say(stdout, "没有党组织数据：跳过督查观摩评选演示数据")
        return
    rng = random.Random(seed)
    branches = list(Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS).order_by("path"))
    if len(branches) < 6:
        _say(stdout, "党支部太少：跳过督查观摩评选演示数据")
        return
    judges = _judges()
    lines = [_inspection(rng, root, today), _observation(rng, root, branches, judges, today),
             _selection(root, branches, judges, today)]
    _say(stdout, "督查观摩评选演示数据：" + "；".join(lines))


register_demo("campaigns", generate, wipe=wipe, count=count, after=("orgs", "worklists"), label="督查观摩评选")
