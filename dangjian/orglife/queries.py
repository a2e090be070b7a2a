"""Reads of organisational life, always scoped; the compliance report for a subtree.

Set-based (DESIGN.md §3): the report runs a fixed handful of queries — the subtree's organisations,
member counts grouped by organisation, the rule rows, the meetings of the year joined with their
type links, the latest activity per organisation, the custom type names — and evaluates the pure
rules in Python. The number of queries does not depend on the number of branches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from dangjian.core.scoping import VIEW
from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.choices import SUB_BRANCH_KINDS
from dangjian.orgs.models import CommitteePost, Organization

from . import conf, rules
from .choices import CUSTOM_PREFIX, MeetingStatus, MeetingType
from .models import CustomMeetingType, Meeting, MeetingTypeLink, RuleSetting

COUNT_FIELDS = (
    "expected_count", "present_count", "leave_count", "voting_expected", "voting_present", "voting_leave",
    "committee_expected", "committee_present", "committee_leave",
)


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
    below = Q(org__parent=org, org__kind__in=SUB_BRANCH_KINDS)
    return (Member.objects.filter(Q(org=org) | below, status=PartyStatus.NORMAL)
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

@dataclass
class Report:
    root: Organization
    year: int
    today: dt.date
    orgs: dict[int, rules.OrgFacts]
    results: dict[int, list[rules.Result]]
    tallies: dict[str, rules.Tally]  # rolled up, by path
    month_tallies: dict[str, dict[int, rules.Tally]]  # rolled up, by path then month
    silences: dict[int, rules.Silence]
    meeting_counts: dict[int, dict[int, int]]  # org id → month → meetings held
    custom_names: dict[str, str] = field(default_factory=dict)

    def children_of(self, org_id: int) -> list[rules.OrgFacts]:
        parent = self.orgs[org_id]
        depth = len(parent.path) + rules.PATH_STEP
        return sorted((o for o in self.orgs.values() if len(o.path) == depth and o.path.startswith(parent.path)),
                      key=lambda o: o.path)

    def evaluated(self) -> list[rules.OrgFacts]:
        return [o for o in sorted(self.orgs.values(), key=lambda o: o.path) if self.results.get(o.id)]

    def silent(self) -> list[tuple[rules.OrgFacts, rules.Silence]]:
        return [(self.orgs[i], s) for i, s in self.silences.items() if s.silent]

    def due(self, horizon_days: int = 45) -> list[rules.Due]:
        items = []
        for results in self.results.values():
            items.extend(rules.due_items(results, self.today, horizon_days))
        return sorted(items, key=lambda d: (not d.late, d.deadline, self.orgs[d.org_id].path))

    def label(self, code: str) -> str:
        return rules.type_label(code, self.custom_names)


def compliance_report(root: Organization, year: int, *, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    orgs = _org_facts(root)
    rule_rows = _rule_rows(root, year)
    custom_names = _custom_names(root)
    meetings = _meeting_facts(root, year)
    last_held = _last_held(root, today)
    by_org: dict[int, list[rules.MeetingFacts]] = defaultdict(list)
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for m in meetings:
        by_org[m.org_id].append(m)
        if not m.planned:
            counts[m.org_id][m.held_on.month] += 1
    results: dict[int, list[rules.Result]] = {}
    own_tallies: dict[str, rules.Tally] = {}
    own_months: dict[str, dict[int, rules.Tally]] = {}
    silences: dict[int, rules.Silence] = {}
    rule_cache: dict[tuple[str, str], list[rules.Rule]] = {}
    for org in orgs.values():
        key = (org.kind, _owner_key(org.path, rule_rows))
        if key not in rule_cache:
            rule_cache[key] = rules.resolve_rules(org.kind, org.path, rule_rows)
        org_rules = rule_cache[key]
        if not org_rules:
            continue
        res = rules.evaluate_org(org, org_rules, by_org.get(org.id, []), year, today, custom_names)
        results[org.id] = res
        own_tallies[org.path] = rules.tally_of(res)
        months: dict[int, rules.Tally] = defaultdict(rules.Tally)
        for r in res:
            months[rules.month_of(r)].add(r)
        own_months[org.path] = months
        silences[org.id] = rules.silence(last_held.get(org.id), today, org.founded_on, conf.silent_days())
    return Report(
        root=root, year=year, today=today, orgs=orgs, results=results, tallies=rules.roll_up(own_tallies),
        month_tallies=_roll_up_months(own_months), silences=silences,
        meeting_counts={k: dict(v) for k, v in counts.items()}, custom_names=custom_names,
    )


def _owner_key(path: str, rows: list[rules.RuleRow]) -> str:
    """Organisations with the same set of rule owners above them share resolved rules."""
    return "|".join(sorted({r.owner_path for r in rows if path.startswith(r.owner_path) and r.owner_path != path}))


def _roll_up_months(own: dict[str, dict[int, rules.Tally]]) -> dict[str, dict[int, rules.Tally]]:
    totals: dict[str, dict[int, rules.Tally]] = {}
    for path, months in own.items():
        for prefix in rules.ancestors_and_self(path):
            target = totals.setdefault(prefix, {})
            for month, tally in months.items():
                target.setdefault(month, rules.Tally()).merge(tally)
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


def _meeting_facts(root: Organization, year: int) -> list[rules.MeetingFacts]:
    """One query: the type links of the subtree's meetings in the year, with each meeting's counts."""
    start, end = year_bounds(year)
    rows = (MeetingTypeLink.objects
            .filter(meeting__org__path__startswith=root.path, meeting__held_at__gte=start, meeting__held_at__lt=end)
            .order_by("meeting_id")
            .values_list("meeting_id", "type", "meeting__org_id", "meeting__held_at", "meeting__status",
                         *(f"meeting__{f}" for f in COUNT_FIELDS)))
    tz = timezone.get_current_timezone()
    merged: dict[int, list] = {}
    for row in rows.iterator(chunk_size=5000):
        entry = merged.get(row[0])
        if entry is None:
            merged[row[0]] = [row, {row[1]}]
        else:
            entry[1].add(row[1])
    out = []
    for row, types in merged.values():
        counts = row[5:]
        out.append(rules.MeetingFacts(
            id=row[0], org_id=row[2], held_on=row[3].astimezone(tz).date(), types=frozenset(types),
            planned=row[4] == MeetingStatus.PLANNED, expected=counts[0], present=counts[1], leave=counts[2],
            voting_expected=counts[3], voting_present=counts[4], voting_leave=counts[5],
            committee_expected=counts[6], committee_present=counts[7], committee_leave=counts[8],
        ))
    return out


def _last_held(root: Organization, today: dt.date) -> dict[int, dt.date]:
    _, end = local_day_bounds(today, today)
    rows = (Meeting.objects.filter(org__path__startswith=root.path, status=MeetingStatus.HELD, held_at__lt=end)
            .values("org_id").annotate(last=Max("held_at")).order_by().values_list("org_id", "last"))
    return {org_id: local_date(last) for org_id, last in rows}


def planned_meetings(root: Organization, today: dt.date, limit: int = 20):
    start, _ = local_day_bounds(today, today)
    return (Meeting.objects.filter(org__path__startswith=root.path, status=MeetingStatus.PLANNED, held_at__gte=start)
            .select_related("org").order_by("held_at")[:limit])


def meetings_in_month(org: Organization, year: int, month: int):
    import calendar

    start, end = local_day_bounds(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
    return (Meeting.objects.filter(org=org, held_at__gte=start, held_at__lt=end)
            .prefetch_related("type_links").order_by("held_at"))


def home_due(root: Organization, *, today: dt.date | None = None, limit: int = 10) -> dict:
    """For the home page: what is late this year and what falls due next in ``root``'s subtree."""
    report = compliance_report(root, (today or timezone.localdate()).year, today=today)
    items = report.due()
    late = [d for d in items if d.late]
    due = [d for d in items if not d.late]

    def described(rows):
        return [(d, report.orgs[d.org_id], report.label(d.meeting_type)) for d in rows[:limit]]

    return {
        "root": root, "year": report.year, "total": report.tallies.get(root.path, rules.Tally()),
        "late": described(late), "late_count": len(late), "due": described(due), "due_count": len(due),
        "planned": planned_meetings(root, report.today, 5),
    }
