"""What 党费 puts in people's 待办: a branch with members 6 consecutive months unpaid without reason
(党章第九条：连续六个月不交纳党费 — 自行脱党). The platform only tells the branch; it never acts."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.inbox import actions as inbox
from dangjian.inbox.registry import feed

from . import queries

LAPSE = "dues.lapse"


@feed(LAPSE)
def lapse(today: dt.date, org_ids) -> list[inbox.Notice]:
    wanted = []
    for org_id, lines in queries.lapse_candidates(today, org_ids).items():
        names = "、".join(f"{line.member.name}（{len(line.run)} 个月）" for line in lines[:10])
        wanted.append(inbox.Notice(
            key=f"{LAPSE}:{org_id}", org_id=org_id, url=reverse("dues:arrears", args=[org_id]),
            title=f"{len(lines)} 名党员连续 6 个月以上未交纳党费，请支部了解情况并按党章规定处理",
            body=f"{names}{'等' if len(lines) > 10 else ''}。有正当理由的，请登记上级批准的减免；平台不自动处理。"))
    return wanted
