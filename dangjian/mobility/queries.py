"""Reads of 流动党员, always from ``restrict`` (``SYSTEM``, the daily 待办 scan, reads everything).
Lists and the subtree summary are set-based: one query for the outflows of a whole subtree with their
last reports and latest card, one for the inflows, then the pure rules in Python."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet

from dangjian.core.actors import SYSTEM
from dangjian.core.scoping import VIEW
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import rules
from .choices import OPEN, InflowStatus, OutflowStatus, ReportKind
from .models import ActivityCard, FlowReport, Inflow, Outflow


def outflows_for(user, action: str = VIEW) -> QuerySet[Outflow]:
    return Outflow.objects.all() if user is SYSTEM else Outflow.objects.restrict(user, action)


def inflows_for(user, action: str = VIEW) -> QuerySet[Inflow]:
    return Inflow.objects.all() if user is SYSTEM else Inflow.objects.restrict(user, action)


def reports_for(user, action: str = VIEW) -> QuerySet[FlowReport]:
    return FlowReport.objects.restrict(user, action)


def cards_for(user, action: str = VIEW) -> QuerySet[ActivityCard]:
    return ActivityCard.objects.restrict(user, action)


@dataclass
class Line:
    """An open outflow with what the rules say about it today."""

    outflow: Outflow
    last_yearly: dt.date | None
    last_contact: dt.date | None
    card_expires: dt.date | None
    transfer_due: bool = False
    report_overdue: bool = False
    silent: bool = False
    card: str = ""
    report_due_on: dt.date | None = None

    @property
    def flags(self) -> list[str]:
        out = []
        if self.outflow.status == OutflowStatus.LOST:
            out.append("已标记失联")
        elif self.silent:
            out.append("疑似失联")
        if self.report_overdue:
            out.append("年度报告逾期")
        if self.transfer_due:
            out.append("应转接组织关系")
        if self.card == rules.EXPIRED:
            out.append("活动证已过期")
        elif self.card == rules.EXPIRING:
            out.append("活动证即将到期")
        return out


def _annotated(qs: QuerySet[Outflow]) -> QuerySet[Outflow]:
    return qs.annotate(
        last_yearly=Max("reports__reported_on", filter=Q(reports__kind=ReportKind.YEARLY)),
        last_contact=Max("reports__reported_on"), card_expires=Max("cards__expires_on"))


def judge(outflow: Outflow, today: dt.date, rule_set: rules.RuleSet = rules.CURRENT) -> Line:
    line = Line(outflow, outflow.last_yearly, outflow.last_contact, outflow.card_expires)
    if outflow.status in OPEN:
        line.transfer_due = rules.transfer_due(outflow.left_on, today, rule_set)
        line.report_due_on = rules.report_due_on(outflow.left_on, line.last_yearly, rule_set)
        line.report_overdue = rules.report_overdue(outflow.left_on, line.last_yearly, today, rule_set)
        line.silent = rules.lost_contact(outflow.left_on, line.last_contact, today, rule_set)
        line.card = rules.card_state(line.card_expires, today, rule_set)
    return line


def line_for(outflow: Outflow, today: dt.date) -> Line:
    return judge(_annotated(Outflow.objects.filter(pk=outflow.pk)).get(), today)


def open_lines(user, path: str, today: dt.date) -> list[Line]:
    """Every open outflow (外出中、失去联系) in the subtree of ``path``, judged."""
    qs = (outflows_for(user).filter(org__path__startswith=path, status__in=OPEN)
          .select_related("member", "org", "receiving_org").order_by("org__path", "left_on", "id"))
    return [judge(o, today) for o in _annotated(qs)]


@dataclass
class Ledger:
    """流动党员台账 of a subtree: the open outflows judged, each one's current 活动证 (the card
    with the latest expiry), the active inflows and every ended outflow."""

    lines: list[Line]
    cards: dict[int, ActivityCard]
    inflows: list[Inflow]
    closed: list[Outflow]


def ledger(user, path: str, today: dt.date) -> Ledger:
    """Four queries whatever the size of the subtree."""
    lines = open_lines(user, path, today)
    cards: dict[int, ActivityCard] = {}
    for card in (cards_for(user).filter(outflow__org__path__startswith=path, outflow__status__in=OPEN)
                 .order_by("outflow_id", "expires_on", "id")):
        cards[card.outflow_id] = card  # the last one per outflow expires latest
    closed = list(outflows_for(user).filter(org__path__startswith=path).exclude(status__in=OPEN)
                  .select_related("member", "org").order_by("org__path", "-closed_on", "id"))
    return Ledger(lines, cards, list(active_inflows(user, path)), closed)


def closed_outflows(user, path: str, limit: int = 50) -> QuerySet[Outflow]:
    return (outflows_for(user).filter(org__path__startswith=path).exclude(status__in=OPEN)
            .select_related("member").order_by("-closed_on", "-id")[:limit])


def active_inflows(user, path: str) -> QuerySet[Inflow]:
    return (inflows_for(user).filter(org__path__startswith=path, status=InflowStatus.ACTIVE)
            .select_related("org", "member").order_by("org__path", "origin_place", "arrived_on"))


@dataclass
class Suggestion:
    org: Organization
    place: str
    count: int
    names: list[str]

    @property
    def parent_id(self) -> int:
        """Where the new branch would be set up: beside a branch (under its parent), or under a committee."""
        return self.org.parent_id if self.org.kind in BRANCH_KINDS and self.org.parent_id else self.org.pk


def group_suggestions(inflows) -> list[Suggestion]:
    """Where three or more active inflow members from one place take part in one organisation."""
    inflows = list(inflows)
    wanted = rules.group_suggestions((i.org_id, i.origin_place) for i in inflows)
    out = []
    for (org_id, place), count in sorted(wanted.items()):
        people = [i for i in inflows if i.org_id == org_id and rules.normalise_place(i.origin_place) == place]
        out.append(Suggestion(people[0].org, place, count, [i.name for i in people]))
    return out


@dataclass
class SummaryRow:
    org: Organization
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OutflowStatus.values, 0))
    report_overdue: int = 0
    transfer_due: int = 0
    silent: int = 0
    card_expiring: int = 0
    card_expired: int = 0
    inflows: int = 0
    suggestions: int = 0

    @property
    def open(self) -> int:
        return self.counts[OutflowStatus.AWAY] + self.counts[OutflowStatus.LOST]


def summary(user, root: Organization, today: dt.date) -> list[SummaryRow]:
    """The root and each of its direct children, each row counting its whole subtree: outflows by
    status, overdue reports, transfer reminders, suspected 失联, cards expiring or expired, active inflows
    and suggested branches. Four queries whatever the size of the subtree."""
    children = list(Organization.objects.filter(parent=root).order_by("path"))
    rows = [SummaryRow(root)] + [SummaryRow(c) for c in children]

    def rows_of(path: str) -> list[SummaryRow]:
        return [rows[0]] + [r for r in rows[1:] if path.startswith(r.org.path)]

    counts = (outflows_for(user).filter(org__path__startswith=root.path).order_by()
              .values_list("org__path", "status"))
    for path, status in counts:
        for row in rows_of(path):
            row.counts[status] += 1
    for line in open_lines(user, root.path, today):
        for row in rows_of(line.outflow.org.path):
            row.report_overdue += line.report_overdue
            row.transfer_due += line.transfer_due
            row.silent += line.silent and line.outflow.status == OutflowStatus.AWAY
            row.card_expiring += line.card == rules.EXPIRING
            row.card_expired += line.card == rules.EXPIRED
    inflows = list(active_inflows(user, root.path))
    for inflow in inflows:
        for row in rows_of(inflow.org.path):
            row.inflows += 1
    for suggestion in group_suggestions(inflows):
        for row in rows_of(suggestion.org.path):
            row.suggestions += 1
    return rows


def alerts(today: dt.date, org_ids=None) -> dict[int, list[Line]]:
    """Open outflows with something for their home branch to do, by branch (the 待办 scan)."""
    qs = Outflow.objects.filter(status__in=OPEN).select_related("member", "org")
    if org_ids is not None:
        qs = qs.filter(org_id__in=org_ids)
    out: dict[int, list[Line]] = defaultdict(list)
    for outflow in _annotated(qs.order_by("org_id", "left_on", "id")):
        line = judge(outflow, today)
        if line.flags:
            out[outflow.org_id].append(line)
    return out


def member_outflow(member) -> Outflow | None:
    """The member's own open outflow (我的信息), with its reports and cards."""
    return (Outflow.objects.filter(member=member, status__in=OPEN)
            .prefetch_related("reports", "cards").first())
