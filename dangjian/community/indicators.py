"""报到率 as a computed 考核评价 indicator (``core.registry.register_indicator``): the assessment
scores it, this app counts — members who should report (离退休 and 在职 by the rules of
``rules.expected_kind``) and have been accepted by a community, each organisation counting its own
subtree, with ``queries.reporting_facts``'s four grouped queries for the whole subtree."""

from __future__ import annotations

import datetime as dt

from dangjian.core.actors import SYSTEM
from dangjian.core.registry import RATE, register_indicator
from dangjian.orgs.models import Organization

from . import queries
from .choices import ReportStatus

CODE = "community_rate"


def gather(root, year: int, org_ids, today: dt.date) -> dict[int, tuple[int, int]]:
    facts = queries.reporting_facts(root.path, year)
    paths = Organization.objects.filter(pk__in=list(org_ids)).values_list("pk", "path")
    return {pk: (facts[path].reported, facts[path].should) for pk, path in paths if path in facts}


def evidence(org, year: int, today: dt.date) -> list[tuple]:
    """The members of the subtree who should report and have not been accepted by a community."""
    found = []
    for line in queries.branch_lines(SYSTEM, org, year):
        if line.expected_kind is None:
            continue
        if line.report is None or line.report.status != ReportStatus.ACCEPTED:
            state = "尚未报到" if line.report is None else f"报到{line.report.get_status_display()}"
            found.append((line.member.name, state, "members:detail", line.member.pk))
    return found[:500]


register_indicator(CODE, "党员报到率", RATE, gather, evidence, wording="已报到/应报到（人）",
                   none_text="本组织没有应报到的党员，按满分计")
