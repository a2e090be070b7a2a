"""Reads: every list starts from ``restrict(user, action)``; roll-ups over a subtree are a fixed
number of queries grouped by organisation path, whatever the number of branches."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.accounts.models import Position
from dangjian.core.registry import member_facts as registered_facts
from dangjian.core.registry import points_sources
from dangjian.core.scoping import VIEW, scope_prefixes
from dangjian.core.shortcuts import parse_id
from dangjian.core.tree import ancestors_and_self
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import rules
from .choices import EntryState, Grade, Rating, Stage
from .models import (
    Appraisal,
    AppraisalMember,
    Ballot,
    PointsEntry,
    PointsRule,
    PointsSetting,
    ReportEntry,
    ReportRound,
    RoundBallot,
    SourceRule,
)


def rounds_for(user, action: str = VIEW):
    return ReportRound.objects.restrict(user, action).select_related("org")


def entries_for(user, action: str = VIEW):
    return ReportEntry.objects.restrict(user, action).select_related("org", "round")


def appraisals_for(user, action: str = VIEW):
    return Appraisal.objects.restrict(user, action).select_related("org", "meeting")


def people_for(user, action: str = VIEW):
    return AppraisalMember.objects.restrict(user, action).select_related("appraisal__org")


def ballots_open(member) -> list[AppraisalMember]:
    """The member's own places in appraisals now at 民主测评 where they have not voted yet (the road
    to their ballot: a member needs no position in the tree to vote)."""
    if member is None:
        return []
    voted = Ballot.objects.filter(voter__member=member).values("appraisal_id")
    return list(AppraisalMember.objects.filter(member=member, exclusion="", appraisal__stage=Stage.VOTE)
                .exclude(appraisal_id__in=voted).select_related("appraisal__org"))


def ballot_place(member, appraisal_id) -> AppraisalMember | None:
    """The member's own place (not excluded) in an appraisal, or None."""
    if member is None or not str(appraisal_id).isdigit():
        return None
    return (AppraisalMember.objects.filter(appraisal_id=appraisal_id, member=member, exclusion="")
            .select_related("appraisal__org").first())


# -- 述职评议 by accounts ---------------------------------------------------------------------------------
# Who may vote: an account holding a position (any role) at the organising organisation or at one of
# the organisations assessed — the people of the 述职评议 meeting. Positions elsewhere (above the
# organising level, further down the tree) give no vote. Nobody rates a vacant post, their own
# organisation's secretary, or themselves.


def _voter_positions(user):
    if not getattr(user, "is_authenticated", False):
        return Position.objects.none()
    return Position.objects.filter(user=user)


def round_voter_orgs(user, round_: ReportRound) -> set[int]:
    """The organisations of the round where ``user`` holds a position (empty: no vote). One query."""
    return set(_voter_positions(user).filter(Q(org_id=round_.org_id) | Q(org__in=round_.entries.values("org_id")))
               .values_list("org_id", flat=True))


def round_voters_pending(round_: ReportRound) -> set[int]:
    """Accounts that may vote in the round (a position at the organising organisation or at an
    assessed one, as ``round_voter_orgs``) and have not yet. One query."""
    orgs = Q(org_id=round_.org_id) | Q(org__in=round_.entries.values("org_id"))
    voted = RoundBallot.objects.filter(round=round_).values("voter_id")
    return set(Position.objects.filter(orgs, user__is_active=True).exclude(user_id__in=voted)
               .values_list("user_id", flat=True))


def rateable_entries(user, round_: ReportRound, voter_orgs: set[int]):
    """The entries ``user`` rates: every secretary in the round but a vacant post, those of the
    organisations where the account holds a position, and the voter's own member record."""
    return (round_.entries.exclude(org_id__in=voter_orgs).exclude(member_id=None, secretary_name="")
            .exclude(member__user=user).select_related("org").order_by("org__path", "id"))


def round_ballots_open(user) -> list[ReportRound]:
    """Rounds open for account voting where ``user`` may vote and has not yet. One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    orgs = _voter_positions(user).values("org_id")
    voted = RoundBallot.objects.filter(voter=user).values("round_id")
    return list(ReportRound.objects.filter(voting=True).filter(Q(org_id__in=orgs) | Q(entries__org_id__in=orgs))
                .exclude(pk__in=voted).distinct().select_related("org").order_by("-year", "org__path"))


def round_ballot_place(user, pk) -> tuple[ReportRound, set[int]] | None:
    """The round and the organisations where ``user`` holds a position in it, or None without a vote."""
    pk = parse_id(pk)
    if pk is None:
        return None
    round_ = ReportRound.objects.filter(pk=pk).select_related("org").first()
    if round_ is None:
        return None
    orgs = round_voter_orgs(user, round_)
    return (round_, orgs) if orgs else None


def points_for(user, action: str = VIEW):
    return PointsEntry.objects.restrict(user, action).select_related("member", "org", "rule")


def _set_for(user) -> Q | None:
    """Rows set by the user's organisations, or above them (they apply to them); None without scope."""
    prefixes = scope_prefixes(user, VIEW)
    if not prefixes:
        return None
    above = {p for prefix in prefixes for p in ancestors_and_self(prefix)}
    q = Q(org__path__in=above)
    for prefix in prefixes:
        q |= Q(org__path__startswith=prefix)
    return q


def evidence_readable(user, pk) -> PointsEntry | None:
    """A points entry whose evidence ``user`` may open: in their scope, or their own ledger's."""
    pk = parse_id(pk)
    if pk is None:
        return None
    entry = points_for(user).filter(pk=pk).first()
    if entry is None and getattr(user, "is_authenticated", False):
        entry = PointsEntry.objects.filter(pk=pk, member__user=user).first()
    return entry


def rules_visible(user):
    """Rules the user's organisations set, and the rules set above them that apply to them."""
    q = _set_for(user)
    return PointsRule.objects.filter(q).select_related("org") if q is not None else PointsRule.objects.none()


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# -- roll-ups -------------------------------------------------------------------------------------------

@dataclass
class OrgRow:
    org: Organization
    grades: Counter = field(default_factory=Counter)
    excluded: int = 0
    branches: int = 0
    started: int = 0
    done: int = 0
    appraisal: Appraisal | None = None

    @property
    def appraised(self) -> int:
        return sum(self.grades.values()) + self.grades_pending

    grades_pending: int = 0

    @property
    def warning(self) -> str | None:
        return rules.excellent_warning(self.grades[Grade.EXCELLENT], self.appraised)


@dataclass
class Overview:
    org: Organization
    year: int
    total: OrgRow
    rows: list[OrgRow]


def overview(org: Organization, year: int) -> Overview:
    """民主评议 of ``year`` in ``org``'s subtree: the grade distribution of the whole subtree and of
    each organisation directly under it (or, for a branch, of itself). Four queries."""
    children = list(Organization.objects.filter(parent=org).order_by("path")) or [org]
    rows = {c.path: OrgRow(c) for c in children}
    total = OrgRow(org)

    def row_of(path: str) -> OrgRow | None:
        for prefix, row in rows.items():
            if path.startswith(prefix):
                return row
        return None

    branches = (Organization.objects.filter(path__startswith=org.path, kind__in=BRANCH_KINDS)
                .values_list("path", flat=True))
    for path in branches:
        total.branches += 1
        if (row := row_of(path)) is not None:
            row.branches += 1
    appraisals = Appraisal.objects.filter(org__path__startswith=org.path, year=year).select_related("org")
    for a in appraisals:
        row = row_of(a.org.path)
        for target in (total, row):
            if target is not None:
                target.started += 1
                target.done += a.stage == "done"
        if row is not None and row.org.pk == a.org_id:
            row.appraisal = a
    people = (AppraisalMember.objects.filter(appraisal__org__path__startswith=org.path, appraisal__year=year)
              .values("appraisal__org__path", "exclusion", "grade").annotate(n=Count("pk")).order_by())
    for item in people:
        row = row_of(item["appraisal__org__path"])
        for target in (total, row):
            if target is None:
                continue
            if item["exclusion"]:
                target.excluded += item["n"]
            elif item["grade"]:
                target.grades[item["grade"]] += item["n"]
            else:
                target.grades_pending += item["n"]
    return Overview(org, year, total, list(rows.values()))


def member_facts(member_ids, year: int) -> dict[int, list[tuple[str, str]]]:
    """What other apps registered about these members for ``year`` (``core.registry.member_facts``,
    e.g. the communities' 双报到 feedback): ``{member_id: [(label, text), ...]}``, a fixed number of
    queries per registered provider. The caller has scoped the members."""
    ids = list(member_ids)
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for provider in registered_facts():
        for member_id, texts in provider.facts(ids, year).items():
            out[member_id].extend((provider.label, text) for text in texts)
    return dict(out)


def source_rules_visible(user, year: int):
    """Computed points items of ``year`` the user's organisations set or that apply to them."""
    q = _set_for(user)
    if q is None:
        return SourceRule.objects.none()
    return SourceRule.objects.filter(q, year=year).select_related("org").order_by("org__path", "source")


def source_labels() -> dict[str, str]:
    return {code: f"{s.label}（{s.unit}）" for code, s in points_sources().items()}


def appraisal_warnings(appraisal: Appraisal) -> list[str]:
    people = list(appraisal.people.values_list("exclusion", "grade"))
    appraised = [g for e, g in people if not e]
    warning = rules.excellent_warning(sum(1 for g in appraised if g == Grade.EXCELLENT), len(appraised))
    return [warning] if warning else []


def report_distribution(round_: ReportRound) -> Counter:
    return Counter(dict(round_.entries.values_list("result").annotate(n=Count("pk")).order_by()))


# -- points ---------------------------------------------------------------------------------------------

def _rule_facts(rule_ids) -> dict[int, rules.RuleFacts]:
    return {r.pk: rules.RuleFacts(r.pk, r.name, r.cap_month, r.cap_year, r.veto)
            for r in PointsRule.objects.filter(pk__in=set(rule_ids) - {None})}


@dataclass
class LedgerView:
    entries: list[PointsEntry]
    total: int
    vetoed_by: str | None


def member_ledger(member, year: int) -> LedgerView:
    """One member's year: every entry (pending and rejected ones too, with their state), each approved
    one with the points it counts for and why, and the total computed from them."""
    start, end = year_bounds(year)
    entries = list(PointsEntry.objects.filter(member=member, on__gte=start, on__lte=end)
                   .select_related("rule", "org").order_by("on", "id"))
    approved = [e for e in entries if e.state == EntryState.APPROVED]
    result = rules.ledger([rules.EntryFacts(e.pk, e.rule_id, e.on, e.points) for e in approved],
                          _rule_facts(e.rule_id for e in approved))
    lines = {line.entry_id: line for line in result.lines}
    for e in entries:
        line = lines.get(e.pk)
        e.counted = line.counted if line else 0
        e.note = line.note if line else ""
    return LedgerView(entries, result.total, result.vetoed_by)


def rankings_enabled(org: Organization) -> bool:
    """Rankings are off unless the organisation or one above it turned them on (the nearest setting wins)."""
    settings = dict(PointsSetting.objects.filter(org__path__in=ancestors_and_self(org.path))
                    .values_list("org__path", "rankings"))
    for path in reversed(ancestors_and_self(org.path)):
        if path in settings:
            return settings[path]
    return False


def totals(org: Organization, year: int) -> list[tuple[int, str, str, int, str | None]]:
    """(member id, name, branch, total, vetoed by) of every member with approved entries in the subtree,
    highest first. Two queries: the entries and their rules."""
    start, end = year_bounds(year)
    rows = (PointsEntry.objects.filter(org__path__startswith=org.path, state=EntryState.APPROVED,
                                       on__gte=start, on__lte=end)
            .values_list("id", "member_id", "member__name", "org__name", "rule_id", "on", "points"))
    by_member: dict[int, list] = defaultdict(list)
    names = {}
    for pk, member_id, name, org_name, rule_id, on, points in rows:
        by_member[member_id].append(rules.EntryFacts(pk, rule_id, on, points))
        names[member_id] = (name, org_name)
    facts = _rule_facts({e.rule_id for entries in by_member.values() for e in entries})
    out = []
    for member_id, entries in by_member.items():
        result = rules.ledger(entries, facts)
        out.append((member_id, *names[member_id], result.total, result.vetoed_by))
    return sorted(out, key=lambda r: (-r[3], r[1]))


RATING_LABELS = dict(Rating.choices)
