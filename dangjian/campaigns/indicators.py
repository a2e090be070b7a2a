"""督查 and 观摩 results as computed 考核评价 indicators (``core.registry.register_indicator``): the
assessment scores them, this app counts, each organisation over its own subtree.

- ``campaign_overdue``: problems a 督查 (集中督查、专项检查、随机暗访、整改回头看) of the year found in the
  subtree whose 问题清单 item is past its deadline and not 销号 — the speeches' complaint is findings
  that never reach 销号; one query for the whole subtree.
- ``observation_lagging``: sites of the subtree graded 落后 in a 观摩 (示范观摩) of the year, graded
  by the campaign's own rule (combined score, shares) from the judges' sheets; two queries for all
  the year's 观摩 together, whatever their number.

A campaign belongs to the year it started in."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Sum

from dangjian.core.registry import COUNT, register_indicator
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import roll_up
from dangjian.worklists import rules as item_rules

from . import rules
from .choices import INSPECTION_KINDS, CampaignKind, Grade
from .models import Campaign, Finding, JudgeScore, Target

OVERDUE = "campaign_overdue"
LAGGING = "observation_lagging"
OBSERVATION_KINDS = (CampaignKind.OBSERVATION, CampaignKind.DEMO_OBSERVATION)


def _per_assessed(counts: dict[str, int], org_ids) -> dict[int, int]:
    totals = roll_up(counts)
    paths = Organization.objects.filter(pk__in=list(org_ids)).values_list("pk", "path")
    return {pk: totals.get(path, 0) for pk, path in paths}


def _problems(path: str, year: int):
    return Finding.objects.filter(campaign__kind__in=INSPECTION_KINDS, campaign__starts_on__year=year,
                                  target__org__path__startswith=path, is_problem=True, item__isnull=False)


def overdue_gather(root, year: int, org_ids, today: dt.date) -> dict[int, int]:
    counts: Counter = Counter()
    for path, deadline, state in _problems(root.path, year).values_list(
            "target__org__path", "item__deadline", "item__state"):
        counts[path] += item_rules.is_overdue(deadline, state, today)
    return _per_assessed(counts, org_ids)


def overdue_evidence(org, year: int, today: dt.date) -> list[tuple]:
    found = (_problems(org.path, year).select_related("campaign", "target__org", "item")
             .order_by("target__org__path", "item__deadline", "pk"))
    return [(f.target.org.display_name, f"{f.campaign.title}：{f.item.title}，时限 {f.item.deadline:%Y-%m-%d} 未销号",
             "worklists:detail", f.item_id)
            for f in found if item_rules.is_overdue(f.item.deadline, f.item.state, today)][:200]


def graded_sites(path: str, year: int) -> list[tuple[Campaign, Target, str]]:
    """(campaign, target, grade) for the sites under ``path`` in the year's 观摩, each campaign graded
    over all its sites (a grade is relative to the whole field, not to the subtree's part of it)."""
    campaigns = {c.pk: c for c in Campaign.objects.filter(
        kind__in=OBSERVATION_KINDS, starts_on__year=year, targets__org__path__startswith=path).distinct()}
    if not campaigns:
        return []
    totals: dict[tuple[int, int], list] = defaultdict(list)
    sheets = JudgeScore.objects.filter(campaign_id__in=list(campaigns)).values("campaign_id", "target_id", "judge_id")
    for row in sheets.annotate(total=Sum("score")).order_by():
        totals[(row["campaign_id"], row["target_id"])].append(row["total"])
    grades: dict[int, str] = {}
    by_campaign: dict[int, dict[int, object]] = defaultdict(dict)
    for (campaign_id, target_id), values in totals.items():
        c = campaigns[campaign_id]
        by_campaign[campaign_id][target_id] = rules.combined_score(values, c.combine_method, c.trim_min_judges)
    for campaign_id, scores in by_campaign.items():
        c = campaigns[campaign_id]
        grades.update(rules.rank(scores, c.advanced_share, c.lagging_share))
    targets = Target.objects.filter(campaign_id__in=list(campaigns), org__path__startswith=path).select_related("org")
    return [(campaigns[t.campaign_id], t, grades[t.pk]) for t in targets.order_by("org__path", "pk") if t.pk in grades]


def lagging_gather(root, year: int, org_ids, today: dt.date) -> dict[int, int]:
    counts: Counter = Counter()
    for _campaign, target, grade in graded_sites(root.path, year):
        counts[target.org.path] += grade == Grade.LAGGING
    return _per_assessed(counts, org_ids)


def lagging_evidence(org, year: int, today: dt.date) -> list[tuple]:
    return [(target.org.display_name, f"{campaign.title}：评为落后", "campaigns:detail", campaign.pk)
            for campaign, target, grade in graded_sites(org.path, year) if grade == Grade.LAGGING]


register_indicator(OVERDUE, "督查问题超期未整改", COUNT, overdue_gather, overdue_evidence,
                   wording="项督查发现的问题超期未销号")
register_indicator(LAGGING, "观摩评比落后", COUNT, lagging_gather, lagging_evidence, wording="个现场观摩评为落后")
