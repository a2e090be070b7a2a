"""Demo 流动党员: an outflow for every demo member the organisation demo flagged 流出 (about 1–2% of a
county's members, so the flag and the records agree), each with its 流动党员活动证 — most valid, some
ending within 30 days, some expired — and reports back (most on time, some overdue, a few never heard
from: 疑似失联, some of them already marked 失去联系); a few earlier outflows that ended (returned,
transferred); an inflow for every member flagged 流入, plus three people from one place taking part in
one branch (the 临时党支部 suggestion).

Written with ``bulk_create`` (the demo is one audited "载入演示数据", not a record per row). Same seed
and day → same data."""

from __future__ import annotations

import datetime as dt
import random
import sys

from django.db import transaction

from dangjian.core.registry import register_demo
from dangjian.members.choices import FlowStatus, PartyStatus
from dangjian.members.models import Member

from . import rules
from .choices import InflowStatus, OutflowStatus, ReportKind, ReportMethod
from .models import ActivityCard, FlowReport, Inflow, Outflow

BATCH = 5000
REASONS = ["外出务工", "经商", "求学", "随子女居住", "外派工作", "务工（建筑）"]
GROUP_PLACE = "四川省南充市"
GROUP_NAMES = ["何建军", "蒲晓燕", "杜文斌"]


def _outflow(rng: random.Random, member: dict, today: dt.date, number: int):
    """An outflow with its card and reports, following one of the patterns a county sees."""
    months_away = rng.randint(2, 40)
    left_on = rules.add_months(today, -months_away) - dt.timedelta(days=rng.randint(0, 27))
    roll = rng.random()
    pattern = "ok" if roll < 0.70 else "overdue" if roll < 0.85 else "silent" if roll < 0.93 else "lost"
    outflow = Outflow(member_id=member["id"], org_id=member["org_id"], place=member["flow_place"] or "外地",
                      reason=rng.choice(REASONS), left_on=left_on, contact=member["phone_masked"],
                      status=OutflowStatus.LOST if pattern == "lost" else OutflowStatus.AWAY,
                      receiving_org_text=f"{member['flow_place']}流动党员党支部" if rng.random() < 0.4 else "")
    card_roll = rng.random()
    if card_roll < 0.10:
        expires = today + dt.timedelta(days=rng.randint(0, 30))  # ending within 30 days
    elif card_roll < 0.20:
        expires = today - dt.timedelta(days=rng.randint(1, 200))  # expired
    else:
        expires = today + dt.timedelta(days=rng.randint(31, 700))
    card = ActivityCard(number=f"LD{today:%Y}{number:06d}", issued_on=min(left_on, expires - dt.timedelta(days=365)),
                        expires_on=expires)
    reports = []
    if pattern == "ok":  # a yearly report each year, and a contact now and then
        day = left_on
        while (day := rules.add_months(day, rng.randint(8, 11))) <= today:
            reports.append(FlowReport(reported_on=day, kind=ReportKind.YEARLY, method=rng.choice(ReportMethod.values),
                                      content="报告外出期间思想、工作情况，参加流入地党组织活动情况。"))
    elif pattern == "overdue" and months_away > 13:  # contacts, but the yearly report is over a year old
        reports.append(FlowReport(reported_on=rules.add_months(left_on, 1), kind=ReportKind.YEARLY,
                                  method=ReportMethod.PHONE, content="电话报告到达务工地的情况。"))
        reports.append(FlowReport(reported_on=today - dt.timedelta(days=rng.randint(10, 90)),
                                  kind=ReportKind.CONTACT, method=ReportMethod.ONLINE, content="微信联系，近况良好。"))
    return outflow, card, reports


@transaction.atomic
def generate(*, seed: int, today: dt.date, stdout=None, **_) -> None:
    rng = random.Random(seed * 37 + 16)
    flagged = list(Member.objects.filter(status=PartyStatus.NORMAL, flow_status__in=[FlowStatus.OUT, FlowStatus.IN])
                   .order_by("id").values("id", "org_id", "flow_status", "flow_place", "phone_masked", "name"))
    if not flagged:
        _say(stdout, "没有流动党员标记：跳过流动党员演示数据")
        return
    outflows, cards, reports, inflows = [], [], [], []
    for member in flagged:
        if member["flow_status"] == FlowStatus.OUT:
            outflow, card, rows = _outflow(rng, member, today, len(outflows) + 1)
            outflows.append(outflow)
            cards.append(card)
            reports.append(rows)
        else:
            place = member["flow_place"] or "外地"
            inflows.append(Inflow(member_id=member["id"], org_id=member["org_id"], name=member["name"],
                                  origin_place=place, origin_org=f"{place}某党支部", home_contact="原支部组织委员",
                                  arrived_on=today - dt.timedelta(days=rng.randint(30, 900))))
    # earlier outflows that ended: members back home (no flag) who had been away
    home = list(Member.objects.filter(status=PartyStatus.NORMAL, flow_status="").order_by("id")
                .values_list("id", "org_id")[:: 97][:max(3, len(outflows) // 5)])
    for member_id, org_id in home:
        left_on = rules.add_months(today, -rng.randint(14, 48))
        closed = rules.add_months(left_on, rng.randint(4, 12))
        outflows.append(Outflow(member_id=member_id, org_id=org_id, place="广东省深圳市", reason="外出务工",
                                left_on=left_on, closed_on=closed,
                                status=rng.choice([OutflowStatus.RETURNED, OutflowStatus.TRANSFERRED])))
    Outflow.objects.bulk_create(outflows, batch_size=BATCH)
    for outflow, card in zip(outflows, cards, strict=False):
        card.outflow_id = outflow.pk
    ActivityCard.objects.bulk_create(cards, batch_size=BATCH)
    rows = []
    for outflow, batch in zip(outflows, reports, strict=False):
        for report in batch:
            report.outflow_id = outflow.pk
            rows.append(report)
    FlowReport.objects.bulk_create(rows, batch_size=BATCH)
    group_org = flagged[0]["org_id"]
    inflows += [Inflow(org_id=group_org, name=name, origin_place=GROUP_PLACE, origin_org="南充市顺庆区某村党支部",
                       home_contact="0817-2200000", arrived_on=today - dt.timedelta(days=200 + i * 30),
                       status=InflowStatus.ACTIVE) for i, name in enumerate(GROUP_NAMES)]
    Inflow.objects.bulk_create(inflows, batch_size=BATCH)
    _say(stdout, f"流动党员演示数据：{len(cards)} 名外出党员（含活动证），{len(rows)} 份报告，"
                 f"{len(outflows) - len(cards)} 条已结束的外出，{len(inflows)} 名流入党员")


def wipe() -> None:
    FlowReport.objects.all().delete()
    ActivityCard.objects.all().delete()
    Outflow.objects.all().delete()
    Inflow.objects.all().delete()


def count() -> int:
    return Outflow.objects.count()


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


# after orglife: its churn (deaths, 出党) settles who is still away
register_demo("mobility", generate, wipe=wipe, count=count, after=("orgs", "orglife"), label="流动党员")

if __name__ == "__main__":  # pragma: no cover
    sys.exit("请通过 dangjian demo-data 生成演示数据")
