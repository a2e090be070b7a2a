"""What organisational life puts in people's 待办: meetings falling due this period or already
missed this year (one item per organisation and meeting type), and integrity checks to look at
(a notice per organisation, closed by its reader; a new finding opens a new one)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Max
from django.urls import reverse

from dangjian.inbox import actions as inbox
from dangjian.inbox.registry import feed
from dangjian.inbox.tasks import refresh_later
from dangjian.orgs.models import Organization

from . import queries, rules
from .models import IntegrityFlag
from .report import _has_open_items, compliance_report

DUE, FLAGS = "orglife.due", "orglife.flags"
HORIZON_DAYS = 30  # a period ending within a month is worth a 待办 item; further off, not yet
BATCH = 500


def _roots(org_ids) -> list[Organization]:
    if org_ids is None:
        return list(Organization.objects.filter(parent__isnull=True))
    return list(Organization.objects.filter(pk__in=org_ids))


@feed(DUE)
def meetings_due(today: dt.date, org_ids) -> list[inbox.Notice]:
    wanted = []
    for root in _roots(org_ids):
        report = compliance_report(root, today.year, today=today)
        pending = [o for o in report.evaluated() if (org_ids is None or o.id in org_ids)
                   and _has_open_items(report.own_tallies[o.path])]
        for start in range(0, len(pending), BATCH):
            report.results.load([o.id for o in pending[start:start + BATCH]])
            for org in pending[start:start + BATCH]:
                wanted += _org_due(org, rules.due_items(report.results[org.id], today, HORIZON_DAYS), report)
    return wanted


def _org_due(org, items: list[rules.Due], report) -> list[inbox.Notice]:
    by_type: dict[str, list[rules.Due]] = defaultdict(list)
    for item in items:
        by_type[item.meeting_type].append(item)
    out = []
    url = reverse("orglife:org_year", args=[org.id])
    for meeting_type, dues in by_type.items():
        label = report.label(meeting_type)
        late = [d for d in dues if d.late]
        upcoming = min((d.deadline for d in dues if not d.late), default=None)
        parts = []
        if late:
            parts.append(f"今年已有 {len(late)} 期未按要求召开")
        if upcoming:
            parts.append(f"本期须在 {upcoming:%Y-%m-%d} 前召开")
        out.append(inbox.Notice(key=f"{DUE}:{org.id}:{meeting_type}", org_id=org.id, url=url,
                                title=f"{label}：{'，'.join(parts)}", due_on=upcoming or late[-1].deadline,
                                body="；".join(d.reason for d in dues[:3] if d.reason)))
    return out


@feed(FLAGS)
def flags_to_look_at(today: dt.date, org_ids) -> list[inbox.Notice]:
    start, end = queries.year_bounds(today.year)
    flags = IntegrityFlag.objects.filter(meeting__held_at__gte=start, meeting__held_at__lt=end)
    if org_ids is not None:
        flags = flags.filter(meeting__org_id__in=org_ids)
    rows = flags.values("meeting__org_id").annotate(n=Count("pk"), last=Max("pk")).order_by()
    url = reverse("orglife:flags")
    return [
        inbox.Notice(key=f"{FLAGS}:{row['meeting__org_id']}:{row['last']}", org_id=row["meeting__org_id"], url=url,
                     title=f"有 {row['n']} 条组织生活核查提示待查看", is_notice=True,
                     body="核查提示只作提醒，不影响会议记录；请核实后按实际情况处理。")
        for row in rows
    ]



def after_meeting_saved(org_id: int) -> None:
    """A meeting recorded or changed: that organisation's items are brought up to date by the worker
    right after the change commits, rather than at tomorrow's scan (and not inside the request)."""
    refresh_later([DUE, FLAGS], org_ids=[org_id])
