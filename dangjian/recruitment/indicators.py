"""发展党员程序问题 as a computed 考核评价 indicator (``core.registry.register_indicator``): the flags the
rules left on the cases an organisation's subtree worked on in the year (a step recorded in it); the
assessment deducts per flag. Two queries for the whole subtree: the flags grouped by the case's
organisation (rolled up by path), and the assessed organisations' paths."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from dangjian.core.registry import COUNT, register_indicator
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import roll_up

from .models import CaseStep, RecruitmentCase

CODE = "recruitment_breaches"


def _flagged(path: str, year: int):
    worked = CaseStep.objects.filter(done_on__year=year).values("case_id")
    return RecruitmentCase.objects.filter(org__path__startswith=path, flag_count__gt=0, pk__in=worked)


def gather(root, year: int, org_ids, today: dt.date) -> dict[int, int]:
    rows = (_flagged(root.path, year).order_by().values("org__path").annotate(n=Sum("flag_count"))
            .values_list("org__path", "n"))
    totals = roll_up(dict(rows))
    paths = Organization.objects.filter(pk__in=list(org_ids)).values_list("pk", "path")
    return {pk: totals.get(path, 0) for pk, path in paths}


def evidence(org, year: int, today: dt.date) -> list[tuple]:
    return [(case.name, flag.get("reason", ""), "recruitment:detail", case.pk)
            for case in _flagged(org.path, year).order_by("org__path", "applied_on", "pk")[:200]
            for flag in case.flags]


register_indicator(CODE, "发展党员程序问题", COUNT, gather, evidence, wording="项发展党员程序问题")
