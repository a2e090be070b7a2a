"""The figures of every organisation of a subtree on a day: the numbers the dashboard draws, the
snapshots freeze and the 党内统计 tables are filled from.

Set-based (docs/architecture.md「一个请求的流转」): a fixed handful of queries whatever the size of the
subtree — members grouped by (organisation, 人员类别) with one conditional count per column, member
records grouped by (organisation, 党籍状态), the organisations, the secretaries of the current terms,
the year's 党籍 changes, transfers and new members, the 三单 grouped by state, and the 组织生活
tallies of ``orglife.report`` — each organisation's own figures summed up the tree in Python
(``rules.roll_up``). Transfers are counted per subtree (a move inside a subtree is neither an
increase nor a decrease of it).

Members count from the day they joined (``joined_on`` ≤ the day), so a snapshot taken for a past
day leaves out later recruits; other records are taken as they stand.

A figure is an integer under a key; ``KEY@类别`` is the same figure for members of one 人员类别 (or
``KEY@单位类别`` for organisations and secretaries), which the tables cross with their rows. Keys
that are zero are left out. ``source_query`` gives the records behind a key."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from dangjian.core.registry import statistics_sources
from dangjian.core.tree import PATH_STEP
from dangjian.members.choices import (
    AGE_BANDS,
    PARTY_AGE_BANDS,
    SECRETARY_AGE_BANDS,
    Category,
    Education,
    FlowStatus,
    Gender,
    MembershipType,
    PartyStatus,
)
from dangjian.members.models import Member, StatusChange, Transfer
from dangjian.orglife.report import compliance_report
from dangjian.orgs.choices import SUB_BRANCH_KINDS, OrgKind, Post, UnitCategory
from dangjian.orgs.models import CommitteePost, Organization
from dangjian.orgs.stats import HAN, band_condition, under
from dangjian.worklists.choices import State
from dangjian.worklists.models import WorkItem
from dangjian.worklists.queries import overdue_q

from . import rules

NONE = "none"  # 未填写
VILLAGE_UNITS = (UnitCategory.VILLAGE, UnitCategory.COMMUNITY)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    condition: Q | None  # over normal members; None: all of them


def member_columns(day: dt.date) -> list[Column]:
    """Every counted figure of normal members (党籍状态「正常」), in display order."""
    cols = [Column("total", "党员总数", None)]
    cols += [Column(f"gender:{v}", label, Q(gender=v)) for v, label in Gender.choices]
    cols += [Column("minority", "少数民族", ~Q(ethnicity=HAN))]
    cols += [Column(f"type:{v}", label, Q(membership_type=v)) for v, label in MembershipType.choices]
    cols += [Column(f"age:{i}", label, band_condition("birth_date", low, high, day))
             for i, (label, low, high) in enumerate(AGE_BANDS)]
    cols += [Column(f"edu:{v}", label, Q(education=v)) for v, label in Education.choices]
    cols.append(Column(f"edu:{NONE}", "未填写", Q(education="")))
    cols += [Column(f"pa:{i}", label, band_condition("joined_on", low, high, day))
             for i, (label, low, high) in enumerate(PARTY_AGE_BANDS)]
    cols += [
        Column("lost_contact", "失联党员", Q(lost_contact=True)),
        Column("flow_out", "流出党员", Q(flow_status=FlowStatus.OUT)),
        Column("flow_in", "流入党员", Q(flow_status=FlowStatus.IN)),
        Column("hardship", "困难党员", Q(hardship=True)),
        Column("retired", "离退休党员", Q(retired=True)),
    ]
    return cols


DEVELOP = "dev"  # 发展党员: members who joined in the year, by the columns of ``develop_columns``


def develop_columns(day: dt.date) -> list[Column]:
    """The columns of the 发展党员 table: the year's new members by 性别, 民族, 年龄 (on ``day``) and 学历."""
    wanted = ("total", "gender:", "minority", "age:", "edu:")
    return [Column(f"{DEVELOP}:{c.key}", f"发展党员{c.label}" if c.key != "total" else "发展党员数", c.condition)
            for c in member_columns(day) if c.key.startswith(wanted)]


CATEGORIES = [(v, label) for v, label in Category.choices] + [(NONE, "未填写")]
CHANGES = [("develop", "发展党员"), ("transfer_in", "转入"), ("restore", "恢复党籍"),
           ("death", "死亡"), ("expel", "出党"), ("suspend", "停止党籍"), ("transfer_out", "转出")]
INCREASES = ["develop", "transfer_in", "restore"]
DECREASES = ["death", "expel", "suspend", "transfer_out"]
# status changes counted as a change of the ranks: (from, to) → key
STATUS_MOVES = {
    (PartyStatus.SUSPENDED, PartyStatus.NORMAL): "restore",
    (PartyStatus.NORMAL, PartyStatus.DECEASED): "death",
    (PartyStatus.NORMAL, PartyStatus.LEFT): "expel",
    (PartyStatus.NORMAL, PartyStatus.SUSPENDED): "suspend",
}


def labels(day: dt.date | None = None) -> dict[str, str]:
    """Chinese name of every figure key (without ``@`` parts)."""
    out = {c.key: c.label for c in member_columns(day or timezone.localdate())}
    out.update({f"status:{v}": f"党籍{label}" for v, label in PartyStatus.choices})
    out["org"] = "党组织数"
    out.update({f"kind:{v}": label for v, label in OrgKind.choices})
    out.update({f"unit:{v}": label for v, label in UnitCategory.choices})
    for prefix, who in (("sec", "书记"), ("vsec", "村(社区)书记")):
        out[prefix] = f"{who}人数"
        out.update({f"{prefix}_age:{i}": f"{who}{label}" for i, (label, _, _) in enumerate(SECRETARY_AGE_BANDS)})
        out.update({f"{prefix}_edu:{v}": f"{who}{label}" for v, label in Education.choices})
        out[f"{prefix}_edu:{NONE}"] = f"{who}学历未填写"
        out[f"{prefix}_head"] = f"{who}一肩挑"
    out["sec_needing"] = "应配书记的党组织"
    out["sec_vacant"] = "书记空缺"
    out.update({f"chg:{k}": label for k, label in CHANGES})
    out.update({c.key: c.label for c in develop_columns(day or timezone.localdate())})
    for source in statistics_sources():
        out.update(source.labels())
    out.update({"wl:open": "三单未销号", "wl:closed": "三单已销号", "wl:overdue": "三单超期",
                "ol:met": "组织生活已落实", "ol:owed": "组织生活应开展"})
    return out


def subtree_figures(root: Organization, day: dt.date | None = None, *, report=None,
                    children_only: bool = False) -> dict[str, dict]:
    """Path → figures over that organisation's subtree, for ``root`` and every organisation below
    (``children_only``: for ``root`` and its children, what the dashboard shows).
    ``report``: the 组织生活 compliance report of ``root`` for ``day``'s year, when the caller has it."""
    day = day or timezone.localdate()
    orgs = list(Organization.objects.filter(path__startswith=root.path)
                .values_list("pk", "path", "kind", "unit_category"))
    # the path each organisation's own figures are counted under: its own, or (children_only) that of
    # the child of root it lies in, so the biggest queries group by a dozen children, not every branch
    length = len(root.path) + PATH_STEP if children_only else None
    path_of = {pk: path[:length] for pk, path, _, _ in orgs}
    own: dict[str, dict[str, int]] = {path: defaultdict(int) for path in path_of.values()}
    for pk, _, kind, unit in orgs:
        figures = own[path_of[pk]]
        figures["org"] += 1
        figures[f"kind:{kind}"] += 1
        figures[f"unit:{unit or NONE}"] += 1
        figures[f"kind:{kind}@{unit or NONE}"] += 1
        if kind not in SUB_BRANCH_KINDS:
            figures["sec_needing"] += 1
    _count_members(root, day, path_of, own, length)
    _count_secretaries(root, day, path_of, own)
    _count_changes(root, day, path_of, own, length)
    _count_worklists(root, day, path_of, own)
    _count_registered(root, day, path_of, own)
    report = report or compliance_report(root, day.year, today=day, silences=False)
    for path, tally in report.own_tallies.items():
        if path[:length] in own:
            own[path[:length]]["ol:met"] += tally.met
            own[path[:length]]["ol:owed"] += tally.owed
    subtree = rules.roll_up(own, root.path)
    rules.add_moves(subtree, _transfers(root, day), root.path, "chg:transfer_in", "chg:transfer_out")
    for figures in subtree.values():
        vacant = figures.get("sec_needing", 0) - figures.pop("sec_orgs", 0)
        if vacant > 0:
            figures["sec_vacant"] = vacant
    return subtree


def _count_members(root, day, path_of, own, length: int | None = None) -> None:
    """One grouped query over every member record of the subtree, by (organisation, 人员类别, 党籍状态):
    the records per status, and the columns over the members of status 正常 who had joined by ``day``."""
    columns = member_columns(day)
    joined = Q(joined_on__lte=day)
    counts = {f"c{i}": Count("pk", filter=joined if c.condition is None else joined & c.condition)
              for i, c in enumerate(columns)}
    rows = _by_path(Member.objects.filter(under([root.path])), path_of, length, "category", "status")
    for path, category, status, n, *values in rows.annotate(n=Count("pk"), **counts):
        own[path][f"status:{status}"] += n
        if status == PartyStatus.NORMAL:
            _add_columns(own[path], columns, category, values)


def _by_path(members, path_of, length: int | None, *fields):
    """``members`` grouped by the path their figures are counted under (see ``subtree_figures``) and
    ``fields``, as ``values_list(path, *fields)`` to annotate: by organisation, or by the prefix of its path."""
    if length is None:
        return _PathRows(members.values_list("org_id", *fields).order_by(), path_of)
    return _PathRows(members.annotate(bucket=Substr("org__path", 1, length)).values_list("bucket", *fields)
                     .order_by(), None)


class _PathRows:
    """A grouped queryset whose first column is an organisation id (mapped to its path) or a path."""

    def __init__(self, qs, path_of):
        self.qs, self.path_of = qs, path_of

    def annotate(self, **counts):
        return _PathRows(self.qs.annotate(**counts), self.path_of)

    def __iter__(self):
        for first, *rest in self.qs:
            yield (first if self.path_of is None else self.path_of[first]), *rest


def _count_by_category(members, columns: list[Column], path_of, own, length: int | None = None) -> None:
    """One grouped query: ``members`` by (organisation, 人员类别), a conditional count per column."""
    counts = {f"c{i}": Count("pk", filter=c.condition) for i, c in enumerate(columns)}
    for path, category, *values in _by_path(members, path_of, length, "category").annotate(**counts):
        _add_columns(own[path], columns, category, values)


def _add_columns(figures, columns: list[Column], category: str, values) -> None:
    category = category or NONE
    for column, n in zip(columns, values, strict=True):
        if n:
            figures[column.key] += n
            figures[f"{column.key}@{category}"] += n


def _count_registered(root, day, path_of, own) -> None:
    """Figures other apps register (``core.registry.register_statistics``), each organisation's own."""
    for source in statistics_sources():
        for org_id, counted in source.count(root, day).items():
            path = path_of.get(org_id)
            if path is not None:
                for key, n in counted.items():
                    own[path][key] += n


def secretary_posts(paths: list[str]):
    return CommitteePost.objects.filter(under(paths, "term__org"), post=Post.SECRETARY, term__is_current=True,
                                        member__status=PartyStatus.NORMAL)


def _count_secretaries(root, day, path_of, own) -> None:
    rows = secretary_posts([root.path]).values_list(
        "term__org_id", "term__org__unit_category", "member__birth_date", "member__education", "concurrent_head")
    seen: set[int] = set()
    for org_id, unit, birth, education, head in rows:
        figures = own[path_of[org_id]]
        if org_id not in seen:
            seen.add(org_id)
            figures["sec_orgs"] += 1
        age = _age(birth, day)
        band = next(i for i, (_, low, high) in enumerate(SECRETARY_AGE_BANDS) if low <= age < high)
        keys = ["sec", f"sec_age:{band}", f"sec_edu:{education or NONE}"] + (["sec_head"] if head else [])
        if unit in VILLAGE_UNITS:
            keys += [f"v{k}" for k in keys]
            keys += [f"{k}@{unit}" for k in keys if k.startswith("vsec")]
        for key in keys:
            figures[key] += 1


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def year_range(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), day


def _count_changes(root, day, path_of, own, length: int | None = None) -> None:
    _count_by_category(Member.objects.filter(under([root.path]), joined_on__range=year_range(day)),
                       develop_columns(day), path_of, own, length)
    for figures in own.values():
        if figures.get(f"{DEVELOP}:total"):
            figures["chg:develop"] = figures[f"{DEVELOP}:total"]
    start, end = year_range(day)
    changes = (StatusChange.objects.filter(under([root.path], "member__org"), effective_on__range=(start, end))
               .values_list("member__org_id", "status_from", "status_to").annotate(n=Count("pk")).order_by())
    for org_id, status_from, status_to, n in changes:
        key = STATUS_MOVES.get((status_from, status_to))
        if key:
            own[path_of[org_id]][f"chg:{key}"] += n


def _transfers(root, day) -> list[tuple[str, str]]:
    start, end = year_range(day)
    return list(Transfer.objects.filter(under([root.path], "from_org") | under([root.path], "to_org"),
                                        transferred_on__range=(start, end))
                .values_list("from_org__path", "to_org__path"))


def _count_worklists(root, day, path_of, own) -> None:
    rows = (WorkItem.objects.filter(under([root.path])).values_list("org_id")
            .annotate(closed=Count("pk", filter=Q(state=State.CLOSED)), open=Count("pk", filter=~Q(state=State.CLOSED)),
                      late=Count("pk", filter=overdue_q(day))).order_by())
    for org_id, closed, opened, late in rows:
        figures = own[path_of[org_id]]
        figures["wl:closed"] += closed
        figures["wl:open"] += opened
        figures["wl:overdue"] += late


def orglife_report(root: Organization, day: dt.date):
    """The 组织生活 tallies the dashboard shows (not the silent branches, which it does not)."""
    return compliance_report(root, day.year, today=day, silences=False)


def monthly_orglife(root: Organization, report) -> list[dict]:
    """组织生活落实率 by month for ``root``'s subtree, from its compliance report."""
    months = report.month_tallies.get(root.path, {})
    return [{"month": m, "met": t.met, "owed": t.owed, "rate": rules.rate(t.met, t.owed)}
            for m, t in sorted(months.items()) if m >= 1]
