"""Reads of the assessment. ``gather_facts`` collects what the platform's records say about every
assessed organisation of a subtree in a fixed number of queries (docs/architecture.md「集合查询」):
the compliance report of orglife (its own fixed handful), the structure warnings of orgs (three),
then one grouped query each for the current terms, the 三单 items, the lost-contact members and the
民主评议党员 meetings. No query runs per organisation. ``evidence`` lists, for one organisation, the
rows an indicator counted (the drill-down)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from dangjian.core.calendar import work_calendar
from dangjian.core.registry import computed_indicators
from dangjian.core.scoping import VIEW
from dangjian.core.tree import PATH_STEP
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member
from dangjian.orglife.choices import MeetingStatus, MeetingType, Outcome
from dangjian.orglife.models import Meeting
from dangjian.orglife.queries import year_bounds
from dangjian.orglife.report import compliance_report
from dangjian.orgs.choices import Post
from dangjian.orgs.models import Organization, Term
from dangjian.orgs.queries import roll_up, subtree_warnings
from dangjian.orgs.rules import has_committee
from dangjian.orgs.stats import under
from dangjian.worklists.choices import State
from dangjian.worklists.models import WorkItem

from . import rules
from .choices import PUBLISHED_STAGES, Computed
from .models import Amendment, Candidate, Grade, Indicator, Objection, Scheme, Score

REVIEW = MeetingType.REVIEW.value


def schemes_for(user, action: str = VIEW):
    return Scheme.objects.restrict(user, action).select_related("org")


def schemes_assessing(user):
    """Schemes set in the user's scope, and those set above it that assess an organisation in it (a
    town sees the county's scheme through its branches' grades)."""
    graded = Grade.objects.restrict(user, VIEW).values("scheme_id")
    return (Scheme.objects.filter(Q(pk__in=Scheme.objects.restrict(user, VIEW).values("pk")) | Q(pk__in=graded))
            .select_related("org"))


def grades_for(user, action: str = VIEW):
    return Grade.objects.restrict(user, action).select_related("org", "scheme")


def candidates_for(user, action: str = VIEW):
    return Candidate.objects.restrict(user, action).select_related("org", "item")


def assessed_orgs(scheme: Scheme):
    """The organisations a scheme assesses: its kinds below the setting organisation, never itself."""
    return (Organization.objects.filter(path__startswith=scheme.org.path, kind__in=scheme.org_kinds)
            .exclude(pk=scheme.org_id))


# -- facts -------------------------------------------------------------------------------------

def _year_end(year: int, today: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), today)


def computed_choices() -> list[tuple[str, str]]:
    """The computed indicators a scheme may use: the built-in rules, then those other apps registered
    (``core.registry.register_indicator``, docs/architecture.md「登记表」)."""
    return [*Computed.choices, *((code, spec.label) for code, spec in computed_indicators().items())]


def gather_facts(root: Organization, year: int, org_ids, *, today: dt.date | None = None,
                 codes=None) -> dict[int, rules.Facts]:
    """Facts for each organisation of ``org_ids`` (all under ``root``) in ``year``. Registered
    indicators of ``codes`` (all when None) count with their own fixed queries into ``Facts.extra``."""
    today = today or timezone.localdate()
    wanted = set(org_ids)
    orgs = {pk: (path, kind, founded) for pk, path, kind, founded in
            Organization.objects.filter(path__startswith=root.path).order_by()
            .values_list("pk", "path", "kind", "founded_on") if pk in wanted}
    facts = {pk: rules.Facts() for pk in orgs}
    report = compliance_report(root, year, today=today)
    for pk, (path, _kind, _f) in orgs.items():
        tally = report.own_tallies.get(path)
        f = facts[pk]
        if tally is None:
            f.applies_orglife = False
        else:
            f.owed, f.met, f.quorum_short = tally.owed, tally.met, tally.quorum
    for warning in subtree_warnings(root, today=today):
        if warning.org_id in facts and warning.code != "no_secretary":
            facts[warning.org_id].warnings += 1
    _vacancies(root, year, today, orgs, facts)
    _items(root, year, today, facts)
    _lost_contact(root, orgs, facts)
    start, end = year_bounds(year)
    reviews = (Meeting.objects.filter(under([root.path]), status=MeetingStatus.HELD, held_at__gte=start,
                                      held_at__lt=end, type_codes__contains=REVIEW)
               .values("org_id").annotate(n=Count("pk")).order_by().values_list("org_id", "n"))
    for pk, n in reviews:
        if pk in facts:
            facts[pk].reviews_held = n
    for code, spec in computed_indicators().items():
        if codes is None or code in codes:
            for pk, counted in spec.gather(root, year, list(facts), today).items():
                if pk in facts:
                    facts[pk].extra[code] = counted
    return facts


def _vacancies(root, year, today, orgs, facts) -> None:
    held = Q(posts__member__status=PartyStatus.NORMAL, posts__post=Post.SECRETARY)
    terms = {pk: (started, n) for pk, started, n in
             Term.objects.filter(under([root.path]), is_current=True).values("org_id", "started_on")
             .annotate(n=Count("posts", filter=held)).order_by().values_list("org_id", "started_on", "n")}
    for pk, (_path, kind, founded) in orgs.items():
        if not has_committee(kind):
            continue
        started, secretaries = terms.get(pk, (founded, 0))
        f = facts[pk]
        f.vacant_since, f.vacant_months, f.vacant_total = rules.vacancy(year, today, secretaries > 0, started)


def _items(root, year, today, facts) -> None:
    first, last = dt.date(year, 1, 1), _year_end(year, today)
    due = Q(deadline__gte=first, deadline__lte=last, deadline__lt=today)
    rows = (WorkItem.objects.filter(under([root.path])).filter(deadline__isnull=False)
            .values("org_id").annotate(
                due=Count("pk", filter=due),
                on_time=Count("pk", filter=due & Q(closed_on__isnull=False, closed_on__lte=F("deadline"))),
                overdue=Count("pk", filter=Q(deadline__lt=min(today, last + dt.timedelta(days=1)))
                              & ~Q(state=State.CLOSED)))
            .order_by().values_list("org_id", "due", "on_time", "overdue"))
    for pk, n_due, n_on_time, n_overdue in rows:
        if pk in facts:
            f = facts[pk]
            f.items_due, f.items_on_time, f.items_overdue = n_due, n_on_time, n_overdue


def _lost_contact(root, orgs, facts) -> None:
    """Lost-contact members of each organisation and its 党小组 below (rolled up by path)."""
    rows = (Member.objects.filter(under([root.path]), status=PartyStatus.NORMAL, lost_contact=True)
            .values("org__path").annotate(n=Count("pk")).order_by().values_list("org__path", "n"))
    totals = roll_up(dict(rows))
    for pk, (path, _k, _f) in orgs.items():
        facts[pk].lost_contact = totals.get(path, 0)


def candidate_facts(facts: rules.Facts, grade: str, lowest: str) -> rules.CandidateFacts:
    return rules.CandidateFacts(vacant_months_total=facts.vacant_total, compliance=facts.compliance,
                                grade=grade, lowest_grade=lowest, warnings=facts.warnings)


# -- drill-down ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceRow:
    label: str
    detail: str
    url_name: str = ""
    pk: int | None = None


def evidence(org: Organization, year: int, code: str, *, today: dt.date | None = None) -> list[EvidenceRow]:
    """The rows an indicator counted for ``org``: what a secretary opens to see why."""
    today = today or timezone.localdate()
    first, last = dt.date(year, 1, 1), _year_end(year, today)
    if code in (Computed.ORGLIFE_RATE, Computed.ORGLIFE_QUORUM):
        report = compliance_report(org, year, today=today)
        report.results.load([org.pk])
        wanted = {"met", "missing", "quorum"} if code == Computed.ORGLIFE_RATE else {"quorum"}
        return [EvidenceRow(f"{report.label(r.meeting_type)} {r.slot.label}", f"{Outcome(r.outcome).label}：{r.reason}")
                for r in report.results.get(org.pk, []) if r.outcome in wanted]
    if code in (Computed.WORKLIST_ONTIME, Computed.WORKLIST_OVERDUE):
        items = WorkItem.objects.filter(org=org, deadline__isnull=False)
        if code == Computed.WORKLIST_ONTIME:
            items = items.filter(deadline__gte=first, deadline__lte=last, deadline__lt=today)
        else:
            items = items.filter(deadline__lt=min(today, last + dt.timedelta(days=1))).exclude(state=State.CLOSED)
        return [EvidenceRow(i.title, f"期限 {i.deadline:%Y-%m-%d}，{i.get_state_display()}"
                            + (f"，{i.closed_on:%Y-%m-%d} 销号" if i.closed_on else ""), "worklists:detail", i.pk)
                for i in items.order_by("deadline", "pk")[:200]]
    if code in (Computed.STRUCTURE_WARNINGS, Computed.SECRETARY_VACANT):
        from dangjian.orgs.queries import org_warnings

        keep = (lambda w: w.code == "no_secretary") if code == Computed.SECRETARY_VACANT else (
            lambda w: w.code != "no_secretary")
        return [EvidenceRow(w.label, w.message, "orgs:detail", org.pk) for w in org_warnings(org, today=today)
                if keep(w)]
    if code == Computed.LOST_CONTACT:
        members = Member.objects.filter(under([org.path]), status=PartyStatus.NORMAL, lost_contact=True)
        return [EvidenceRow(m.name, f"失联自 {m.lost_contact_since:%Y-%m-%d}" if m.lost_contact_since else "失联",
                            "members:detail", m.pk) for m in members.order_by("pk")[:200]]
    if code == Computed.REVIEW_HELD:
        start, end = year_bounds(year)
        meetings = Meeting.objects.filter(org=org, status=MeetingStatus.HELD, held_at__gte=start, held_at__lt=end,
                                          type_codes__contains=REVIEW)
        return [EvidenceRow(m.title, f"{timezone.localtime(m.held_at):%Y-%m-%d}", "orglife:meeting", m.pk)
                for m in meetings.order_by("held_at")]
    spec = computed_indicators().get(code)
    return [EvidenceRow(*row) for row in spec.evidence(org, year, today)] if spec else []


# -- one grade and the roll-ups ---------------------------------------------------------------------

def grade_page(grade: Grade) -> dict:
    """A grade with its scores ordered by points lost (what pulled the score down first)."""
    scores = list(Score.objects.filter(grade=grade).select_related("indicator"))
    for s in scores:
        s.lost = (s.indicator.weight - s.points) if s.points is not None else s.indicator.weight
    ordered = sorted(scores, key=lambda s: (-s.lost, s.indicator.position))
    published = grade.stage in PUBLISHED_STAGES  # objections and amendments exist only from the 公示 on
    return {
        "scores": ordered,
        "objections": list(Objection.objects.filter(grade=grade)) if published else [],
        "amendments": list(Amendment.objects.filter(grade=grade).select_related("indicator")) if published else [],
        "candidate": Candidate.objects.filter(scheme_id=grade.scheme_id, org_id=grade.org_id).select_related(
            "item").first(),
    }


def rollup(scheme: Scheme, user, root: Organization | None = None) -> dict:
    """Grade distribution and indicator averages for the scheme's grades the user may see, overall and
    per child of ``root``: two queries."""
    root = root or scheme.org
    grades = list(Grade.objects.restrict(user, VIEW).filter(scheme=scheme, org__path__startswith=root.path)
                  .order_by().values_list("pk", "org__path", "grade", "suggested", "score"))
    child_len = len(root.path) + PATH_STEP
    total = rules.Rollup()
    by_child: dict[str, rules.Rollup] = defaultdict(rules.Rollup)
    child_of = {}
    for pk, path, grade, suggested, score in grades:
        name = grade or suggested
        for bucket in (total, by_child[path[:child_len]]):
            bucket.count += 1
            bucket.grades[name] = bucket.grades.get(name, 0) + 1
            bucket.score_sum += score or 0
        child_of[pk] = path[:child_len]
    sums = (Score.objects.filter(grade_id__in=[g[0] for g in grades]).values("grade_id", "indicator_id")
            .order_by().values_list("grade_id", "indicator_id", "points")) if grades else []
    for grade_id, indicator_id, points in sums:
        for bucket in (total, by_child[child_of[grade_id]]):
            bucket.indicator_sums[indicator_id] = bucket.indicator_sums.get(indicator_id, 0) + (points or 0)
    names = dict(Organization.objects.filter(path__in=list(by_child)).values_list("path", "name"))
    children = [(names.get(p, p), p, r) for p, r in sorted(by_child.items())]
    indicators = list(Indicator.objects.filter(scheme=scheme))
    return {"total": total, "children": children, "indicators": indicators,
            "bands": scheme.band_names,
            "quota_warning": rules.quota_warning([g[2] or g[3] for g in grades], scheme.bands, scheme.top_share)}


def stage_counts(scheme: Scheme, user) -> dict[str, int]:
    return (dict(Grade.objects.restrict(user, VIEW).filter(scheme=scheme).values("stage")
                        .annotate(n=Count("pk")).order_by().values_list("stage", "n")))


def indicator_totals(scheme: Scheme) -> dict[int, tuple]:
    return {r["indicator_id"]: (r["s"], r["n"]) for r in Score.objects.filter(indicator__scheme=scheme)
            .values("indicator_id").annotate(s=Sum("points"), n=Count("pk")).order_by()}


def publicity(scheme: Scheme, user) -> list[Grade]:
    """The 公示 list: the scheme's grades the user may see that are published (公示 or 上报), each with
    ``publicity_end`` (five working days, holidays counted) and ``objection_count``. Three queries."""
    grades = list(Grade.objects.restrict(user, VIEW).filter(scheme=scheme, stage__in=PUBLISHED_STAGES)
                  .select_related("org").annotate(objection_count=Count("objections")).order_by("org__path"))
    starts = [g.publicity_start for g in grades if g.publicity_start]
    calendar = work_calendar(min(starts), max(starts) + dt.timedelta(days=30)) if starts else None
    for grade in grades:
        grade.publicity_end = rules.publicity_end(grade.publicity_start, calendar) if grade.publicity_start else None
    return grades
