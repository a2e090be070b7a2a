"""Reads of 双报到, always from ``restrict`` (two-sided: the community's and the member's branch's
subtree, see models). The subtree figures are set-based: four grouped queries for a whole subtree,
then the pure rules in Python."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from dangjian.core.scoping import VIEW, readable
from dangjian.core.tree import ancestors_and_self
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import roll_up

from . import rules
from .choices import OPEN_STATUSES, RecordStatus, ReportStatus
from .models import CommunityFeedback, CommunityReport, ServiceNeed, ServiceRecord

ZERO = Decimal("0")
TENTH = Decimal("0.1")


def reports_for(user, action: str = VIEW) -> QuerySet[CommunityReport]:
    return readable(CommunityReport.objects.all(), user, action)


def records_for(user, action: str = VIEW) -> QuerySet[ServiceRecord]:
    return readable(ServiceRecord.objects.all(), user, action)


def feedback_for(user, action: str = VIEW) -> QuerySet[CommunityFeedback]:
    return readable(CommunityFeedback.objects.all(), user, action)


def needs_for(user, action: str = VIEW) -> QuerySet[ServiceNeed]:
    return ServiceNeed.objects.restrict(user, action)


def community_orgs() -> QuerySet[Organization]:
    """Every community (村/社区) organisation of the tree: the directory a member picks from when asking
    to report — names and codes only, open to every logged-in user (docs/community.md)."""
    return (Organization.objects.filter(unit_category__in=rules.COMMUNITY_UNITS)
            .exclude(kind__in=rules.NOT_COMMUNITY_KINDS))


def yearly_hours() -> int:
    return getattr(settings, "COMMUNITY_YEARLY_HOURS", rules.DEFAULT_YEARLY_HOURS)


# -- the member's own ---------------------------------------------------------------------------------


def open_report(member: Member) -> CommunityReport | None:
    return (CommunityReport.objects.filter(member=member, status__in=OPEN_STATUSES)
            .select_related("community").first())


def member_reports(member: Member, limit: int = 10) -> list[CommunityReport]:
    """The member's 报到 records, newest first, for the member's page and 我的信息. Not scoped here:
    the page has already found the member in the user's scope (or is the member's own), and every
    report is on the member's side (docs/community.md「权限范围」), so whoever reads the member reads these."""
    return list(CommunityReport.objects.filter(member=member).select_related("community")
                .order_by("-reported_on", "-id")[:limit])


def needs_for_report(report: CommunityReport | None) -> QuerySet[ServiceNeed]:
    """The open needs of the member's community (the record form's choices)."""
    if report is None or report.status != ReportStatus.ACCEPTED:
        return ServiceNeed.objects.none()
    return ServiceNeed.objects.filter(community_id=report.community_id, is_open=True)


def member_overview(member: Member, year: int) -> dict:
    """What 我的信息 shows: the open report, the year's records, the confirmed hours, open needs."""
    report = open_report(member)
    records = list(ServiceRecord.objects.filter(report__member=member, served_on__year=year)
                   .select_related("need", "report__community").order_by("-served_on", "-id"))
    needs = list(needs_for_report(report)[:20])
    confirmed = sum((r.hours for r in records if r.status == RecordStatus.CONFIRMED), ZERO)
    return {"report": report, "records": records, "needs": needs, "confirmed_hours": confirmed,
            "expected_hours": yearly_hours(), "year": year}


# -- a community's and a branch's page ------------------------------------------------------------------


def community_work(user, community: Organization) -> dict:
    """The community's desk: requests to accept, reporters, needs, records to confirm."""
    reports = reports_for(user).filter(community=community).select_related("member__org")
    return {
        "requests": list(reports.filter(status=ReportStatus.REQUESTED).order_by("reported_on", "id")),
        "reporters": list(reports.filter(status=ReportStatus.ACCEPTED).order_by("member__name", "id")),
        "needs": list(needs_for(user).filter(community=community)[:50]),
        "to_confirm": list(records_for(user).filter(report__community=community, status=RecordStatus.ENTERED)
                           .select_related("report__member", "need").order_by("served_on", "id")),
    }


@dataclass
class MemberLine:
    member: Member
    report: CommunityReport | None = None
    expected_kind: str | None = None
    confirmed_hours: Decimal = ZERO
    entered_hours: Decimal = ZERO
    feedback: list = field(default_factory=list)
    hours_met: bool | None = None


def branch_lines(user, org: Organization, year: int) -> list[MemberLine]:
    """One line per normal member of ``org``'s subtree: who should report, where they reported, the
    year's hours and the community's feedback. Four queries."""
    members = (readable(Member.objects.all(), user).filter(org__path__startswith=org.path, status=PartyStatus.NORMAL)
               .select_related("org").order_by("org__path", "name", "pk")
               # what the lines show and the rule reads: a county's 12,000 members load in half the time
               .only("name", "status", "category", "retired", "org__name", "org__short_name", "org__path",
                     "org__unit_category"))
    lines = {m.pk: MemberLine(m, expected_kind=rules.expected_kind(
        status=m.status, category=m.category, retired=m.retired, branch_unit=m.org.unit_category)) for m in members}
    reports = reports_for(user).filter(member__org__path__startswith=org.path, status__in=OPEN_STATUSES)
    for report in reports.select_related("community"):
        if report.member_id in lines:
            lines[report.member_id].report = report
    hours = (records_for(user).filter(report__member__org__path__startswith=org.path, served_on__year=year)
             .values("report__member_id", "status").annotate(h=Sum("hours")).order_by())
    for row in hours:
        line = lines.get(row["report__member_id"])
        if line is not None and row["status"] == RecordStatus.CONFIRMED:
            line.confirmed_hours += row["h"]
        elif line is not None and row["status"] == RecordStatus.ENTERED:
            line.entered_hours += row["h"]
    for fb in feedback_for(user).filter(member__org__path__startswith=org.path, year=year).select_related("community"):
        if fb.member_id in lines:
            lines[fb.member_id].feedback.append(fb)
    expected = yearly_hours()
    for line in lines.values():
        if line.report is not None and line.report.status == ReportStatus.ACCEPTED:
            line.hours_met = rules.hours_met(line.confirmed_hours, expected)
    return list(lines.values())


def reporters_to(user, org: Organization, year: int) -> list[tuple[CommunityReport, Decimal]]:
    """The community side of a subtree: members asking to report or reported to any community in
    ``org``'s subtree, each with the year's confirmed hours there. Two queries."""
    reports = list(reports_for(user).filter(community__path__startswith=org.path, status__in=OPEN_STATUSES)
                   .select_related("member__org", "community").order_by("community__path", "member__name", "id"))
    hours = dict(records_for(user).filter(report__in=[r.pk for r in reports], status=RecordStatus.CONFIRMED,
                                          served_on__year=year)
                 .values_list("report_id").annotate(h=Sum("hours")).order_by())
    return [(r, hours.get(r.pk, ZERO)) for r in reports]


# -- figures per subtree --------------------------------------------------------------------------------


@dataclass
class ReportingFacts:
    """One organisation's subtree for a year: who should report, who has (accepted), by kind; the
    reporters' confirmed hours and how many met the expectation; the feedback received."""

    should: int = 0
    reported: int = 0
    should_in_service: int = 0
    reported_in_service: int = 0
    should_retired: int = 0
    reported_retired: int = 0
    reporters: int = 0
    hours: Decimal = ZERO
    hours_met: int = 0
    feedback: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rules.rate(self.reported, self.should)

    @property
    def rate_in_service(self) -> Decimal | None:
        return rules.rate(self.reported_in_service, self.should_in_service)

    @property
    def rate_retired(self) -> Decimal | None:
        return rules.rate(self.reported_retired, self.should_retired)


COUNTS = ("should", "reported", "should_in_service", "reported_in_service", "should_retired", "reported_retired",
          "reporters", "hours_met", "feedback")


def reporting_facts(root_path: str, year: int) -> dict[str, ReportingFacts]:
    """Figures per organisation path for every organisation of the subtree at ``root_path`` (each
    counting its whole subtree), keyed by the path of the **member's own branch** side. Not scoped:
    the caller decides the root (assessment and dashboard read it for an organisation the user
    may see). Four grouped queries, however large the subtree."""
    paths = list(Organization.objects.filter(path__startswith=root_path).values_list("path", flat=True))
    accepted = CommunityReport.objects.filter(member=OuterRef("pk"), status=ReportStatus.ACCEPTED)
    groups = (Member.objects.filter(org__path__startswith=root_path, status=PartyStatus.NORMAL)
              .annotate(has=Exists(accepted))
              .values("org__path", "org__unit_category", "category", "retired", "has")
              .annotate(n=Count("pk")).order_by())
    counts: dict[str, Counter] = {name: Counter() for name in COUNTS}
    for row in groups:
        path, n = row["org__path"], row["n"]
        if row["has"]:
            counts["reporters"][path] += n
        kind = rules.expected_kind(status=PartyStatus.NORMAL, category=row["category"], retired=row["retired"],
                                   branch_unit=row["org__unit_category"])
        if kind is None:
            continue
        counts["should"][path] += n
        counts[f"should_{kind}"][path] += n
        if row["has"]:
            counts["reported"][path] += n
            counts[f"reported_{kind}"][path] += n
    per_member = (ServiceRecord.objects.filter(report__member__org__path__startswith=root_path,
                                               status=RecordStatus.CONFIRMED, served_on__year=year)
                  .values("report__member_id", "report__member__org__path").annotate(h=Sum("hours")).order_by())
    hours: dict[str, Decimal] = defaultdict(lambda: ZERO)
    expected = yearly_hours()
    for row in per_member:
        path = row["report__member__org__path"]
        hours[path] += row["h"]
        if rules.hours_met(row["h"], expected):
            counts["hours_met"][path] += 1
    given = (CommunityFeedback.objects.filter(member__org__path__startswith=root_path, year=year)
             .values("member__org__path").annotate(n=Count("member_id", distinct=True)).order_by())
    for row in given:
        counts["feedback"][row["member__org__path"]] += row["n"]
    totals = {name: roll_up(c) for name, c in counts.items()}
    hour_totals = _roll_up_hours(hours)
    return {path: ReportingFacts(**{name: totals[name].get(path, 0) for name in COUNTS},
                                 hours=hour_totals.get(path, ZERO).quantize(TENTH)) for path in paths}


def _roll_up_hours(hours: dict[str, Decimal]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for path, h in hours.items():
        for ancestor in ancestors_and_self(path):
            out[ancestor] += h
    return out


def subtree_rows(root: Organization, year: int) -> list[tuple[Organization, ReportingFacts]]:
    """The root and its direct children with their figures (the town and county page)."""
    facts = reporting_facts(root.path, year)
    orgs = [root, *Organization.objects.filter(parent=root).order_by("path")]
    return [(org, facts.get(org.path, ReportingFacts())) for org in orgs]


# -- for 民主评议 and 积分 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackFact:
    member_id: int
    year: int
    rating: str
    rating_label: str
    comment: str
    community: str


def feedback_facts(member_ids, year: int) -> dict[int, list[FeedbackFact]]:
    """The communities' feedback on these members for ``year`` (民主评议 and 积分 read it; the caller has
    already scoped the members). One query."""
    out: dict[int, list[FeedbackFact]] = defaultdict(list)
    rows = (CommunityFeedback.objects.filter(member_id__in=list(member_ids), year=year)
            .select_related("community").order_by("member_id", "community__path"))
    for fb in rows:
        out[fb.member_id].append(FeedbackFact(fb.member_id, fb.year, fb.rating, fb.get_rating_display(),
                                              fb.comment, fb.community.name))
    return dict(out)


# -- for the 待办 scans -----------------------------------------------------------------------------------


def pending_by_community(org_ids=None) -> dict[str, dict[int, int]]:
    """Per community id: requests waiting, records waiting to be confirmed. Two grouped queries."""
    requests = CommunityReport.objects.filter(status=ReportStatus.REQUESTED)
    records = ServiceRecord.objects.filter(status=RecordStatus.ENTERED)
    if org_ids is not None:
        requests = requests.filter(community_id__in=list(org_ids))
        records = records.filter(report__community_id__in=list(org_ids))
    return {
        "requests": dict(requests.values_list("community_id").annotate(n=Count("pk")).order_by()),
        "records": dict(records.values_list("report__community_id").annotate(n=Count("pk")).order_by()),
    }


def feedback_missing(year: int, org_ids=None) -> dict[int, int]:
    """Per community id: reporters accepted before the year's end who have no feedback for ``year``."""
    given = CommunityFeedback.objects.filter(member=OuterRef("member_id"), community=OuterRef("community_id"),
                                             year=year)
    qs = (CommunityReport.objects.filter(status=ReportStatus.ACCEPTED, reported_on__lte=dt.date(year, 12, 31))
          .filter(~Exists(given)))
    if org_ids is not None:
        qs = qs.filter(community_id__in=list(org_ids))
    return dict(qs.values_list("community_id").annotate(n=Count("pk")).order_by())

