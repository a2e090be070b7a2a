"""Demo data: this year's 分类定级 under the first root organisation, computed from the demo's own
records (组织生活, 三单, organisation, and the indicators other apps register: 党费, 发展党员, 双报到),
with entered scores and 群众测评 tallies drawn from the seed,
every grade rated, publicised and reported, and two 后进 branches under 整顿 (a problem item each).
Written in bulk with one history record, as the other demo steps do."""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import computed_indicators, register_demo
from dangjian.orgs.models import Organization

from . import actions, rules
from .choices import CandidateState, Computed, Method, Stage
from .models import Amendment, Candidate, Grade, Indicator, Objection, Scheme, Score


def wipe() -> None:
    Amendment.objects.all().delete()
    Objection.objects.all().delete()
    Candidate.objects.all().delete()
    Score.objects.all().delete()
    Grade.objects.all().delete()
    Indicator.objects.all().delete()
    Scheme.objects.all().delete()


# The demo scheme: the default indicators, and the ones other apps register (党费收缴率, 发展党员程序
# 问题, 党员报到率) with 15 points taken from 组织生活落实率, 三单按期销号率 and the entered item.
REGISTERED = [("党员管理", "dues_rate", 5, 0), ("党员管理", "recruitment_breaches", 5, 1),
              ("党员管理", "community_rate", 5, 0)]
LIGHTER = {Computed.ORGLIFE_RATE: 20, Computed.WORKLIST_ONTIME: 10, "": 15}


def demo_indicators() -> list[dict]:
    registered = computed_indicators()
    rows = [{"group": g, "name": n, "method": m, "code": c, "weight": w, "deduct": d}
            for g, n, m, c, w, d in rules.DEFAULT_INDICATORS]
    extra = [{"group": g, "name": registered[c].label, "method": Method.COMPUTED, "code": c, "weight": w, "deduct": d}
             for g, c, w, d in REGISTERED if c in registered]
    if len(extra) == len(REGISTERED):  # all three apps installed: make room for them
        for row in rows:
            row["weight"] = LIGHTER.get(row["code"], row["weight"])
        rows += extra
    return rows


def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    rng = random.Random(seed)
    # This year, assessed at its end: the demo's organisational life covers the twelve months up to
    # ``today``, so last year would hold one month of records and grade nearly every branch 较差.
    # Every date lies before ``today`` (computed two weeks ago, publicised, reported yesterday).
    year = today.year
    scheme = actions.scheme_create(acting_user=SYSTEM, org=root, year=year)
    scheme = actions.indicators_set(acting_user=SYSTEM, scheme=scheme, indicators=demo_indicators())
    actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=today - dt.timedelta(days=14))
    grades = list(Grade.objects.filter(scheme=scheme).order_by("org__path"))
    entered = {s.grade_id: s for s in Score.objects.filter(grade__scheme=scheme, indicator__method=Method.ENTERED)
               .select_related("indicator")}
    start = today - dt.timedelta(days=12)
    for grade in grades:
        score = entered.get(grade.pk)
        if score is not None:
            top = int(score.indicator.weight)
            score.points = Decimal(rng.randint(top // 2, top))
            score.claim = "阵地建设、年度工作思路按要求落实，见年度总结。"
        grade.self_summary = "本年度按要求落实组织生活制度，完成上级交办任务。"
        grade.satisfied = rng.randint(20, 45)
        grade.basic = rng.randint(0, 8)
        grade.unsatisfied = rng.choice([0, 1, 2, 3, 6])
    Score.objects.bulk_update(list(entered.values()), ["points", "claim"], batch_size=2000)
    totals: dict[int, Decimal] = {}
    for grade_id, points in Score.objects.filter(grade__scheme=scheme).values_list("grade_id", "points"):
        totals[grade_id] = totals.get(grade_id, Decimal(0)) + (points or 0)
    for grade in grades:
        grade.score = totals.get(grade.pk, Decimal(0)).quantize(rules.CENT)
        grade.suggested = grade.grade = rules.suggest_grade(
            grade.score, scheme.bands, satisfaction_percent=grade.satisfaction, gate_percent=scheme.gate_percent,
            gate_blocks=scheme.gate_blocks).grade
        grade.stage, grade.publicity_start, grade.reported_on = Stage.REPORTED, start, today - dt.timedelta(days=2)
        grade.rating_note = "经审核，同意按得分评定。"
    Grade.objects.bulk_update(grades, ["self_summary", "satisfied", "basic", "unsatisfied", "score", "suggested",
                                       "grade", "stage", "publicity_start", "reported_on", "rating_note"],
                              batch_size=2000)
    candidates = list(Candidate.objects.filter(scheme=scheme, state=CandidateState.OPEN).order_by("org__path"))
    for candidate in rng.sample(candidates, min(2, len(candidates))):
        actions.candidate_confirm(acting_user=SYSTEM, candidate=candidate, today=today - dt.timedelta(days=1),
                                  note="经乡镇党委研究，列为后进党组织整顿。")
    if stdout is not None:
        stdout.write(f"考核评价：{len(grades)} 个党组织的 {year} 年分类定级，{len(candidates)} 个后进/软弱涣散提示\n")


register_demo("assessment", generate, wipe=wipe,
              after=("orgs", "orglife", "worklists", "dues", "recruitment", "community"), label="考核评价")

if __name__ == "__main__":  # pragma: no cover
    sys.exit("请通过 dangjian demo-data 生成演示数据")
