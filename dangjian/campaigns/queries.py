"""Reads of the campaigns. Three kinds of reader:

- the organiser side: whoever may view the organising organisation (``restrict``);
- inspectors and judges granted access by the campaign (``Participant``), who may come from outside
  the subtree: they read the campaign's targets only, and only during its period while it is open;
- the inspected: whoever may view a target organisation reads the campaign as far as it concerns
  that target — except a 随机暗访 target, hidden until the visit is recorded.

This is decided here, inside the app; the global scope rules (core.scoping) are not widened."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone

from dangjian.accounts.models import Position
from dangjian.core.scoping import CHANGE, VIEW, path_in_scope, scope_prefixes
from dangjian.core.shortcuts import parse_id
from dangjian.core.tree import PATH_STEP, ancestors_and_self
from dangjian.orgs.models import Organization
from dangjian.worklists import rules as item_rules

from . import rules
from .choices import SELECTION_KINDS, CampaignKind, Role
from .models import Campaign, Finding, JudgeScore, Participant, Target, Title

NOT_FOUND = "未找到，或不在您的管辖范围内"


def _under(prefixes: list[str], field_name: str) -> Q | None:
    if not prefixes:
        return None
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in prefixes))


def active_grants(user, today: dt.date | None = None):
    """The user's grants that hold today: during the campaign's period, campaign open, not revoked."""
    today = today or timezone.localdate()
    if user is None or not user.is_authenticated:
        return Participant.objects.none()
    return Participant.objects.filter(user=user, revoked=False, campaign__closed=False,
                                      campaign__starts_on__lte=today, campaign__ends_on__gte=today)


def _visible_target_q(prefixes: list[str]) -> Q | None:
    under = _under(prefixes, "org__path")
    if under is None:
        return None
    hidden = Q(campaign__kind=CampaignKind.UNANNOUNCED, visited_at__isnull=True)
    return under & ~hidden


def campaigns_for(user, today: dt.date | None = None):
    """Every campaign the user may open: organised in their scope, granted to them, or aimed at an
    organisation in their scope (unless still an unannounced visit)."""
    conditions = []
    organiser = _under(scope_prefixes(user, VIEW), "org__path")
    if organiser is not None:
        conditions.append(organiser)
    conditions.append(Q(pk__in=active_grants(user, today).values("campaign_id")))
    inspected = _visible_target_q(scope_prefixes(user, VIEW))
    if inspected is not None:
        conditions.append(Q(pk__in=Target.objects.filter(inspected).values("campaign_id")))
    above = {path for p in scope_prefixes(user, CHANGE) for path in ancestors_and_self(p)}
    if above:  # a 评选 open to the user's organisations: they may apply
        conditions.append(Q(kind__in=SELECTION_KINDS, closed=False, scope_org__path__in=above))
    return Campaign.objects.filter(reduce(or_, conditions)).select_related("org", "scope_org")


@dataclass
class Access:
    """What one user may do in one campaign."""

    campaign: Campaign
    organiser: bool = False
    manager: bool = False
    roles: set[str] = field(default_factory=set)
    inspected: bool = False
    applicant: bool = False

    @property
    def inspector(self) -> bool:
        return Role.INSPECTOR in self.roles or self.manager

    @property
    def judge(self) -> bool:
        return Role.JUDGE in self.roles

    @property
    def sees_all_targets(self) -> bool:
        return self.organiser or bool(self.roles)


def access_of(user, campaign: Campaign, today: dt.date | None = None) -> Access:
    path = campaign.org.path
    access = Access(campaign=campaign, organiser=path_in_scope(user, VIEW, path),
                    manager=path_in_scope(user, CHANGE, path))
    access.roles = set(active_grants(user, today).filter(campaign=campaign).values_list("role", flat=True))
    inspected = _visible_target_q(scope_prefixes(user, VIEW))
    access.inspected = inspected is not None and campaign.targets.filter(inspected).exists()
    access.applicant = campaign.kind in SELECTION_KINDS and not campaign.closed and any(
        p.startswith(campaign.scope_org.path) for p in scope_prefixes(user, CHANGE))
    return access


def campaign_or_404(user, pk, today: dt.date | None = None) -> tuple[Campaign, Access]:
    pk = parse_id(pk)
    campaign = Campaign.objects.select_related("org", "scope_org", "sheet").filter(pk=pk).first() if pk else None
    if campaign is None:
        raise Http404(NOT_FOUND)
    access = access_of(user, campaign, today)
    if not (access.organiser or access.roles or access.inspected or access.applicant):
        raise Http404(NOT_FOUND)
    return campaign, access


def targets_for(user, access: Access):
    """The targets this reader sees: all of them for the organiser and the granted, the reader's own
    (not hidden) for the inspected."""
    qs = access.campaign.targets.select_related("org")
    if access.sees_all_targets:
        return qs
    inspected = _visible_target_q(scope_prefixes(user, VIEW))
    return qs.filter(inspected) if inspected is not None else qs.none()


def findings_for(user, access: Access):
    qs = Finding.objects.filter(campaign=access.campaign).select_related(
        "target__org", "sheet_item", "item")
    if access.sees_all_targets:
        return qs
    return qs.filter(target__in=targets_for(user, access))


def positions_paths(user) -> list[str]:
    """The paths of every organisation the user holds a position in (any role)."""
    return list(Position.objects.filter(user=user).values_list("org__path", flat=True))


# -- the campaign report ------------------------------------------------------------------------------

@dataclass
class ReportRow:
    finding: Finding
    status: str
    status_label: str


def report_rows(findings, today: dt.date | None = None) -> list[ReportRow]:
    """Each finding with the state of its 三单 item (整改中 / 已销号 / 超期): one query."""
    from .choices import ItemStatus

    today = today or timezone.localdate()
    labels = dict(ItemStatus.choices)
    rows = []
    for f in findings.order_by("target__org__path", "sheet_item__position", "id"):
        state = f.item.state if f.item_id else None
        overdue = bool(f.item_id) and item_rules.is_overdue(f.item.deadline, f.item.state, today)
        status = rules.item_status(state, overdue)
        rows.append(ReportRow(finding=f, status=status, status_label=labels[status]))
    return rows


def status_counts(rows: list[ReportRow]) -> dict:
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.status] += 1
        counts["problems"] += r.finding.is_problem
    counts["total"] = len(rows)
    return dict(counts)


# -- scoring and ranking -----------------------------------------------------------------------------

@dataclass
class RankRow:
    target: Target
    judges: int
    totals: list
    combined: object
    grade: str = ""
    grade_label: str = ""
    place: int = 0


def ranking(campaign: Campaign) -> list[RankRow]:
    """Each target's judges' totals (one grouped query), the combined score and the grade."""
    from .choices import Grade

    totals: dict[int, list] = defaultdict(list)
    rows = (JudgeScore.objects.filter(campaign=campaign).values("target_id", "judge_id")
            .annotate(total=Sum("score")).order_by("target_id", "judge_id"))
    for r in rows:
        totals[r["target_id"]].append(r["total"])
    targets = list(campaign.targets.select_related("org"))
    combined = {t.pk: rules.combined_score(totals.get(t.pk, []), campaign.combine_method, campaign.trim_min_judges)
                for t in targets}
    grades = rules.rank(combined, campaign.advanced_share, campaign.lagging_share)
    labels = dict(Grade.choices)
    out = [RankRow(target=t, judges=len(totals.get(t.pk, [])), totals=sorted(totals.get(t.pk, []), reverse=True),
                   combined=combined[t.pk], grade=grades.get(t.pk, ""), grade_label=labels.get(grades.get(t.pk), ""))
           for t in targets]
    out.sort(key=lambda r: (r.combined is None, -(r.combined or 0), r.target.org.path))
    for place, row in enumerate(out, start=1):
        row.place = place if row.combined is not None else 0
    return out


# -- titles -------------------------------------------------------------------------------------------

def titles_for(user):
    """Titles held in the user's scope (by the holder), or named by a campaign organised there."""
    holder = _under(scope_prefixes(user, VIEW), "org__path")
    organiser = _under(scope_prefixes(user, VIEW), "campaign__org__path")
    if holder is None:
        return Title.objects.none()
    return Title.objects.filter(holder | organiser).select_related("org", "campaign")


def titles_of_org(user, org):
    if not path_in_scope(user, VIEW, org.path):
        return Title.objects.none()
    return Title.objects.filter(org=org).select_related("campaign").prefetch_related("reviews")


def township_of(path: str, root_depth_path: str) -> str:
    """The stratum key of an organisation: its ancestor one level below the scope root."""
    return path[: len(root_depth_path) + PATH_STEP]


def sample_candidates(campaign: Campaign, kinds: list[str]) -> list[rules.Candidate]:
    """All organisations of the given types in the campaign's subtree, with their township: one query."""
    root = campaign.scope_org.path
    qs = Organization.objects.filter(path__startswith=root).exclude(path=root)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return [rules.Candidate(org_id=pk, township=township_of(path, root), kind=kind)
            for pk, path, kind in qs.values_list("pk", "path", "kind").order_by("pk")]
