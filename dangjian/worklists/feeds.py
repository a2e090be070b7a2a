"""What the lists put in people's 待办: a 销号 request for the reviewing level (the responsible
organisation's parent), a returned item with its reason for the responsible organisation, and —
from the daily scan that replaces the reminder e-mail — overdue items (own, and escalated to the
level above) and 回头看 due."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.inbox import actions as inbox
from dangjian.inbox.registry import feed

from . import queries
from .choices import Transition

REVIEW, RETURNED, REMINDERS = "worklists.review", "worklists.returned", "worklists.reminders"
REMINDER_TITLES = [
    ("overdue", "本组织有 {n} 项清单事项已超期"),
    ("escalated", "下级有 {n} 项清单事项超期，请督办"),
    ("review_due", "有 {n} 项已销号事项到了回头看时间"),
]


def _url(item) -> str:
    return reverse("worklists:detail", args=[item.pk])


def after_transition(item, transition: str, reason: str) -> None:
    """Called by ``item_transition`` inside its transaction, after the item has moved."""
    review_key, returned_key = f"{REVIEW}:{item.pk}", f"{RETURNED}:{item.pk}"
    if transition == Transition.SUBMIT:
        inbox.resolve(key=returned_key, note="已重新申请销号")
        if item.org.parent_id:
            inbox.notify(key=review_key, source=REVIEW, org=item.org.parent, url=_url(item),
                         title=f"销号申请待审核：{item.title}",
                         body=f"{item.org.display_name}申请销号，请审核佐证材料后销号或退回整改。"
                              + (f"\n说明：{reason.strip()}" if reason.strip() else ""))
    elif transition in (Transition.APPROVE, Transition.REJECT):
        inbox.resolve(key=review_key, note="已销号" if transition == Transition.APPROVE else "已退回整改")
    if transition in (Transition.REJECT, Transition.REOPEN):
        what = "销号申请被退回" if transition == Transition.REJECT else "回头看要求重新整改"
        inbox.notify(key=returned_key, source=RETURNED, org=item.org, url=_url(item),
                     title=f"{what}：{item.title}", body=f"原因：{reason.strip()}", due_on=item.deadline)
    elif transition == Transition.APPROVE:
        inbox.resolve(key=returned_key, note="已销号")


@feed(REMINDERS)
def reminders(today: dt.date, org_ids) -> list[inbox.Notice]:
    """The daily reminders, as one summary item per organisation and kind (overdue, overdue below,
    回头看 due): the lists themselves are a click away."""
    link = reverse("worklists:list")
    wanted = []
    for org_id, entry in queries.reminders_by_org(today=today).items():
        if org_ids is not None and org_id not in org_ids:
            continue
        for kind, title in REMINDER_TITLES:
            items = entry[kind]
            if items:
                names = "、".join(i.title[:30] for i in items[:5]) + ("等" if len(items) > 5 else "")
                wanted.append(inbox.Notice(key=f"{REMINDERS}:{kind}:{org_id}", org_id=org_id, url=link,
                                           title=title.format(n=len(items)), body=names))
    return wanted
