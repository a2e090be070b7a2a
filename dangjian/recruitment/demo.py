"""Demo 发展党员: cases at every stage in the branches of the first county, a few with breaches (a
short 积极分子 period, a late approval, a 公示 across the National Day holidays), the admitted
ones with their member records; then every case checked set-based."""

from __future__ import annotations

import datetime as dt

from dangjian.core.actors import SYSTEM
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.registry import register_demo
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import checking, synthetic
from .models import RecruitmentCase

PER_SCALE = {"tiny": 18, "county": 150, "city": 600}


def wipe() -> None:
    RecruitmentCase.objects.all().delete()


@audited_transaction()
def generate(*, scale: str = "county", seed: int = 1, today: dt.date, stdout=None, **_) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    branches = list(Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS)
                    .order_by("path")[:60])
    if not branches:
        return
    plan = synthetic.plan(branches, PER_SCALE.get(scale, 150), today=today, seed=seed, breaches=2)
    ids = synthetic.write(plan, seed=seed, area=synthetic.DEMO_AREA, today=today)
    cases = RecruitmentCase.objects.filter(pk__in=ids).select_related("org").prefetch_related("steps")
    members = synthetic.add_members(cases, today)
    checking.check_all(RecruitmentCase.objects.filter(pk__in=ids), today=today)
    flagged = RecruitmentCase.objects.filter(pk__in=ids, flag_count__gt=0).count()
    record_change(actor=SYSTEM, action="recruitment_demo", obj=root,
                  after={"cases": len(ids), "members": members, "flagged": flagged})
    if stdout is not None:
        stdout.write(f"发展党员演示数据：{len(ids)} 人（接收为党员 {members} 人，有规则提示 {flagged} 人）\n")


register_demo("recruitment", generate, wipe=wipe, after=("orgs",), label="发展党员",
              count=lambda: RecruitmentCase.objects.count())
