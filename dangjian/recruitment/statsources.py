"""发展党员 figures on the 数据看板, in snapshots and in the 党内统计 发展党员 table
(``core.registry.register_statistics``): the milestones of the year up to the day (递交申请 … 取消预备
党员资格, the county table's columns, ``queries.YEARLY_COLUMNS``, counted by the date the step was
taken), and the people in each stage on the day (cases in progress or on probation, applied by then,
at their stage as recorded). Two grouped queries for a whole subtree; the dashboard sums them up."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from dangjian.core.registry import RecordList, register_statistics
from dangjian.core.scoping import VIEW

from .choices import CaseStatus, Stage
from .models import CaseStep, RecruitmentCase
from .queries import YEARLY_COLUMNS

NAME = "recruit"
IN_PROGRESS = (CaseStatus.ACTIVE, CaseStatus.PROBATIONARY)
STAGES = [s for s in Stage if s <= Stage.PROBATION]


def _year(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), day


def _cases_on(day: dt.date):
    return RecruitmentCase.objects.filter(status__in=IN_PROGRESS, applied_on__lte=day)


def count(root, day) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    steps = (CaseStep.objects.filter(case__org__path__startswith=root.path, done_on__range=_year(day)).order_by()
             .values("case__org_id")
             .annotate(**{key: Count("case_id", filter=cond, distinct=True) for key, _, cond in YEARLY_COLUMNS}))
    for row in steps:
        figures = out.setdefault(row["case__org_id"], {})
        for key, _, _ in YEARLY_COLUMNS:
            if row[key]:
                figures[f"{NAME}:{key}"] = row[key]
    stages = (_cases_on(day).filter(org__path__startswith=root.path).order_by().values_list("org_id", "stage")
              .annotate(n=Count("pk")))
    for org_id, stage, n in stages:
        out.setdefault(org_id, {})[f"{NAME}:stage:{stage}"] = n
    return out


def labels() -> dict[str, str]:
    out = {f"{NAME}:{key}": label for key, label, _ in YEARLY_COLUMNS}
    out.update({f"{NAME}:stage:{s.value}": f"{s.label}（在册）" for s in STAGES})
    return out


def records(user, org, key: str, day: dt.date) -> RecordList | None:
    if "@" in key:
        return None
    qs = RecruitmentCase.objects.restrict(user, VIEW).filter(org__path__startswith=org.path)
    milestones = {f"{NAME}:{k}": cond for k, _, cond in YEARLY_COLUMNS}
    if key in milestones:
        worked = CaseStep.objects.filter(milestones[key], done_on__range=_year(day)).values("case_id")
        qs = qs.filter(pk__in=worked)
    elif key.startswith(f"{NAME}:stage:") and key.rsplit(":", 1)[1] in {str(s.value) for s in STAGES}:
        qs = qs.filter(Q(pk__in=_cases_on(day).values("pk")), stage=int(key.rsplit(":", 1)[1]))
    else:
        return None
    qs = qs.select_related("org").order_by("org__path", "applied_on", "id")
    headers = ["姓名", "所在党支部", "性别", "出生日期", "递交申请日期", "阶段", "状态"]
    return RecordList(labels()[key], headers, qs, _cells)


def _cells(case: RecruitmentCase) -> list[tuple[str, str | None]]:
    return [(case.name, reverse("recruitment:detail", args=[case.pk])), (case.org.name, None),
            (case.get_gender_display(), None), (f"{case.birth_date:%Y-%m-%d}", None),
            (f"{case.applied_on:%Y-%m-%d}", None), (case.get_stage_display(), None), (case.get_status_display(), None)]


register_statistics(NAME, count, labels, records)
