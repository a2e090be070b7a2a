"""Demo 述职评议, 民主评议党员 and 党员积分 over the demo tree: last year's 民主评议 finished in every
branch (a spread of grades, a few members excluded with their reason, the rare 不合格 with its
组织处置), this year's under way in some branches; last year's 述职评议 of the secretaries by every
committee; points rules at the top and a ledger — attendance entries generated from the meetings,
points from the service hours the communities confirmed (a rule of the year at each root), and
claims, some approved, some waiting. For the demo accounts: members' own 民主测评 ballots in this
year's appraisals at 民主测评, this year's 述职评议 of the demo town with account voting open, and an
appeal against last year's result waiting for the town's review.

Bulk inserts (no change record per row); the same seed and day give the same rows."""

from __future__ import annotations

import datetime as dt
import random
import sys

from django.db import transaction

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import points_sources, register_demo
from dangjian.core.tree import PATH_STEP, parent_path
from dangjian.members.choices import FlowStatus, PartyStatus
from dangjian.members.models import Member
from dangjian.orglife.choices import MeetingType
from dangjian.orglife.models import Meeting
from dangjian.orgs.choices import BRANCH_KINDS, COMMITTEE_KINDS, SUB_BRANCH_KINDS, Post
from dangjian.orgs.models import CommitteePost, Organization

from . import actions, feeds, rules
from .choices import Disposal, EntryOrigin, EntryState, Exclusion, Grade, PointsCategory, Stage
from .models import (
    Appeal,
    Appraisal,
    AppraisalMember,
    Ballot,
    DisposalRecord,
    PointsEntry,
    PointsRule,
    PointsSetting,
    ReportEntry,
    ReportProblem,
    ReportRound,
    RoundBallot,
    SourceRule,
)

RULES = [
    (PointsCategory.ATTENDANCE, "参加组织生活", "按时参加三会一课、主题党日等组织生活", 2, 8, None),
    (PointsCategory.SERVICE, "志愿服务", "参加社区、村组志愿服务，以服务记录为证", 3, None, 30),
    (PointsCategory.DUTY, "承担急难险重任务", "在防汛、疫情防控等任务中发挥作用", 5, None, 20),
    (PointsCategory.HONOUR, "受到表彰", "受到县级以上党委、政府表彰", 10, None, 20),
    (PointsCategory.DEDUCTION, "无故缺席组织生活", "无正当理由不参加组织生活", -2, None, None),
    (PointsCategory.VETO, "受到党纪处分", "本年度受到党纪处分的，积分计为 0", 0, None, None),
]
CLAIMS = [("志愿服务", "参加村（社区）人居环境整治志愿服务", "村委会出具的服务记录"),
          ("志愿服务", "到结对困难户家中走访帮扶", "帮扶台账"),
          ("承担急难险重任务", "参加汛期值守巡查", "乡镇防汛值班表"),
          ("受到表彰", "被评为县级优秀共产党员", "县委表彰文件")]
SELF_REVIEW = "对照党员标准，从理想信念、履职尽责、作用发挥等方面作了自我评价"
PROBLEMS = ["抓基层党建第一责任人职责落实不够到位", "对软弱涣散党组织整顿督促不够", "党员教育管理方式单一",
            "组织生活质量不高，存在形式化问题", "发展党员工作统筹不够，年轻党员比例偏低"]


def wipe() -> None:
    for model in (Appeal, Ballot, DisposalRecord, AppraisalMember, Appraisal, RoundBallot, ReportProblem, ReportEntry,
                  ReportRound, PointsEntry, PointsSetting, PointsRule, SourceRule):
        model.objects.all().delete()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + ("" if text.endswith("\n") else "\n"))


def _votes(rng: random.Random, voters: int, lean: str) -> dict:
    """Tallies that lean to one grade, as a branch's 民主测评 does."""
    share = {Grade.EXCELLENT: (0.7, 0.27, 0.03, 0), Grade.QUALIFIED: (0.25, 0.7, 0.05, 0),
             Grade.BASIC: (0.05, 0.35, 0.55, 0.05), Grade.UNQUALIFIED: (0, 0.2, 0.3, 0.5)}[lean]
    counts = [int(voters * s) for s in share]
    counts[[Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASIC, Grade.UNQUALIFIED].index(lean)] += voters - sum(counts)
    return dict(zip(Grade.values, counts, strict=True))


def _exclusion(member, rng: random.Random) -> str:
    if member["flow_status"] == FlowStatus.OUT and rng.random() < 0.5:
        return Exclusion.FLOATING
    if member["retired"] and member["birth_date"].year < 1945 and rng.random() < 0.6:
        return Exclusion.INFIRM
    return Exclusion.ILLNESS if rng.random() < 0.005 else ""


def _appraisals(rng: random.Random, year: int, today: dt.date) -> tuple[int, int]:
    branches = list(Organization.objects.filter(kind__in=BRANCH_KINDS).order_by("path").values_list("id", "path"))
    members = list(Member.objects.filter(status=PartyStatus.NORMAL)
                   .values("id", "name", "org__path", "flow_status", "retired", "birth_date").order_by("id"))
    by_branch: dict[int, list] = {pk: [] for pk, _ in branches}
    prefix = {path: pk for pk, path in branches}
    for m in members:
        path = m["org__path"]
        while path and path not in prefix:
            path = parent_path(path)
        if path:
            by_branch[prefix[path]].append(m)
    first, last = rules.meeting_window(year)
    meetings = {org_id: (pk, held) for org_id, pk, held in Meeting.objects.filter(
        type_codes__contains=MeetingType.REVIEW, held_at__date__gte=first, held_at__date__lte=last)
        .order_by("held_at").values_list("org_id", "pk", "held_at")}  # the last one per branch
    appraisals = [Appraisal(org_id=pk, year=year, meeting_id=meetings[pk][0] if pk in meetings else None,
                            stage=Stage.DONE, voters=max(1, int(len(by_branch[pk]) * 0.9)),
                            finished_on=meetings[pk][1].date() if pk in meetings else dt.date(year, 12, 28))
                  for pk, _ in branches if by_branch[pk]]
    current = [Appraisal(org_id=a.org_id, year=year + 1, stage=rng.choice([Stage.SELF, Stage.PEER, Stage.VOTE]))
               for a in appraisals if rng.random() < 0.3 and today.month >= 10]
    Appraisal.objects.bulk_create(appraisals + current, batch_size=2000)
    people, unqualified = [], []
    for a in appraisals:
        group = by_branch[a.org_id]
        excluded = {m["id"]: _exclusion(m, rng) for m in group}
        appraised = [m for m in group if not excluded[m["id"]]]
        top = len(appraised) // 3 if rng.random() < 0.95 else len(appraised) // 3 + 1  # a rare branch over 1/3
        excellent = set(m["id"] for m in rng.sample(appraised, min(top, rng.randint(0, max(0, top)))))
        for m in group:
            if excluded[m["id"]]:
                people.append(AppraisalMember(appraisal=a, member_id=m["id"], name=m["name"],
                                              exclusion=excluded[m["id"]], self_review=""))
                continue
            roll = rng.random()
            lean = Grade.EXCELLENT if m["id"] in excellent else (
                Grade.UNQUALIFIED if roll < 0.004 else Grade.BASIC if roll < 0.03 else Grade.QUALIFIED)
            votes = _votes(rng, a.voters, lean)
            person = AppraisalMember(appraisal=a, member_id=m["id"], name=m["name"], self_review=SELF_REVIEW,
                                     peer_done=True, grade=lean, **{f"{g}_votes": n for g, n in votes.items()})
            people.append(person)
            if lean == Grade.UNQUALIFIED:
                unqualified.append(person)
    for a in current:
        for m in by_branch[a.org_id]:
            people.append(AppraisalMember(appraisal=a, member_id=m["id"], name=m["name"],
                                          self_review=SELF_REVIEW if a.stage != Stage.SELF else ""))
    AppraisalMember.objects.bulk_create(people, batch_size=2000)
    disposals = [DisposalRecord(person=p, kind=rng.choice([Disposal.RECTIFY, Disposal.RECTIFY, Disposal.PERSUADE]),
                                due_on=today + dt.timedelta(days=rng.randint(20, 120)), note="经支部委员会研究决定")
                 for p in unqualified]
    DisposalRecord.objects.bulk_create(disposals)
    for record in DisposalRecord.objects.select_related("person__appraisal__org"):
        feeds.disposal_opened(record)
    return len(appraisals), len(people)


def _rounds(rng: random.Random, year: int) -> int:
    committees = list(Organization.objects.filter(kind__in=COMMITTEE_KINDS).order_by("path"))
    children = list(Organization.objects.filter(parent__in=committees).exclude(kind__in=SUB_BRANCH_KINDS)
                    .order_by("path").values_list("id", "parent_id"))
    secretaries = {org_id: (member_id, name) for org_id, member_id, name in CommitteePost.objects.filter(
        term__is_current=True, post=Post.SECRETARY).values_list("term__org_id", "member_id", "member__name")}
    by_parent: dict[int, list[int]] = {}
    for pk, parent in children:
        by_parent.setdefault(parent, []).append(pk)
    rounds = [ReportRound(org=c, year=year, title=f"{c.display_name}{year}年度书记抓基层党建述职评议")
              for c in committees if c.pk in by_parent]
    ReportRound.objects.bulk_create(rounds)
    entries = []
    for r in rounds:
        for org_id in by_parent[r.org_id]:
            voters = rng.randint(25, 60)
            good = int(voters * rng.choice([0.45, 0.6, 0.7, 0.8, 0.85]))
            fair = int((voters - good) * 0.6)
            poor = rng.choice([0, 0, 0, 1, int(voters * 0.35)]) if voters - good - fair > 0 else 0
            tallies = {"good": good, "fairly_good": fair, "poor": min(poor, voters - good - fair),
                       "average": 0}
            tallies["average"] = voters - good - fair - tallies["poor"]
            result = rules.report_result(tallies)
            member_id, name = secretaries.get(org_id, (None, ""))
            entries.append(ReportEntry(round=r, org_id=org_id, member_id=member_id, secretary_name=name,
                                       result=result.rating or "", result_reason=result.reason, **tallies))
    ReportEntry.objects.bulk_create(entries, batch_size=2000)
    ReportProblem.objects.bulk_create([ReportProblem(entry=e, text=rng.choice(PROBLEMS))
                                       for e in entries if e.result in ("average", "poor") or rng.random() < 0.2])
    return len(entries)


def _ballots(rng: random.Random, year: int) -> int:
    """Members' own 民主测评 ballots in this year's appraisals now at 民主测评: most members have voted,
    their choices added to the tallies (a Ballot row says only who voted)."""
    appraisals = list(Appraisal.objects.filter(year=year, stage=Stage.VOTE).order_by("pk"))
    people = list(AppraisalMember.objects.filter(appraisal__in=appraisals, exclusion="").order_by("pk"))
    by_appraisal: dict[int, list[AppraisalMember]] = {}
    for p in people:
        by_appraisal.setdefault(p.appraisal_id, []).append(p)
    ballots = []
    for a in appraisals:
        group = by_appraisal.get(a.pk, [])
        voters = [p for p in group if rng.random() < 0.7]
        for voter in voters:
            for other in group:
                if other is not voter:
                    grade = rng.choices(Grade.values, weights=(25, 70, 4, 1))[0]
                    setattr(other, f"{grade}_votes", getattr(other, f"{grade}_votes") + 1)
            ballots.append(Ballot(appraisal=a, voter=voter))
        a.voters = len(voters)
    AppraisalMember.objects.bulk_update(people, actions.VOTE_FIELDS, batch_size=2000)
    Appraisal.objects.bulk_update(appraisals, ["voters"], batch_size=2000)
    Ballot.objects.bulk_create(ballots, batch_size=2000)
    return len(ballots)


def _demo_town() -> Organization | None:
    """The committee the demo's town account sits in: down the first committee children from the top."""
    org = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    while org is not None:
        child = Organization.objects.filter(parent=org, kind__in=COMMITTEE_KINDS).order_by("path").first()
        if child is None:
            return org
        org = child
    return None


def _open_round(year: int) -> ReportRound | None:
    """This year's 述职评议 of the demo town, its account voting open (the town and the village
    secretary of the demo accounts can vote)."""
    town = _demo_town()
    if town is None or not Organization.objects.filter(parent=town).exclude(kind__in=SUB_BRANCH_KINDS).exists():
        return None
    r = actions.round_create(acting_user=SYSTEM, org=town, year=year)
    return actions.round_voting(acting_user=SYSTEM, round=r, voting=True)


def _appeal(year: int, today: dt.date) -> Appeal | None:
    """One member of the demo town appraised 基本合格 (or 合格) last year appeals; the town has it to review."""
    town = _demo_town()
    person = (AppraisalMember.objects.filter(appraisal__org__path__startswith=town.path, appraisal__year=year,
                                             appraisal__stage=Stage.DONE, grade__in=[Grade.BASIC, Grade.QUALIFIED])
              .select_related("appraisal__org__parent").order_by("grade", "pk").first()) if town else None
    if person is None:
        return None
    appeal = Appeal.objects.create(person=person, filed_on=today - dt.timedelta(days=3),
                                   text="本人全年按时参加组织生活、完成支部交办任务，并在社区报到服务，"
                                        "测评时部分党员对情况不了解，请求复查评定等次。")
    feeds.appeal_filed(appeal, person.appraisal.org.parent)
    return appeal


def _points(rng: random.Random, year: int, today: dt.date) -> int:
    roots = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    # confirmed 双报到 service hours become points under each root's rule of the year
    SourceRule.objects.bulk_create([
        SourceRule(org=root, year=y, source=code, per=rules.DEFAULT_SOURCE_PER, points=rules.DEFAULT_SOURCE_POINTS,
                   cap=rules.DEFAULT_SOURCE_CAP)
        for root in roots for y in (year - 1, year) for code in points_sources()])
    made = {}
    for root in roots:
        for category, name, description, points, cap_month, cap_year in RULES:
            made[(root.pk, name)] = PointsRule(org=root, category=category, name=name, description=description,
                                               points=points, cap_month=cap_month, cap_year=cap_year)
    PointsRule.objects.bulk_create(made.values())
    # the ledger from the start of the last quarter (a county's whole year is some 400,000 attendances)
    start = max(dt.date(year, 1, 1), dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - dt.timedelta(days=92))
    for root in roots:
        actions.points_generate(acting_user=SYSTEM, root=root, start=start.replace(day=1), end=today)
    members = list(Member.objects.filter(status=PartyStatus.NORMAL).order_by("id")
                   .values_list("id", "org_id", "org__path"))
    root_of = {r.path: r.pk for r in roots}
    claims = []
    for member_id, org_id, path in rng.sample(members, min(len(members), max(1, len(members) // 8))):
        root_id = root_of[path[:PATH_STEP]]
        rule_name, reason, evidence = rng.choice(CLAIMS)
        rule = made[(root_id, rule_name)]
        on = dt.date(year, rng.randint(1, today.month), rng.randint(1, 28))
        on = min(on, today)
        state = EntryState.APPROVED if rng.random() < 0.8 else EntryState.PENDING
        claims.append(PointsEntry(member_id=member_id, org_id=org_id, rule=rule, on=on, points=rule.points,
                                  reason=reason, origin=EntryOrigin.CLAIM, state=state, evidence_text=evidence))
    PointsEntry.objects.bulk_create(claims, batch_size=2000)
    return PointsEntry.objects.count()


def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    if not Organization.objects.exists():
        _say(stdout, "没有党组织数据：跳过评议积分演示数据")
        return
    rng = random.Random(seed * 7 + 13)
    last = today.year - 1
    with transaction.atomic():
        appraisals, people = _appraisals(rng, last, today)
        ballots = _ballots(rng, today.year)
        appeal = _appeal(last, today)
        entries = _rounds(rng, last)
        open_round = _open_round(today.year)
        points = _points(rng, today.year, today)
    _say(stdout, f"评议积分：{appraisals:,} 个支部的民主评议（{people:,} 人次，本年度 {ballots:,} 张本人账号测评票"
                 f"{'，1 件申诉待复查' if appeal else ''}）、{entries:,} 名书记述职评议"
                 f"{f'（{open_round.org.name}本年度账号投票进行中）' if open_round else ''}、{points:,} 条积分记录")


def count() -> int:
    return Appraisal.objects.count()


register_demo("appraisal", generate, wipe=wipe, count=count, after=("orgs", "orglife", "community"),
              label="述职评议与民主评议")

if __name__ == "__main__":  # pragma: no cover
    sys.exit("请通过 dangjian demo-data 生成演示数据")
