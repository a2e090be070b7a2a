"""What 流动党员 puts in the home branch's 待办: members away 6 months or more (transfer the
relationship), yearly reports overdue, 活动证 expiring within 30 days or expired, and members not heard
from for the silence the rules set (疑似失联). One item per branch and kind; the platform only tells."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.inbox import actions as inbox
from dangjian.inbox.registry import feed

from . import queries, rules
from .choices import OutflowStatus

TRANSFER = "mobility.transfer"
REPORT = "mobility.report"
CARD = "mobility.card"
SILENT = "mobility.silent"

KINDS = {
    TRANSFER: (lambda line: line.transfer_due,
               "{n} 名流动党员外出已满 6 个月，请提醒转接组织关系"),
    REPORT: (lambda line: line.report_overdue,
             "{n} 名流动党员超过一年未向支部报告"),
    CARD: (lambda line: bool(line.card),
           "{n} 名流动党员的活动证已过期或 30 天内到期"),
    SILENT: (lambda line: line.silent and line.outflow.status == OutflowStatus.AWAY,
             f"{{n}} 名流动党员 {rules.CURRENT.silence_months} 个月以上没有报告或联系，疑似失联，请查找"),
}


def _notices(name: str, today: dt.date, org_ids) -> list[inbox.Notice]:
    wanted_if, title = KINDS[name]
    out = []
    for org_id, lines in queries.alerts(today, org_ids).items():
        hits = [line for line in lines if wanted_if(line)]
        if hits:
            names = "、".join(line.outflow.member.name for line in hits[:10])
            out.append(inbox.Notice(key=f"{name}:{org_id}", org_id=org_id, title=title.format(n=len(hits)),
                                    url=reverse("mobility:branch", args=[org_id]),
                                    body=f"{names}{'等' if len(hits) > 10 else ''}。"))
    return out


for _name in KINDS:
    feed(_name)(lambda today, org_ids, _name=_name: _notices(_name, today, org_ids))
