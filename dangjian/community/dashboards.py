"""双报到 on the 数据看板 (``core.registry.register_dashboard``): the level's 报到率 by kind, the
reporters' confirmed service hours and the feedback received, for the board's year. A large subtree
reads it from the shared summaries (``core.summaries``, checked by ``dangjian verify-summaries``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from dangjian.core.registry import register_dashboard
from dangjian.core.summaries import register_summary, summary_of

from . import queries


def rates_summary(org, variant: str) -> queries.ReportingFacts:
    return queries.reporting_facts(org.path, int(variant)).get(org.path, queries.ReportingFacts())


def _years() -> list[str]:
    return [str(timezone.localdate().year)]


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate}%"


def _panel(request, org, board):
    year = board["day"].year
    facts = summary_of("community.rates", org, str(year)).value
    if not facts.should and not facts.reporters:
        return None
    return {"year": year, "url": f"{reverse('community:overview')}?org={org.pk}&year={year}", "rows": [
        ("应报到党员", facts.should), ("已报到", facts.reported), ("报到率", _percent(facts.rate)),
        ("在职党员报到率", _percent(facts.rate_in_service)), ("离退休党员报到率", _percent(facts.rate_retired)),
        ("社区确认的服务时长（小时）", facts.hours), ("服务时长达标人数", facts.hours_met),
        ("收到社区年度反馈", facts.feedback)]}


register_summary("community.rates", rates_summary, variants=_years)
register_dashboard("community.rates", "community/_panel_dashboard.html", _panel, order=60)
