"""What 发展党员 puts in the 待办 inbox: from the daily scan, one item per branch listing the cases
whose next date (谈话, 考察, 审批, 转正) falls in the next 30 days or has passed. The scan reads one
query over the cases, whatever the number of branches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from dangjian.inbox import actions as inbox
from dangjian.inbox.registry import feed

from .models import RecruitmentCase
from .queries import DUE_WINDOW_DAYS

DUE = "recruitment.due"


@feed(DUE)
def due_cases(today: dt.date, org_ids) -> list[inbox.Notice]:
    qs = RecruitmentCase.objects.filter(next_due_on__lte=today + dt.timedelta(days=DUE_WINDOW_DAYS))
    if org_ids is not None:
        qs = qs.filter(org_id__in=org_ids)
    by_org: dict[int, list] = defaultdict(list)
    for org_id, name, due_on, label in qs.order_by("org_id", "next_due_on").values_list(
            "org_id", "name", "next_due_on", "next_due_label"):
        by_org[org_id].append((name, due_on, label))
    link = reverse("recruitment:pipeline")
    wanted = []
    for org_id, cases in by_org.items():
        overdue = sum(1 for _, due_on, _ in cases if due_on < today)
        title = f"发展党员：{len(cases)} 人有{DUE_WINDOW_DAYS}日内到期的步骤"
        if overdue:
            title += f"（{overdue} 人已超期）"
        body = "\n".join(f"{name}：{label}，期限 {due_on:%Y-%m-%d}" for name, due_on, label in cases[:20])
        wanted.append(inbox.Notice(key=f"{DUE}:{org_id}", org_id=org_id, url=f"{link}?org={org_id}&show=due",
                                   title=title, body=body, due_on=min(d for _, d, _ in cases)))
    return wanted
