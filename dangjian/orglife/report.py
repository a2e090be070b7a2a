"""The compliance report (落实情况): for a subtree and a year, each organisation's meetings checked
against the rules in force, tallied up the tree; and the home page's summary of it. The rules it
applies are pure functions in rules.py; the scoped reads it builds on are in queries.py.

Set-based (docs/architecture.md, "集合查询"): the report runs a fixed handful of queries — the subtree's
organisations, member counts grouped by organisation, the rule rows, the custom type names, the marks
of the year's meetings grouped by organisation, the latest activity before the year — and evaluates
the pure rules in Python. The worded results of an organisation need its meetings: one more query,
for the organisations asked about or for the whole subtree. No count of queries depends on the number
of branches."""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce

from django.db import connections
from django.db.models import Case, CharField, Count, F, IntegerField, Max, Q, Value, When
from django.db.models.functions import Cast, ExtractMonth, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from dangjian.core.aggregates import JoinedText
from dangjian.core.collector import collector_paused
from dangjian.core.tree import PATH_STEP, ancestors_and_self
from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.choices import BRANCH_KINDS, SUB_BRANCH_KINDS, OrgKind
from dangjian.orgs.models import Organization

from . import conf, rules
from .choices import CUSTOM_PREFIX, FlagState, MeetingStatus, QuorumBase
from .models import COUNTED, CustomMeetingType, IntegrityFlag, Meeting, RuleSetting
from .queries import local_day_bounds, planned_meetings, year_bounds

SILENCE_KINDS = frozenset(BRANCH_KINDS | {OrgKind.GENERAL_BRANCH})  # 静默支部: branches, not groups or committees

# -- the compliance report ----------------------------------------------------------------------

class LazyResults(Mapping):
    """Organisation id → its results, evaluated when first asked for. The tallies come from the
    meetings' marks; the results need the meetings themselves, which are fetched on first use: those
    of the organisations named to ``load``, or else of the whole subtree (one query either way)."""

    def __init__(self, root: Organization, inputs: dict, year: int, today: dt.date, custom_names: dict[str, str]):
        self._root, self._inputs, self._done = root, inputs, {}
        self._meetings: dict[int, list[rules.MeetingFacts]] = {}
        self._loaded_all = False
        self._year, self._today, self._custom = year, today, custom_names

    def load(self, org_ids) -> None:
        """Fetch, in one query, the meetings of those of ``org_ids`` not fetched yet."""
        wanted = [pk for pk in org_ids if pk in self._inputs and pk not in self._meetings]
        if wanted and not self._loaded_all:
            self._meetings.update(self._meetings_of(wanted))

    def _meetings_of(self, org_ids: list[int]) -> dict[int, list[rules.MeetingFacts]]:
        fetched = _meeting_facts(self._root, self._year, org_ids)
        return {pk: fetched.get(pk, []) for pk in org_ids}

    def each(self, org_ids, *, batch: int = 500):
        """``(org id, results)`` for those of ``org_ids`` that are evaluated, in that order, without
        keeping them: the meetings are fetched a batch of organisations at a time (one query each) and
        let go with the batch, so a city's whole report is written out in bounded memory."""
        ids = [pk for pk in org_ids if pk in self._inputs]
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            meetings = self._meetings if self._loaded_all else self._meetings_of(chunk)
            for pk in chunk:
                if pk in self._done:
                    yield pk, self._done[pk]
                    continue
                org, org_rules = self._inputs[pk]
                yield pk, rules.evaluate_org(org, org_rules, meetings.get(pk, []), self._year, self._today,
                                             self._custom)

    def __getitem__(self, org_id: int) -> list[rules.Result]:
        if org_id not in self._done:
            org, org_rules = self._inputs[org_id]
            if org_id not in self._meetings and not self._loaded_all:
                self._meetings.update(_meeting_facts(self._root, self._year))
                self._loaded_all = True
            self._done[org_id] = rules.evaluate_org(org, org_rules, self._meetings.get(org_id, []), self._year,
                                                    self._today, self._custom)
        return self._done[org_id]

    def __iter__(self):
        return iter(self._inputs)

    def __len__(self) -> int:
        return len(self._inputs)

    def __contains__(self, org_id) -> bool:
        return org_id in self._inputs


class MonthCounts(Mapping):
    """Organisation id → month → meetings held, counted from the marks when first asked for (pages
    show a few rows)."""

    def __init__(self, by_combination: dict[int, list[list[int]]]):
        self._marks, self._done = by_combination, {}

    def __getitem__(self, org_id: int) -> dict[int, int]:
        if org_id not in self._done:
            self._done[org_id] = dict(Counter(value >> rules.MONTH_SHIFT
                                              for values in self._marks[org_id] for value in values))
        return self._done[org_id]

    def __iter__(self):
        return iter(self._marks)

    def __len__(self) -> int:
        return len(self._marks)

    def __contains__(self, org_id) -> bool:
        return org_id in self._marks


@dataclass
class Report:
    root: Organization
    year: int
    today: dt.date
    orgs: dict[int, rules.OrgFacts]
    results: LazyResults
    own_tallies: dict[str, rules.Tally]  # each organisation's own, by path
    tallies: dict[str, rules.Tally]  # rolled up, by path
    month_tallies: dict[str, dict[int, rules.Tally]]  # the root and its children, rolled up, by path then month
    root_months: dict[int, rules.Tally]  # the root's own, by month (本级)
    silences: dict[int, rules.Silence]
    meeting_counts: MonthCounts  # org id → month → meetings held
    custom_names: dict[str, str] = field(default_factory=dict)

    def children_of(self, org_id: int) -> list[rules.OrgFacts]:
        parent = self.orgs[org_id]
        depth = len(parent.path) + PATH_STEP
        return sorted((o for o in self.orgs.values() if len(o.path) == depth and o.path.startswith(parent.path)),
                      key=lambda o: o.path)

    def evaluated(self) -> list[rules.OrgFacts]:
        return [o for o in sorted(self.orgs.values(), key=lambda o: o.path) if o.id in self.results]

    def silent(self) -> list[tuple[rules.OrgFacts, rules.Silence]]:
        return [(self.orgs[i], s) for i, s in self.silences.items() if s.silent]

    def due(self, horizon_days: int = 45) -> list[rules.Due]:
        items = []
        for results in self.results.values():
            items.extend(rules.due_items(results, self.today, horizon_days))
        return sorted(items, key=lambda d: (not d.late, d.deadline, self.orgs[d.org_id].path))

    def label(self, code: str) -> str:
        return rules.type_label(code, self.custom_names)


def compliance_report(root: Organization, year: int, *, today: dt.date | None = None,
                      silences: bool = True) -> Report:
    """``silences=False``: without the branches that held nothing for months (a query back over the
    past year), for a caller that needs only the tallies (the 数据看板)."""
    with collector_paused():
        return _compliance_report(root, year, today=today, with_silences=silences)


def _compliance_report(root: Organization, year: int, *, today: dt.date | None = None,
                       with_silences: bool = True) -> Report:
    today = today or timezone.localdate()
    orgs = _org_facts(root)
    rule_rows = _rule_rows(root, year)
    custom_names = _custom_names(root)
    plans: dict[tuple[str, str], tuple[list[rules.Rule], tuple[rules.PlannedRule, ...]]] = {}
    marks_by_org, by_combination, last_this_year = _meeting_marks(root, year, today)
    last_held = _last_held(root, today, last_this_year if year == today.year else None) if with_silences else {}
    inputs: dict[int, tuple] = {}
    own_tallies: dict[str, rules.Tally] = {}
    silences: dict[int, rules.Silence] = {}
    # month counts gathered for the rows of the matrix: the root's own, and each child's subtree
    child_len = len(root.path) + PATH_STEP
    own_months = rules.new_months()
    subtree_months: dict[str, list] = {}
    for org in orgs.values():
        key = (org.kind, _owner_key(org.path, rule_rows))
        if key not in plans:
            org_rules = rules.resolve_rules(org.kind, org.path, rule_rows)
            plans[key] = (org_rules, rules.tally_plan(org_rules, year, today))
        org_rules, plan = plans[key]
        if not org_rules:
            continue
        inputs[org.id] = (org, org_rules)
        if org.path == root.path:
            months = own_months
        else:
            months = subtree_months.get(org.path[:child_len])
            if months is None:
                months = subtree_months[org.path[:child_len]] = rules.new_months()
        own_tallies[org.path] = rules.tally_marks(org, plan, marks_by_org.get(org.id, {}), months)
        if with_silences and org.kind in SILENCE_KINDS:
            silences[org.id] = rules.silence(last_held.get(org.id), today, org.founded_on, conf.silent_days())
    return Report(
        root=root, year=year, today=today, orgs=orgs, results=LazyResults(root, inputs, year, today, custom_names),
        own_tallies=own_tallies, tallies=rules.roll_up(own_tallies),
        month_tallies=_month_tallies(root.path, own_months, subtree_months), root_months=_as_tallies(own_months),
        silences=silences, meeting_counts=MonthCounts(by_combination), custom_names=custom_names,
    )


def _owner_key(path: str, rows: list[rules.RuleRow]) -> str:
    """Organisations with the same set of rule owners above them share resolved rules."""
    return "|".join(sorted({r.owner_path for r in rows if path.startswith(r.owner_path) and r.owner_path != path}))


def _as_tallies(months: list[list[int] | None]) -> dict[int, rules.Tally]:
    return {month: rules.month_tally(counts) for month, counts in enumerate(months) if counts is not None}


def _month_tallies(root_path: str, own: list, subtrees: dict[str, list]) -> dict[str, dict[int, rules.Tally]]:
    """Month tallies of each child of the root (the rows of the matrix) and of the root: its own
    and all its children's."""
    total = rules.new_months()
    for months in (own, *subtrees.values()):
        for month, counts in enumerate(months):
            if counts is not None:
                row = total[month]
                if row is None:
                    row = total[month] = [0, 0, 0, 0]
                for i, n in enumerate(counts):
                    row[i] += n
    tallies = {path: _as_tallies(months) for path, months in subtrees.items()}
    tallies[root_path] = _as_tallies(total)
    return tallies


def _org_facts(root: Organization) -> dict[int, rules.OrgFacts]:
    rows = _fetch(Organization.objects.filter(path__startswith=root.path)
                  .values_list("id", "name", "kind", "path", "founded_on", "parent_id").order_by())
    full = dict(_fetch(Member.objects.filter(org__path__startswith=root.path, status=PartyStatus.NORMAL,
                                             membership_type=MembershipType.FULL)
                       .values("org_id").annotate(n=Count("*")).order_by().values_list("org_id", "n")))
    kinds = {r[0]: r[2] for r in rows}
    totals = defaultdict(int)
    for org_id, n in full.items():
        totals[org_id] += n
    for org_id, _, kind, _, _, parent_id in rows:
        # a branch counts the members kept in its 党小组
        if kind in SUB_BRANCH_KINDS and parent_id in kinds and org_id in full:
            totals[parent_id] += full[org_id]
    return {
        org_id: rules.OrgFacts(id=org_id, name=name, kind=kind, path=path,
                               founded_on=None if founded is None else _as_date(founded),
                               full_members=totals.get(org_id, 0))
        for org_id, name, kind, path, founded, _ in rows
    }


def _rule_rows(root: Organization, year: int) -> list[rules.RuleRow]:
    qs = RuleSetting.objects.filter(
        Q(owner__path__in=ancestors_and_self(root.path)) | Q(owner__path__startswith=root.path), year=year
    ).values_list("owner__path", "org_kind", "meeting_type", "period", "min_count", "quorum_base",
                  "leave_excluded", "active")
    return [rules.RuleRow(path, kind, rules.Rule(mt, period, mc, qb, le), active)
            for path, kind, mt, period, mc, qb, le, active in qs]


def _custom_names(root: Organization) -> dict[str, str]:
    qs = CustomMeetingType.objects.filter(
        Q(org__path__in=ancestors_and_self(root.path)) | Q(org__path__startswith=root.path)
    ).values_list("id", "name")
    return {f"{CUSTOM_PREFIX}{pk}": name for pk, name in qs}


# -- marks from the database --------------------------------------------------------------------
# Who counts toward each quorum base: (expected, present, on leave), as rules.attendance reads them.
ATTENDANCE_FIELDS = {
    QuorumBase.VOTING.value: ("voting_expected", "voting_present", "voting_leave"),
    QuorumBase.COMMITTEE.value: ("committee_expected", "committee_present", "committee_leave"),
    QuorumBase.ALL.value: ("expected_count", "present_count", "leave_count"),
}


def _quorum_bits():
    """The quorum bits of ``rules.mark`` as an SQL expression over a meeting's attendance counts."""
    bits = []
    for (base, leave_excluded), bit in rules.QUORUM_BITS.items():
        expected, present, leave = (F(name) for name in ATTENDANCE_FIELDS[base])
        counted = expected - leave if leave_excluded else expected
        reached = Q(GreaterThan(counted, 0)) & Q(GreaterThan(present * 2, counted))
        bits.append(Case(When(reached, then=Value(bit)), default=Value(0)))
    return reduce(operator.add, bits)


def _mark():
    """``rules.mark`` computed by the database: the local month held, shifted, plus the quorum bits."""
    # EXTRACT gives a numeric on PostgreSQL, whose arithmetic is slow: made an integer first
    return Cast(ExtractMonth("held_at"), IntegerField()) * (1 << rules.MONTH_SHIFT) + _quorum_bits()


def _meeting_marks(root: Organization, year: int, today: dt.date) -> tuple[dict[int, dict[str, list[int]]],
                                                                         dict[int, list[list[int]]],
                                                                         dict[int, dt.date]]:
    """The subtree's meetings held in ``year`` as marks (``rules.mark``): by organisation then type
    (as ``rules.marks_by_type`` gives them), by organisation as one list per type combination (each
    meeting once, for counting), and each organisation's last meeting day up to ``today``.
    One query over the meeting table's covering index, grouped in the database by organisation
    and type combination: some 36,000 rows for a city's 200,000 meetings, where fetching the
    meetings themselves and grouping them in Python took most of the report's time. Planned
    meetings never count toward a quota: left out."""
    start, end = year_bounds(year)
    _, until = local_day_bounds(today, today)
    rows = (Meeting.objects.filter(org__path__startswith=root.path, held_at__gte=start, held_at__lt=end,
                                   status=MeetingStatus.HELD)
            .values("org_id", "type_codes").order_by()
            .annotate(marks=JoinedText(Cast(_mark(), CharField())),
                      last=TruncDate(Max("held_at", filter=Q(held_at__lt=until))))
            .values_list("org_id", "type_codes", "marks", "last"))
    by_type: dict[int, dict[str, list[int]]] = {}
    by_combination: dict[int, list[list[int]]] = defaultdict(list)
    last: dict[int, dt.date] = {}
    type_cache: dict[str, tuple[str, ...]] = {}
    for org_id, codes, joined, last_day in _fetch(rows):
        values = list(map(int, joined.split(";")))
        by_combination[org_id].append(values)
        types = type_cache.get(codes)
        if types is None:
            types = type_cache[codes] = tuple(codes.split(",")) if codes else ()
        marks = by_type.get(org_id)
        if marks is None:
            marks = by_type[org_id] = {}
        for meeting_type in types:
            marks[meeting_type] = marks[meeting_type] + values if meeting_type in marks else values
        if last_day is not None:
            day = _as_date(last_day)
            if org_id not in last or day > last[org_id]:
                last[org_id] = day
    return by_type, dict(by_combination), last


def _meeting_facts(root: Organization, year: int,
                   org_ids: list[int] | None = None) -> dict[int, list[rules.MeetingFacts]]:
    """The held meetings of ``year`` as MeetingFacts by organisation: of the subtree, or of ``org_ids``
    only. Read straight from the cursor over the covering index, each meeting's local date computed
    by the database (parsing 200,000 aware datetimes costs seconds)."""
    start, end = year_bounds(year)
    qs = Meeting.objects.filter(held_at__gte=start, held_at__lt=end, status=MeetingStatus.HELD)
    qs = qs.filter(org_id__in=org_ids) if org_ids is not None else qs.filter(org__path__startswith=root.path)
    rows = qs.annotate(day=TruncDate("held_at")).values_list("id", "org_id", "day", "type_codes", *COUNTED).order_by()
    by_org: dict[int, list[rules.MeetingFacts]] = defaultdict(list)
    kinds: dict[str, frozenset[str]] = {}
    for pk, org_id, day, codes, *counts in _fetch(rows):
        types = kinds.get(codes)
        if types is None:
            types = kinds[codes] = frozenset(codes.split(",")) if codes else frozenset()
        by_org[org_id].append(rules.MeetingFacts(pk, org_id, _as_date(day), types, False, *counts))
    return dict(by_org)


def _fetch(qs) -> list[tuple]:
    """The rows of a ``values_list`` query straight from the cursor: Django's per-row converters
    cost a second over a city's year. Dates come back as dates from PostgreSQL and as ISO text
    from SQLite, which the caller's ``_as_date`` accepts. Ask the database for local dates
    (TruncDate), not for datetimes: Django's loader of aware datetimes takes 10 µs a value."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _last_held(root: Organization, today: dt.date, this_year: dict[int, dt.date] | None) -> dict[int, dt.date]:
    """The last meeting held by each organisation up to ``today``, at most a year back. When the
    report is for the current year its last days are at hand; only earlier meetings are asked for."""
    last: dict[int, dt.date] = dict(this_year or {})
    until = today
    if this_year is not None:
        until = dt.date(today.year, 1, 1) - dt.timedelta(days=1)
    start, end = local_day_bounds(today - dt.timedelta(days=366), until)
    if start >= end:
        return last
    rows = (Meeting.objects.filter(org__path__startswith=root.path, status=MeetingStatus.HELD, held_at__gte=start,
                                   held_at__lt=end)
            .values("org_id").annotate(last=TruncDate(Max("held_at"))).order_by().values_list("org_id", "last"))
    for org_id, day in _fetch(rows):
        last.setdefault(org_id, _as_date(day))
    return last


def home_due(root: Organization, *, today: dt.date | None = None, limit: int = 10, horizon_days: int = 45) -> dict:
    """For the home page: what is late this year and what falls due next in ``root``'s subtree.
    Counts come from the tallies; only the organisations listed are evaluated in full."""
    report = compliance_report(root, (today or timezone.localdate()).year, today=today)
    total = report.tallies.get(root.path, rules.Tally())
    late, due = [], []
    pending = [org for org in report.evaluated() if _has_open_items(report.own_tallies[org.path])]
    batch = 2 * limit  # the organisations whose meetings are fetched at a time
    for i, org in enumerate(pending):
        if len(late) >= limit and len(due) >= limit:
            break
        if i % batch == 0:
            report.results.load([o.id for o in pending[i:i + batch]])
        for item in rules.due_items(report.results[org.id], report.today, horizon_days):
            (late if item.late else due).append(item)
    late.sort(key=lambda d: d.deadline, reverse=True)
    due.sort(key=lambda d: d.deadline)

    def described(rows):
        return [(d, report.orgs[d.org_id], report.label(d.meeting_type)) for d in rows[:limit]]

    return {
        "root": root, "year": report.year, "total": total,
        "late": described(late), "late_count": total.missing + total.quorum,
        "due": described(due), "due_count": total.not_due,
        "planned": planned_meetings(root, report.today, 5),
    }


def _has_open_items(tally: rules.Tally) -> bool:
    return bool(tally.missing or tally.quorum or tally.not_due)


# -- the integrity column -----------------------------------------------------------------------

@dataclass(frozen=True)
class FlagCounts:
    """Current flags (not cleared by a rescan, not judged unfounded) of a subtree's year."""

    open: int = 0
    confirmed: int = 0
    explained: int = 0

    @property
    def total(self) -> int:
        return self.open + self.confirmed + self.explained

    def __add__(self, other: FlagCounts) -> FlagCounts:
        return FlagCounts(self.open + other.open, self.confirmed + other.confirmed, self.explained + other.explained)


@dataclass
class FlagTotals:
    own: dict[str, FlagCounts]  # by organisation path: its own meetings' flags
    rolled: dict[str, FlagCounts]  # by organisation path: its subtree's

    def get(self, path: str, default: FlagCounts | None = None) -> FlagCounts:
        return self.rolled.get(path, default or FlagCounts())


def flag_counts(root: Organization, year: int) -> FlagTotals:
    """By organisation path, its own and rolled up over its subtree: one grouped query."""
    start, end = year_bounds(year)
    rows = (IntegrityFlag.objects.filter(meeting__org__path__startswith=root.path, meeting__held_at__gte=start,
                                         meeting__held_at__lt=end, cleared_at__isnull=True)
            .exclude(state=FlagState.DISMISSED).values("meeting__org__path", "state").annotate(n=Count("id"))
            .order_by().values_list("meeting__org__path", "state", "n"))
    own: dict[str, FlagCounts] = defaultdict(FlagCounts)
    rolled: dict[str, FlagCounts] = defaultdict(FlagCounts)
    for path, state, n in rows:
        counts = FlagCounts(**{state: n})
        own[path] = own[path] + counts
        for ancestor in ancestors_and_self(path):
            if ancestor.startswith(root.path):
                rolled[ancestor] = rolled[ancestor] + counts
    return FlagTotals(dict(own), dict(rolled))
