"""Demo lists: items at the county, town and branch levels — some overdue, some closed with evidence
and the level above's approval, some waiting for approval — and one list made by decomposing the
speech that ships with the demo (``demo_speech.txt``).

``generate(seed=…, today=…)`` is called by ``dangjian demo-data`` after the tree is written; the
same seed and day give the same lists. ``wipe()`` removes them (before the tree is wiped)."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from django.db import transaction

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import register_demo
from dangjian.orgs.choices import BRANCH_KINDS, COMMITTEE_KINDS
from dangjian.orgs.models import Organization

from . import actions
from .choices import Kind, Priority, Recurrence, Source, State
from .models import SourceDocument, WorkItem

SPEECH = Path(__file__).with_name("demo_speech.txt")

PROBLEMS = [
    ("三会一课记录存在补记录现象", "部分会议记录字迹、用笔一致，疑为集中补写", "制度执行不经常，日常督促不够",
     ["按月检查会议记录", "对补记录问题进行批评教育", "建立会议纪实签到制度"]),
    ("流动党员底数不清", "有3名流动党员去向不明，联系电话失效", "流出地与流入地衔接不畅",
     ["逐人核实去向", "建立流动党员台账"]),
    ("主题党日活动形式单一", "活动多为读文件，党员参与度低", "活动设计缺乏针对性",
     ["每月制定活动方案", "结合中心工作开展志愿服务"]),
    ("党费收缴不及时", "部分党员党费存在集中补交", "党费收缴提醒不到位",
     ["按月收缴并公示", "党员党费基数年度核定"]),
    ("党员活动阵地作用发挥不够", "活动室长期闲置，资料陈旧", "阵地管理责任不明确",
     ["明确管理人员", "更新学习资料"]),
    ("民主评议党员走过场", "评议结果全部为优秀，未开展批评", "思想认识不到位",
     ["重新组织民主评议", "规范评议程序"]),
    ("发展党员程序不规范", "个别发展对象培养考察记录缺失", "对发展党员细则学习不够",
     ["全面自查发展党员档案", "组织专题培训"]),
    ("组织生活会查摆问题不深入", "对照检查材料雷同，问题泛泛而谈", "准备不充分，谈心谈话不到位",
     ["重新开展谈心谈话", "补充对照检查"]),
]
TASKS = [
    ("每季度至少讲一次党课", Recurrence.QUARTERLY,
     ["书记带头讲党课", "邀请先进典型讲党课"]),
    ("开展主题党日活动", Recurrence.MONTHLY,
     ["每月固定一天开展", "活动情况录入平台"]),
    ("完成年度组织生活会和民主评议党员", Recurrence.YEARLY,
     ["制定方案", "开展谈心谈话", "召开会议并上报"]),
    ("建立流动党员服务台账", "",
     ["摸排底数", "建立联系人制度"]),
    ("推进党员积分管理", "",
     ["制定积分细则", "按季度公示积分"]),
    ("开展软弱涣散党组织排查整顿", Recurrence.HALF_YEARLY,
     ["逐村排查", "一村一策制定整顿方案"]),
    ("落实离退休党员到社区报到", "",
     ["摸清底数", "组织报到", "安排服务岗位"]),
]
RESPONSIBILITIES = [
    ("党组织书记履行抓党建第一责任人职责", "党组织书记",
     ["每季度专题研究党建工作", "年终述职"]),
    ("班子成员落实“一岗双责”", "班子成员",
     ["抓好分管领域党建工作", "参加所在支部组织生活"]),
    ("组织委员负责党员教育管理", "组织委员",
     ["落实党员学习计划", "做好党员发展工作"]),
    ("纪检委员负责党风廉政监督", "纪检委员",
     ["每半年开展一次廉政教育", "监督三会一课落实"]),
]
SOURCES = [Source.INSPECTION_TOUR, Source.SUPERVISION, Source.SELF_CHECK, Source.ASSIGNED, Source.MEETING]


def wipe() -> None:
    """Remove every list (items with their measures, evidence, progress and steps; documents)."""
    WorkItem.objects.all().delete()
    SourceDocument.objects.all().delete()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + ("" if text.endswith("\n") else "\n"))


def _levels(root: Organization) -> tuple[Organization, list[Organization], list[Organization]]:
    """A county (the root, or the root's first committee in a city), up to four towns under it and up
    to three branches under each town."""
    county = root
    if root.depth == 1 and not Organization.objects.filter(parent=root, kind__in=BRANCH_KINDS).exists():
        child = Organization.objects.filter(parent=root, kind__in=COMMITTEE_KINDS).order_by("path").first()
        county = child if child is not None and child.children.filter(kind__in=COMMITTEE_KINDS).exists() else root
    towns = list(Organization.objects.filter(parent=county, kind__in=COMMITTEE_KINDS).order_by("path")[:4])
    branches = []
    for town in towns:
        branches += list(Organization.objects.filter(path__startswith=town.path, kind__in=BRANCH_KINDS)
                         .order_by("path")[:3])
    return county, towns, branches


def _make(rng: random.Random, org, today: dt.date, kind: str):
    if kind == Kind.PROBLEM:
        title, symptoms, causes, measures = rng.choice(PROBLEMS)
        return actions.item_create(
            acting_user=SYSTEM, org=org, kind=kind, title=title, symptoms=symptoms, causes=causes, measures=measures,
            source=rng.choice(SOURCES[:3]), deadline=today + dt.timedelta(days=rng.randint(-45, 75)),
            priority=rng.choice([Priority.HIGH, Priority.NORMAL]), person_names="支部书记", today=today,
        )
    if kind == Kind.TASK:
        title, recurrence, measures = rng.choice(TASKS)
        deadline = None if recurrence else today + dt.timedelta(days=rng.randint(-30, 120))
        return actions.item_create(
            acting_user=SYSTEM, org=org, kind=kind, title=title, recurrence=recurrence, deadline=deadline,
            measures=measures, source=rng.choice(SOURCES[3:]), person_names="组织委员", today=today,
        )
    title, role, measures = rng.choice(RESPONSIBILITIES)
    return actions.item_create(
        acting_user=SYSTEM, org=org, kind=kind, title=title, measures=measures, source=Source.MEETING,
        person_names=role, recurrence=Recurrence.YEARLY, leader="党委副书记", today=today,
    )


def _work(rng: random.Random, item, today: dt.date, *, can_close: bool) -> None:
    """Move an item along: most are claimed; some get progress; some are submitted, some closed."""
    roll = rng.random()
    if roll < 0.15:
        return  # stays 待认领
    started = today - dt.timedelta(days=rng.randint(20, 160))
    item = actions.item_claim(acting_user=SYSTEM, item=item, today=started)
    actions.progress_add(acting_user=SYSTEM, item=item, text=rng.choice([
        "已制定整改方案，明确责任人和时限。", "已召开专题会议研究部署。", "正在逐项推进，已完成约一半。",
        "已对照问题开展自查，形成整改台账。"]))
    if roll < 0.55:
        return  # 整改中
    item = actions.item_submit(acting_user=SYSTEM, item=item, today=started, evidence_text=rng.choice([
        "已召开专题组织生活会，会议记录及签到表存档。", "已建立台账并报上级党组织备案。",
        "整改完成，附整改报告一份。"]))
    if roll < 0.7 or not can_close:
        return  # 申请销号，待上级审核
    closed_on = today - dt.timedelta(days=rng.randint(5, 130))
    parent = item.org.parent
    actions.item_approve(acting_user=SYSTEM, item=item, today=closed_on,
                         reason=f"{parent.display_name}审核：佐证齐全，同意销号")


def _decomposed_list(county, towns, today: dt.date, stdout) -> int:
    try:
        from dangjian.worklists.decompose import DecomposeError, decompose
    except ImportError:  # not installed, or not complete yet
        _say(stdout, "  未安装文件分解模块：跳过由讲话稿生成的清单")
        return 0
    text = SPEECH.read_text(encoding="utf-8")
    try:
        result = decompose(text)
    except DecomposeError as exc:
        _say(stdout, f"  讲话稿分解失败：{exc}")
        return 0
    from .decompose_views import draft_initial

    owners = towns or [county]
    drafts = []
    for number, draft in enumerate(draft_initial(result, default_org=county, today=today)):
        draft["org"] = owners[number % len(owners)]
        drafts.append(draft)
    if not drafts:
        return 0
    _, items = actions.items_create_from_draft(acting_user=SYSTEM, document_org=county,
                                               title=result.get("title") or "全县基层党建工作推进会讲话",
                                               text=text, file_name=SPEECH.name, drafts=drafts, today=today)
    return len(items)


@transaction.atomic
def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    """Write the demo lists under the first root organisation (nothing if there is no tree)."""
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        _say(stdout, "没有党组织数据：跳过三单演示数据")
        return
    rng = random.Random(seed)
    county, towns, branches = _levels(root)
    count = 0
    plan = [(county, 8), *((t, 6) for t in towns), *((b, 4) for b in branches)]
    for org, n in plan:
        for i in range(n):
            kind = (Kind.PROBLEM, Kind.TASK, Kind.PROBLEM, Kind.RESPONSIBILITY)[i % 4]
            item = _make(rng, org, today, kind)
            _work(rng, item, today, can_close=org.parent_id is not None)
            count += 1
    decomposed = _decomposed_list(county, towns, today, stdout)
    closed = WorkItem.objects.filter(state=State.CLOSED).count()
    overdue = WorkItem.objects.filter(deadline__lt=today).exclude(state=State.CLOSED).count()
    _say(stdout, f"三单演示数据：{count + decomposed} 条事项（讲话稿分解 {decomposed} 条），"
                 f"已销号 {closed} 条，超期 {overdue} 条")


register_demo("worklists", generate, wipe=wipe, after=("orgs",), label="三单管理")

if __name__ == "__main__":  # pragma: no cover
    sys.exit("请通过 dangjian demo-data 生成演示数据")
