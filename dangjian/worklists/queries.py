"""Reads of the lists, always through ``restrict``: the pages, the export, the API and the
reminders share these. Reports are set-based: one grouped query over the subtree, rolled up to
every ancestor in Python by path prefix — never a query per organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import Position
from dangjian.core.scoping import VIEW, readable
from dangjian.core.shortcuts import parse_id
from dangjian.core.tree import ancestors_and_self
from dangjian.orgs.models import Organization

from . import rules
from .choices import DUE_SOON_DAYS, Kind, Priority, Source, State
from .models import WorkItem

MINE, ORG, SUBTREE = "mine", "org", "all"
SCOPES = {MINE: "我的事项", ORG: "本组织", SUBTREE: "全部下辖"}


def items_for(user, action: str = VIEW) -> QuerySet[WorkItem]:
    return WorkItem.objects.restrict(user, action).select_related("org")


def overdue_q(today: dt.date) -> Q:
    return Q(deadline__lt=today) & ~Q(state=State.CLOSED)


def due_soon_q(today: dt.date, days: int = DUE_SOON_DAYS) -> Q:
    return Q(deadline__gte=today, deadline__lte=today + dt.timedelta(days=days)) & ~Q(state=State.CLOSED)


def review_due_q(today: dt.date) -> Q:
    return Q(state=State.CLOSED, review_due_on__lte=today)


@dataclass
class ItemFilter:
    """Filters of the item list; empty values mean "no filter". Unknown values are ignored."""

    scope: str = SUBTREE  # mine / org / all
    q: str = ""
    kind: str = ""
    state: str = ""
    source: str = ""
    priority: int | None = None
    org: int | None = None  # that organisation and everything below
    overdue: bool = False
    due_soon: bool = False
    review_due: bool = False
    document: int | None = None

    @classmethod
    def from_mapping(cls, data) -> ItemFilter:
        out = cls()
        for f in fields(cls):
            raw = data.get(f.name)
            if raw in (None, ""):
                continue
            raw = str(raw).strip()[:100]
            if f.name in ("org", "document", "priority"):
                setattr(out, f.name, parse_id(raw))
            elif f.type == "bool":
                setattr(out, f.name, raw.lower() in {"1", "true", "yes", "on", "是"})
            else:
                setattr(out, f.name, raw)
        if out.scope not in SCOPES:
            out.scope = SUBTREE
        return out


def my_org_ids(user) -> list[int]:
    return list(Position.objects.filter(user=user).values_list("org_id", flat=True))


def filter_items(qs: QuerySet[WorkItem], flt: ItemFilter, *, user, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    if flt.scope == MINE:
        org_ids = my_org_ids(user)
        qs = qs.filter(Q(persons=user) | Q(org_id__in=org_ids) | Q(orgs__in=org_ids)).distinct()
    elif flt.scope == ORG:
        qs = qs.filter(org_id__in=my_org_ids(user))
    if flt.q:
        qs = qs.filter(Q(title__contains=flt.q) | Q(description__contains=flt.q) | Q(person_names__contains=flt.q))
    for name, allowed in (("kind", Kind.values), ("state", State.values), ("source", Source.values)):
        value = getattr(flt, name)
        if value:
            qs = qs.filter(**{name: value}) if value in allowed else qs.none()
    if flt.priority:
        qs = qs.filter(priority=flt.priority) if flt.priority in Priority.values else qs.none()
    if flt.org:
        path = Organization.objects.filter(pk=flt.org).values_list("path", flat=True).first()
        qs = qs.filter(org__path__startswith=path) if path else qs.none()
    if flt.document:
        qs = qs.filter(document_id=flt.document)
    if flt.overdue:
        qs = qs.filter(overdue_q(today))
    if flt.due_soon:
        qs = qs.filter(due_soon_q(today))
    if flt.review_due:
        qs = qs.filter(review_due_q(today))
    return qs


def state_counts(qs: QuerySet[WorkItem], today: dt.date | None = None) -> dict:
    """Counts by state, and overdue, in one query grouped by state over ``qs``. DISTINCT only where
    a join to a many-to-many table (the "mine" scope) can repeat rows."""
    today = today or timezone.localdate()
    distinct = bool(qs.query.distinct)
    rows = (qs.order_by().values("state")
            .annotate(n=Count("pk", distinct=distinct), late=Count("pk", filter=overdue_q(today), distinct=distinct))
            .values_list("state", "n", "late"))
    by_state = {state: 0 for state in State.values}
    overdue = 0
    for state, n, late in rows:
        by_state[state] = by_state.get(state, 0) + n
        overdue += late
    total = sum(by_state.values())
    return {
        "total": total, "overdue": overdue,
        "by_state": [(s, label, by_state[s]) for s, label in State.choices],
        "close_rate": rules.close_rate(by_state[State.CLOSED], total),
    }


# -- roll-up ---------------------------------------------------------------------------------------

@dataclass
class RollupRow:
    org_id: int
    name: str
    path: str
    level: int  # 0 for the root of the report
    total: int = 0
    closed: int = 0
    overdue: int = 0
    requested: int = 0
    children: int = 0

    @property
    def close_rate(self) -> float | None:
        return rules.close_rate(self.closed, self.total)


def rollup(user, root: Organization, *, depth: int = 1, today: dt.date | None = None) -> list[RollupRow]:
    """销号率 and 超期 for ``root`` and the organisations ``depth`` levels below it, each counting
    its whole subtree. Two queries whatever the size of the tree: the organisations shown, and the
    items grouped by owning organisation path."""
    today = today or timezone.localdate()
    orgs = (Organization.objects.restrict(user).filter(path__startswith=root.path, depth__lte=root.depth + depth)
            .annotate(n_children=Count("children")).order_by("path").values("id", "name", "short_name", "path",
                                                                          "depth", "n_children"))
    rows = {o["path"]: RollupRow(o["id"], o["short_name"] or o["name"], o["path"], o["depth"] - root.depth,
                                 children=o["n_children"]) for o in orgs}
    grouped = (
        items_for(user).filter(org__path__startswith=root.path).order_by().values("org__path")
        .annotate(total=Count("pk"), closed=Count("pk", filter=Q(state=State.CLOSED)),
                  overdue=Count("pk", filter=overdue_q(today)), requested=Count("pk", filter=Q(state=State.REQUESTED)))
        .values_list("org__path", "total", "closed", "overdue", "requested")
    )
    for path, total, closed, overdue, requested in grouped:
        for prefix in ancestors_and_self(path, from_length=len(root.path)):
            row = rows.get(prefix)
            if row is not None:
                row.total += total
                row.closed += closed
                row.overdue += overdue
                row.requested += requested
    return list(rows.values())


# -- reminders -------------------------------------------------------------------------------------

@dataclass
class Reminders:
    due_soon: list
    overdue: list  # the org's own overdue items and, escalated, those of the organisations below
    review_due: list
    counts: dict

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


REMINDER_LIMIT = 10


def reminders_for(user, org: Organization, *, today: dt.date | None = None, limit: int = REMINDER_LIMIT
                  ) -> Reminders:
    """What the holder of a position in ``org`` should look at today: items of the subtree due within
    7 days, overdue (items of lower levels escalate here), and closed items whose 回头看 is due.
    Four queries whatever the subtree's size. ``user`` may be ``SYSTEM`` (the home page's shared
    summary of a subtree, which every holder of a position there sees whole)."""
    today = today or timezone.localdate()
    base = readable(WorkItem.objects.select_related("org"), user).filter(org__path__startswith=org.path)
    counts = base.order_by().aggregate(
        due_soon=Count("pk", filter=due_soon_q(today)), overdue=Count("pk", filter=overdue_q(today)),
        review_due=Count("pk", filter=review_due_q(today)),
    )
    return Reminders(
        due_soon=list(base.filter(due_soon_q(today)).order_by("deadline", "id")[:limit]),
        overdue=list(base.filter(overdue_q(today)).order_by("deadline", "id")[:limit]),
        review_due=list(base.filter(review_due_q(today)).order_by("review_due_on", "id")[:limit]),
        counts=counts,
    )


def reminders_by_org(*, today: dt.date | None = None, root: Organization | None = None) -> dict[int, dict]:
    """For the daily command: per organisation, its own due-soon and overdue items, the overdue
    items of its direct children (escalated), and the 回头看 due on its children's closed items
    (the level above reviews). Three queries over the whole tree (or ``root``'s subtree)."""
    today = today or timezone.localdate()
    qs = WorkItem.objects.select_related("org", "org__parent")
    if root is not None:
        qs = qs.filter(org__path__startswith=root.path)
    out: dict[int, dict] = {}

    def slot(org):
        return out.setdefault(org.pk, {"org": org, "due_soon": [], "overdue": [], "escalated": [], "review_due": []})

    for item in qs.filter(due_soon_q(today)).order_by("deadline", "id"):
        slot(item.org)["due_soon"].append(item)
    for item in qs.filter(overdue_q(today)).order_by("deadline", "id"):
        slot(item.org)["overdue"].append(item)
        if item.org.parent_id:
            slot(item.org.parent)["escalated"].append(item)
    for item in qs.filter(review_due_q(today)).order_by("review_due_on", "id"):
        slot(item.org.parent if item.org.parent_id else item.org)["review_due"].append(item)
    return out
