"""Reads of organisational life, always scoped; the compliance report for a subtree.

Set-based (DESIGN.md §3): the report runs a fixed handful of queries — the subtree's organisations,
member counts grouped by organisation, the rule rows, the meetings of the year joined with their
type links, the latest activity per organisation, the custom type names — and evaluates the pure
rules in Python. The number of queries does not depend on the number of branches."""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter, defaultdict
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from dangjian.core.scoping import VIEW
from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.choices import BRANCH_KINDS, SUB_BRANCH_KINDS, OrgKind
from dangjian.orgs.models import CommitteePost, Organization

from . import conf, rules
from .choices import CUSTOM_PREFIX, MeetingStatus, MeetingType, QuorumBase
from .models import COUNTED, CustomMeetingType, Meeting, RuleSetting

SILENCE_KINDS = frozenset(BRANCH_KINDS | {OrgKind.GENERAL_BRANCH})  # 静默支部: branches, not groups or committees


def meetings_for(user, action: str = VIEW):
    return Meeting.objects.restrict(user, action).select_related("org")


def local_day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes from the start of ``start`` to the start of the day after ``end``."""
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return local_day_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


# -- rosters ------------------------------------------------------------------------------------

def roster(org: Organization):
    """Members who are expected at ``org``'s meetings: normal members in it or in its 党小组."""
    # ids first: an OR across the join would scan every member
    groups = list(Organization.objects.filter(parent=org, kind__in=SUB_BRANCH_KINDS).values_list("id", flat=True))
    return (Member.objects.filter(org_id__in=[org.pk, *groups], status=PartyStatus.NORMAL)
            .select_related("org").order_by("org__path", "name", "id"))


def committee_member_ids(org: Organization) -> set[int]:
    return set(CommitteePost.objects.filter(term__org=org, term__is_current=True).values_list("member_id", flat=True))


def custom_types_for(org: Organization):
    """Custom types usable by ``org``: those added by it or by an organisation above it."""
    return CustomMeetingType.objects.filter(org__path__in=rules.ancestors_and_self(org.path)).order_by("name")


def type_choices(org: Organization | None) -> list[tuple[str, str]]:
    choices = list(MeetingType.choices)
    if org is not None:
        choices += [(t.code, t.name) for t in custom_types_for(org)]
    return choices


# -- the compliance report ----------------------------------------------------------------------

class LazyResults(Mapping):
    """Organisation id → its results, evaluated when first asked for. The tallies are computed
    up front without results; pages over a whole city read the results of few organisations."""

    def __init__(self, inputs: dict, year: int, today: dt.date, custom_names: dict[str, str]):
        self._inputs, self._done = inputs, {}
        self._year, self._today, self._custom = year, today, custom_names

    def __getitem__(self, org_id: int) -> list[rules.Result]:
        if org_id not in self._done:
            org, org_rules, meetings = self._inputs[org_id]
            self._done[org_id] = rules.evaluate_org(org, org_rules, as_facts(meetings), self._year, self._today,
                                                    self._custom)
        return self._done[org_id]

    def __iter__(self):
        return iter(self._inputs)

    def __len__(self) -> int:
        return len(self._inputs)

    def __contains__(self, org_id) -> bool:
        return org_id in self._inputs


class MonthCounts(Mapping):
    """Organisation id → month → meetings held, counted when first asked for (pages show a few rows)."""

    def __init__(self, by_org: dict[int, list[rules.MeetingFacts]]):
        self._by_org, self._done = by_org, {}

    def __getitem__(self, org_id: int) -> dict[int, int]:
        if org_id not in self._done:
            self._done[org_id] = dict(Counter(m[2].month for m in self._by_org[org_id]))  # held_on
        return self._done[org_id]

    def __iter__(self):
        return iter(self._by_org)

    def __len__(self) -> int:
        return len(self._by_org)

    def __contains__(self, org_id) -> bool:
        return org_id in self._by_org


@dataclass
class Report:
    root: Organization
    year: int
    today: dt.date
    orgs: dict[int, rules.OrgFacts]
    results: LazyResults
    own_tallies: dict[str, rules.Tally]  # each organisation's own, by path
    tallies: dict[str, rules.Tally]  # rolled up, by path
    month_tallies: dict[str, dict[int, rules.Tally]]  # rolled up, by path then month
    silences: dict[int, rules.Silence]
    meeting_counts: MonthCounts  # org id → month → meetings held
    custom_names: dict[str, str] = field(default_factory=dict)

    def children_of(self, org_id: int) -> list[rules.OrgFacts]:
        parent = self.orgs[org_id]
        depth = len(parent.path) + rules.PATH_STEP
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

    def months_of(self, org_id: int) -> dict[int, rules.Tally]:
        """One organisation's own tallies by month (the matrix row of the root itself)."""
        org, org_rules, meetings = self.results._inputs[org_id]
        return rules.tally_org(org, org_rules, as_facts(meetings), self.year, self.today)[1]

    def label(self, code: str) -> str:
        return rules.type_label(code, self.custom_names)


@contextmanager
def _collector_paused():
    """The report makes some 200,000 small tuples at once; Python's cyclic collector would walk them
    again and again meanwhile (about a third of the report's CPU) though none can form a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compliance_report(root: Organization, year: int, *, today: dt.date | None = None) -> Report:
    with _collector_paused():
        return _compliance_report(root, year, today=today)


def _compliance_report(root: Organization, year: int, *, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    orgs = _org_facts(root)
    rule_rows = _rule_rows(root, year)
    custom_names = _custom_names(root)
    rule_cache: dict[tuple[str, str], list[rules.Rule]] = {}
    for org in orgs.values():
        key = (org.kind, _owner_key(org.path, rule_rows))
        if key not in rule_cache:
            rule_cache[key] = rules.resolve_rules(org.kind, org.path, rule_rows)
    quorum_types = {r.meeting_type for rs in rule_cache.values() for r in rs if r.quorum_base != QuorumBase.NONE}
    by_org, by_org_type = _meeting_facts(root, year, quorum_types)
    last_held = _last_held(root, today, by_org if year == today.year else None)
    inputs: dict[int, tuple] = {}
    own_tallies: dict[str, rules.Tally] = {}
    own_months: dict[str, dict[int, rules.Tally]] = {}
    silences: dict[int, rules.Silence] = {}
    for org in orgs.values():
        org_rules = rule_cache[(org.kind, _owner_key(org.path, rule_rows))]
        if not org_rules:
            continue
        meetings_of_org = by_org.get(org.id, [])
        inputs[org.id] = (org, org_rules, meetings_of_org)
        own_tallies[org.path], own_months[org.path] = rules.tally_grouped(
            org, org_rules, by_org_type.get(org.id, {}), year, today)
        if org.kind in SILENCE_KINDS:
            silences[org.id] = rules.silence(last_held.get(org.id), today, org.founded_on, conf.silent_days())
    return Report(
        root=root, year=year, today=today, orgs=orgs, results=LazyResults(inputs, year, today, custom_names),
        own_tallies=own_tallies, tallies=rules.roll_up(own_tallies),
        month_tallies=_roll_up_months(own_months, root.path), silences=silences,
        meeting_counts=MonthCounts(by_org), custom_names=custom_names,
    )


def _owner_key(path: str, rows: list[rules.RuleRow]) -> str:
    """Organisations with the same set of rule owners above them share resolved rules."""
    return "|".join(sorted({r.owner_path for r in rows if path.startswith(r.owner_path) and r.owner_path != path}))


def _roll_up_months(own: dict[str, dict[int, rules.Tally]], root_path: str) -> dict[str, dict[int, rules.Tally]]:
    """Month tallies of each child of the root (the rows of the matrix), and of the root: the sum
    of its children's and its own. Summed as plain lists, made Tallies at the end."""
    child_len = len(root_path) + rules.PATH_STEP
    sums: dict[str, dict[int, list[int]]] = {}
    for path, months in own.items():
        target = sums.get(path[:child_len])
        if target is None:
            target = sums[path[:child_len]] = {}
        for month, tally in months.items():
            row = target.get(month)
            if row is None:
                target[month] = [tally.met, tally.owed, tally.missing, tally.quorum, tally.not_due]
            else:
                row[0] += tally.met
                row[1] += tally.owed
                row[2] += tally.missing
                row[3] += tally.quorum
                row[4] += tally.not_due
    root: dict[int, list[int]] = {}
    for months in sums.values():
        for month, counts in months.items():
            row = root.setdefault(month, [0, 0, 0, 0, 0])
            for i, n in enumerate(counts):
                row[i] += n
    totals = {path: {month: rules.Tally(*row) for month, row in months.items()} for path, months in sums.items()}
    totals[root_path] = {month: rules.Tally(*row) for month, row in root.items()}
    return totals


def _org_facts(root: Organization) -> dict[int, rules.OrgFacts]:
    rows = list(Organization.objects.filter(path__startswith=root.path)
                .values_list("id", "name", "kind", "path", "founded_on", "parent_id"))
    full = dict(Member.objects.filter(org__path__startswith=root.path, status=PartyStatus.NORMAL,
                                      membership_type=MembershipType.FULL)
                .values("org_id").annotate(n=Count("pk")).order_by().values_list("org_id", "n"))
    kinds = {r[0]: r[2] for r in rows}
    totals = defaultdict(int)
    for org_id, n in full.items():
        totals[org_id] += n
    for org_id, _, kind, _, _, parent_id in rows:
        # a branch counts the members kept in its 党小组
        if kind in SUB_BRANCH_KINDS and parent_id in kinds and org_id in full:
            totals[parent_id] += full[org_id]
    return {
        org_id: rules.OrgFacts(id=org_id, name=name, kind=kind, path=path, founded_on=founded,
                               full_members=totals.get(org_id, 0))
        for org_id, name, kind, path, founded, _ in rows
    }


def _rule_rows(root: Organization, year: int) -> list[rules.RuleRow]:
    qs = RuleSetting.objects.filter(
        Q(owner__path__in=rules.ancestors_and_self(root.path)) | Q(owner__path__startswith=root.path), year=year
    ).values_list("owner__path", "org_kind", "meeting_type", "period", "min_count", "quorum_base",
                  "leave_excluded", "active")
    return [rules.RuleRow(path, kind, rules.Rule(mt, period, mc, qb, le), active)
            for path, kind, mt, period, mc, qb, le, active in qs]


def _custom_names(root: Organization) -> dict[str, str]:
    qs = CustomMeetingType.objects.filter(
        Q(org__path__in=rules.ancestors_and_self(root.path)) | Q(org__path__startswith=root.path)
    ).values_list("id", "name")
    return {f"{CUSTOM_PREFIX}{pk}": name for pk, name in qs}


Grouped = dict[str, list[rules.MeetingFacts]]


def _meeting_facts(root: Organization, year: int,
                   quorum_types: set[str]) -> tuple[dict[int, list[rules.MeetingFacts]], dict[int, Grouped]]:
    """The subtree's meetings held in the year, by organisation and by organisation then type
    (``rules.by_type``, done here in the same pass). One query over the meeting table's covering
    index (``type_codes`` is the copy of the type links); each meeting's local date computed by the
    database (parsing 200,000 aware datetimes costs seconds); attendance counts kept only for the
    meetings whose types have a quorum rule. Planned meetings never count toward a quota: left out."""
    start, end = year_bounds(year)
    rows = (Meeting.objects.filter(org__path__startswith=root.path, held_at__gte=start, held_at__lt=end,
                                   status=MeetingStatus.HELD)
            .annotate(day=TruncDate("held_at")).values_list("id", "org_id", "day", "type_codes", *COUNTED).order_by())
    # a handful of type combinations: share their frozensets instead of making 200,000; the loop
    # below runs once per meeting of a city's year, hence its plain style
    kinds: dict[str, tuple[frozenset[str], bool]] = {}
    new, cls, date_class = tuple.__new__, rules.MeetingFacts, dt.date
    by_org: dict[int, list[rules.MeetingFacts]] = defaultdict(list)
    by_org_type: dict[int, Grouped] = defaultdict(lambda: defaultdict(list))
    for row in _fetch(rows):
        kind = kinds.get(row[3])
        if kind is None:
            codes = row[3]
            types = frozenset(codes.split(",")) if codes else frozenset()
            kind = kinds[codes] = (types, not types.isdisjoint(quorum_types))
        if row[2].__class__ is not date_class:  # SQLite: ISO text
            row = (row[0], row[1], _as_date(row[2]), *row[3:])
        # Meetings counted for a quorum become MeetingFacts now; the rest (most of them) stay the
        # fetched row, which has the meeting's id, organisation and date at the same positions:
        # the tallies read no more than that, and ``as_facts`` completes them when results are asked.
        m = new(cls, (row[0], row[1], row[2], kind[0], False) + row[4:]) if kind[1] else row
        by_org[row[1]].append(m)
        grouped = by_org_type[row[1]]
        for meeting_type in kind[0]:
            grouped[meeting_type].append(m)
    return dict(by_org), dict(by_org_type)


def as_facts(meetings: list) -> list[rules.MeetingFacts]:
    """Complete the fetched rows left by ``_meeting_facts`` into MeetingFacts (no attendance counts:
    their types have no quorum rule)."""
    out, cls = [], rules.MeetingFacts
    for m in meetings:
        if m.__class__ is not cls:
            codes = m[3]
            m = cls(m[0], m[1], m[2], frozenset(codes.split(",")) if codes else frozenset())
        out.append(m)
    return out


def _fetch(qs) -> list[tuple]:
    """The rows of a ``values_list`` query straight from the cursor: Django's per-row converters
    cost a second over a city's year. Dates come back as dates from PostgreSQL and as ISO text
    from SQLite, which the caller's ``_as_date`` accepts."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _last_held(root: Organization, today: dt.date,
               this_year: dict[int, list[rules.MeetingFacts]] | None) -> dict[int, dt.date]:
    """The last meeting held by each organisation up to ``today``, at most a year back. When the
    report is for the current year its meetings are at hand; only earlier ones are asked for."""
    last: dict[int, dt.date] = {}
    until = today
    if this_year is not None:
        for org_id, own in this_year.items():
            held = [m[2] for m in own if m[2] <= today]  # held_on, also of the rows left unconverted
            if held:
                last[org_id] = max(held)
        until = dt.date(today.year, 1, 1) - dt.timedelta(days=1)
    start, end = local_day_bounds(today - dt.timedelta(days=366), until)
    if start >= end:
        return last
    rows = (Meeting.objects.filter(org__path__startswith=root.path, status=MeetingStatus.HELD, held_at__gte=start,
                                   held_at__lt=end)
            .values("org_id").annotate(last=Max("held_at")).order_by().values_list("org_id", "last"))
    tz = timezone.get_current_timezone()
    for org_id, held_at in rows:
        last.setdefault(org_id, held_at.astimezone(tz).date())
    return last


def planned_meetings(root: Organization, today: dt.date, limit: int = 20):
    start, _ = local_day_bounds(today, today)
    return (Meeting.objects.filter(org__path__startswith=root.path, status=MeetingStatus.PLANNED, held_at__gte=start)
            .select_related("org").order_by("held_at")[:limit])


def meetings_in_month(org: Organization, year: int, month: int):
    import calendar

    start, end = local_day_bounds(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
    return (Meeting.objects.filter(org=org, held_at__gte=start, held_at__lt=end)
            .prefetch_related("type_links").order_by("held_at"))


def home_due(root: Organization, *, today: dt.date | None = None, limit: int = 10, horizon_days: int = 45) -> dict:
    """For the home page: what is late this year and what falls due next in ``root``'s subtree.
    Counts come from the tallies; only the organisations listed are evaluated in full."""
    report = compliance_report(root, (today or timezone.localdate()).year, today=today)
    total = report.tallies.get(root.path, rules.Tally())
    late, due = [], []
    for org in report.evaluated():
        if len(late) >= limit and len(due) >= limit:
            break
        own = report.own_tallies[org.path]
        if not (own.missing or own.quorum or own.not_due):
            continue
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
