"""Reads of the dashboard: live figures (shared through core/summaries for large subtrees),
snapshots and their rows, and the records behind any figure. Every read of records starts from
``restrict(user, VIEW)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from dangjian.core.registry import statistics_source_of
from dangjian.core.scoping import VIEW
from dangjian.core.summaries import SUMMARY_MIN_ORGS, key_of, register_summary, subtree_size, summary_of
from dangjian.core.tree import PATH_STEP
from dangjian.members.choices import SECRETARY_AGE_BANDS, PartyStatus
from dangjian.members.models import Member, StatusChange, Transfer
from dangjian.orgs.models import CommitteePost, Organization
from dangjian.orgs.stats import band_condition, under
from dangjian.worklists.choices import State
from dangjian.worklists.models import WorkItem
from dangjian.worklists.queries import overdue_q

from . import figures as F
from . import tables
from .choices import SnapshotKind
from .models import Snapshot, SnapshotFigures
from .tables import ORG_KINDS

# -- live figures ------------------------------------------------------------------------------------

SUMMARY = "dashboard.figures"


def _compute(org: Organization, variant: str) -> dict:
    day = dt.date.fromisoformat(variant)
    report = F.orglife_report(org, day)
    return {"figures": F.subtree_figures(org, day, report=report, children_only=True),
            "months": F.monthly_orglife(org, report)}


def _variants() -> list[str]:
    return [timezone.localdate().isoformat()]


register_summary(SUMMARY, _compute, _variants)


def live(org: Organization, day: dt.date | None = None):
    """The figures of ``org`` and its children today, and the month-by-month 组织生活 rates: a
    ``core.summaries.Summary`` (computed live for a small subtree, shared from the cache for a large one)."""
    return summary_of(SUMMARY, org, (day or timezone.localdate()).isoformat())


def live_is_ready(org: Organization, day: dt.date | None = None) -> bool:
    """Whether ``live`` answers at once: a small subtree, or a large one whose summary the shared
    cache holds. The home page shows the figures only then, and otherwise a way into the dashboard,
    so the first visit of the day to the home page does not wait for a whole city to be counted."""
    if subtree_size(org) <= SUMMARY_MIN_ORGS:
        return True
    return cache.get(key_of(SUMMARY, org, (day or timezone.localdate()).isoformat())) is not None


def children(org: Organization) -> dict[str, Organization]:
    return {o.path: o for o in Organization.objects.filter(parent=org).order_by("path")}


# -- snapshots ---------------------------------------------------------------------------------------

def snapshots() -> QuerySet[Snapshot]:
    return Snapshot.objects.all()


def snapshot_rows(user, snapshot: Snapshot) -> QuerySet[SnapshotFigures]:
    return SnapshotFigures.objects.restrict(user, VIEW).filter(snapshot=snapshot)


def figures_in(user, snapshot: Snapshot | None, org: Organization) -> dict | None:
    """``org``'s figures in ``snapshot`` (by organisation, whatever its path then), or None."""
    if snapshot is None:
        return None
    row = snapshot_rows(user, snapshot).filter(org=org).values_list("figures", flat=True).first()
    return row


def year_end_before(day: dt.date) -> Snapshot | None:
    """The year-end snapshot of the year before ``day``'s."""
    return Snapshot.objects.filter(kind=SnapshotKind.YEAR_END, period_end=dt.date(day.year - 1, 12, 31)).first()


def trend(user, org: Organization, keys: list[str]) -> list[dict]:
    """``org``'s figures at every year end, oldest first."""
    rows = (SnapshotFigures.objects.restrict(user, VIEW)
            .filter(org=org, snapshot__kind=SnapshotKind.YEAR_END).order_by("snapshot__period_end")
            .values_list("snapshot__period_end", "figures"))
    return [{"year": end.year, **{k: figures.get(k, 0) for k in keys}} for end, figures in rows]


def child_rows(user, snapshot: Snapshot, org: Organization) -> list[tuple[str, str, dict]]:
    """(path, name, figures) of ``org`` and the organisations that were its children in ``snapshot``."""
    own = snapshot_rows(user, snapshot).filter(org=org).values_list("path", "name", "figures").first()
    if own is None:
        return []
    rows = (snapshot_rows(user, snapshot).filter(path__startswith=own[0])
            .alias(length=Length("path")).filter(length=len(own[0]) + PATH_STEP)
            .values_list("path", "name", "figures").order_by("path"))
    return [own, *rows]


# -- the records behind a figure ---------------------------------------------------------------------

@dataclass
class Sources:
    title: str
    kind: str  # member / org / secretary / status_change / transfer / item / registered
    rows: QuerySet
    headers: list[str] | None = None  # registered: the columns, and each record's cells
    cells: object = None


def sources(user, org: Organization, key: str, day: dt.date) -> Sources | None:
    """The records of ``org``'s subtree in ``user``'s scope that make up figure ``key`` on ``day``
    (ages against ``day``, changes in ``day``'s year up to ``day``), or None for a figure that is not
    a count of records (a rate, a vacancy)."""
    base, _, part = key.partition("@")
    part = "" if part == F.NONE else part
    label = F.labels(day).get(base, base)
    columns = {c.key: c for c in F.member_columns(day)}
    start, end = F.year_range(day)
    source = statistics_source_of(base)
    if source is not None:
        found = source.records(user, org, key, day)
        return None if found is None else Sources(found.title, "registered", found.rows, found.headers, found.cells)
    developed = {c.key: c for c in F.develop_columns(day)}
    if base in developed:
        qs = Member.objects.restrict(user, VIEW).filter(under([org.path]), joined_on__range=(start, end))
        if developed[base].condition is not None:
            qs = qs.filter(developed[base].condition)
        if "@" in key:
            qs = qs.filter(category=part)
        return Sources(label, "member", qs.select_related("org").order_by("org__path", "name"))
    if base in columns:
        qs = Member.objects.restrict(user, VIEW).filter(under([org.path]), status=PartyStatus.NORMAL,
                                                        joined_on__lte=day)
        if columns[base].condition is not None:
            qs = qs.filter(columns[base].condition)
        if "@" in key:
            qs = qs.filter(category=part)
        return Sources(label, "member", qs.select_related("org").order_by("org__path", "name"))
    if base.startswith("status:"):
        qs = Member.objects.restrict(user, VIEW).filter(under([org.path]), status=base[7:])
        return Sources(label, "member", qs.select_related("org").order_by("org__path", "name"))
    if base in ("org", "org_base") or base.startswith(("kind:", "unit:")):
        return Sources(label, "org", _orgs(user, org, base, key, part))
    if base.split("_")[0].split(":")[0] in ("sec", "vsec") and base not in ("sec_needing", "sec_vacant"):
        return Sources(label, "secretary", _secretaries(user, org, base, key, part, day))
    if base == "chg:develop":
        qs = Member.objects.restrict(user, VIEW).filter(under([org.path]), joined_on__range=(start, end))
        return Sources(label, "member", qs.select_related("org").order_by("org__path", "name"))
    moves = {v: k for k, v in F.STATUS_MOVES.items()}
    if base.startswith("chg:") and base[4:] in moves:
        status_from, status_to = moves[base[4:]]
        qs = (StatusChange.objects.restrict(user, VIEW)
              .filter(under([org.path], "member__org"), effective_on__range=(start, end),
                      status_from=status_from, status_to=status_to))
        return Sources(label, "status_change", qs.select_related("member__org"))
    if base in ("chg:transfer_in", "chg:transfer_out"):
        inside, outside = ("to_org", "from_org") if base == "chg:transfer_in" else ("from_org", "to_org")
        qs = (Transfer.objects.restrict(user, VIEW)
              .filter(under([org.path], inside), transferred_on__range=(start, end))
              .exclude(under([org.path], outside)))
        return Sources(label, "transfer", qs.select_related("member", "from_org", "to_org"))
    if base.startswith("wl:"):
        qs = WorkItem.objects.restrict(user, VIEW).filter(under([org.path]))
        condition = {"wl:open": ~Q(state=State.CLOSED), "wl:closed": Q(state=State.CLOSED),
                     "wl:overdue": overdue_q(day)}.get(base)
        if condition is None:
            return None
        return Sources(label, "item", qs.filter(condition).select_related("org").order_by("deadline", "id"))
    return None


def _orgs(user, org, base, key, part) -> QuerySet:
    qs = Organization.objects.restrict(user, VIEW).filter(path__startswith=org.path)
    if base == "org_base":
        qs = qs.filter(kind__in=[k.value for k in ORG_KINDS])
    elif base.startswith("kind:"):
        qs = qs.filter(kind=base[5:])
    elif base.startswith("unit:"):
        qs = qs.filter(unit_category="" if base[5:] == F.NONE else base[5:])
    if "@" in key:
        qs = qs.filter(unit_category=part)
    return qs.order_by("path")


def _secretaries(user, org, base, key, part, day) -> QuerySet:
    qs = CommitteePost.objects.restrict(user, VIEW) & F.secretary_posts([org.path])
    field, _, value = base.partition(":")
    if base.startswith("v"):
        qs = qs.filter(term__org__unit_category__in=F.VILLAGE_UNITS)
    if field.endswith("_age"):
        label, low, high = SECRETARY_AGE_BANDS[int(value)]
        qs = qs.filter(band_condition("member__birth_date", low, high, day))
    elif field.endswith("_edu"):
        qs = qs.filter(member__education="" if value == F.NONE else value)
    elif field.endswith("_head"):
        qs = qs.filter(concurrent_head=True)
    if "@" in key:
        qs = qs.filter(term__org__unit_category=part)
    return qs.select_related("member", "term__org").order_by("term__org__path")


def in_scope(user, org: Organization) -> bool:
    return Organization.objects.restrict(user, VIEW).filter(pk=org.pk).exists()


def path_ids(user, paths: list[str]) -> dict[str, int]:
    """Organisation ids by path, of those in ``user``'s scope (to link a table's rows)."""
    if not paths:
        return {}
    return dict(Organization.objects.restrict(user, VIEW).filter(path__in=paths).values_list("path", "pk"))


# -- 党内统计 tables -----------------------------------------------------------------------------------

def filled_tables(user, org: Organization, snapshot: Snapshot) -> list[tables.Filled]:
    """Every 党内统计 table of ``org`` filled from ``snapshot``; the changes table has a row for ``org``
    and each of its children then, its opening figures from the year-end snapshot before."""
    return [_filled(user, org, snapshot, t) for t in tables.TABLES]


def _filled(user, org: Organization, snapshot: Snapshot, table: tables.Table) -> tables.Filled:
    if not table.by_org:
        return tables.fill(table, figures_in(user, snapshot, org) or {})
    earlier = year_end_before(snapshot.period_end)
    opening = {path: f for path, _, f in child_rows(user, earlier, org)} if earlier else {}
    org_rows = [(tables.Row(name, org_path=path), {**figures, "opening": opening.get(path, {}).get("total", 0)})
                for path, name, figures in child_rows(user, snapshot, org)]
    return tables.fill(table, org_rows=org_rows)
