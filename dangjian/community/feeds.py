"""What 双报到 puts in the community's 待办 (one item per community and kind of work): report requests
waiting to be accepted, service records waiting to be confirmed, and — from 1 December to 31 January
— the yearly feedback still owed on accepted reporters (docs/community.md)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangjian.inbox import actions as inbox
from dangjian.inbox.registry import feed
from dangjian.inbox.tasks import refresh_later

from . import queries, rules

REQUESTS = "community.requests"
RECORDS = "community.records"
FEEDBACK = "community.feedback"


def _page(org_id: int) -> str:
    return reverse("community:org", args=[org_id])


@feed(REQUESTS)
def requests(today: dt.date, org_ids) -> list[inbox.Notice]:
    pending = queries.pending_by_community(org_ids)["requests"]
    return [inbox.Notice(key=f"{REQUESTS}:{org_id}", org_id=org_id, url=_page(org_id),
                         title=f"{n} 名党员申请到本村（社区）报到，请接收或说明不接收的原因")
            for org_id, n in pending.items()]


@feed(RECORDS)
def records(today: dt.date, org_ids) -> list[inbox.Notice]:
    pending = queries.pending_by_community(org_ids)["records"]
    return [inbox.Notice(key=f"{RECORDS}:{org_id}", org_id=org_id, url=_page(org_id),
                         title=f"{n} 条报到党员的服务记录待确认")
            for org_id, n in pending.items()]


@feed(FEEDBACK)
def feedback(today: dt.date, org_ids) -> list[inbox.Notice]:
    year = rules.feedback_year(today)
    if year is None:
        return []
    due = dt.date(year + 1, *rules.FEEDBACK_GRACE_UNTIL)
    return [inbox.Notice(key=f"{FEEDBACK}:{year}:{org_id}", org_id=org_id, url=_page(org_id), due_on=due,
                         title=f"请向 {n} 名报到党员所在支部反馈 {year} 年度表现")
            for org_id, n in queries.feedback_missing(year, org_ids).items()]


def after_change(org_id: int) -> None:
    """A request, record or feedback changed: the community's items are brought up to date by the
    worker right after the change commits."""
    refresh_later([REQUESTS, RECORDS, FEEDBACK], org_ids=[org_id])
