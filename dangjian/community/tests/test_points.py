"""What 双报到 registers for 民主评议 and 党员积分 (community/points.py): confirmed service hours become
computed points under the yearly rule, and the communities' feedback shows beside each member in
the 民主评议 — without the appraisal app importing this one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.appraisal import actions as appraisal
from dangjian.appraisal import queries as appraisal_queries
from dangjian.appraisal.models import PointsEntry
from dangjian.core.registry import member_facts, points_sources

from .. import actions
from ..points import HOURS, confirmed_hours, feedback


def _served(tree, side, accepted, days_ago: int, hours: str, confirm: bool | None = True):
    record = actions.record_enter(
        acting_user=side.secretary_c,  # the member's branch
        report=accepted,
        served_on=dt.date.today() - dt.timedelta(days=days_ago),
        hours=Decimal(hours),
        what="社区垃圾分类宣传",
    )
    if confirm is not None:
        record = actions.record_decide(
            acting_user=tree.secretary_b, record=record, confirm=confirm, reason="" if confirm else "当天未见到本人"
        )
    return record


@pytest.fixture
def year():
    return dt.date.today().year


def test_registered_for_appraisal():
    assert points_sources()[HOURS].unit == "小时"
    assert "community_feedback" in [f.name for f in member_facts()]


def test_only_confirmed_hours_of_the_year_in_the_subtree(tree, side, accepted, year):
    _served(tree, side, accepted, 1, "2.5")
    _served(tree, side, accepted, 2, "3")
    _served(tree, side, accepted, 3, "4", confirm=None)  # waiting for the community
    _served(tree, side, accepted, 4, "6", confirm=False)  # rejected
    assert confirmed_hours(tree.county, year) == {side.doctor.pk: Decimal("5.5")}
    assert confirmed_hours(tree.town2, year) == {side.doctor.pk: Decimal("5.5")}  # the member's side
    assert confirmed_hours(tree.town1, year) == {}  # the community's side is not the member's subtree
    assert confirmed_hours(tree.county, year - 1) == {}


def test_hours_become_points_once_and_follow_the_hours(tree, side, accepted, year):
    _served(tree, side, accepted, 1, "4")
    with pytest.raises(Exception, match="计分依据"):
        appraisal.source_rule_set(
            acting_user=tree.county_admin, org=tree.county, year=year, source="nothing", per=4, points=1, cap=10
        )
    appraisal.source_rule_set(
        acting_user=tree.county_admin, org=tree.county, year=year, source=HOURS, per=4, points=1, cap=10
    )
    start = dt.date(year, 1, 1)
    assert (
        appraisal.points_generate(acting_user=tree.county_admin, root=tree.county, start=start, end=dt.date.today())
        == 1
    )
    entry = PointsEntry.objects.get(key=f"{HOURS}:{year}:{side.doctor.pk}")
    assert entry.points == 1 and entry.state == "approved" and entry.origin == "event"
    assert "4 小时" in entry.reason and "示范县委" in entry.reason
    # 3.5 more hours: 7.5 is still one full 4 hours; 0.5 more makes 8 — two
    _served(tree, side, accepted, 2, "3.5")
    assert (
        appraisal.points_generate(acting_user=tree.county_admin, root=tree.county, start=start, end=dt.date.today())
        == 0
    )
    assert PointsEntry.objects.get(pk=entry.pk).points == 1
    _served(tree, side, accepted, 3, "0.5")
    appraisal.points_generate(acting_user=tree.county_admin, root=tree.county, start=start, end=dt.date.today())
    assert PointsEntry.objects.filter(key__startswith=f"{HOURS}:").count() == 1
    assert PointsEntry.objects.get(pk=entry.pk).points == 2
    # the nearest organisation's rule wins: the town counts every 2 hours, capped at 3
    appraisal.source_rule_set(
        acting_user=tree.county_admin, org=tree.town2, year=year, source=HOURS, per=2, points=1, cap=3
    )
    appraisal.points_generate(acting_user=tree.county_admin, root=tree.county, start=start, end=dt.date.today())
    entry = PointsEntry.objects.get(pk=entry.pk)
    assert entry.points == 3 and "上限 3 分" in entry.reason and "西山镇党委" in entry.reason
    assert appraisal_queries.member_ledger(side.doctor, year).total == 3


def test_feedback_beside_the_member_in_the_review(tree, side, accepted, client):
    last = dt.date.today().year - 1
    actions.feedback_give(
        acting_user=tree.secretary_b, report=accepted, year=last, rating="excellent", comment="积极参加社区志愿服务"
    )
    assert feedback([side.doctor.pk, side.retiree.pk], last) == {
        side.doctor.pk: ["东城镇新华社区党支部：优秀，积极参加社区志愿服务"]
    }
    review = appraisal.appraisal_start(acting_user=side.secretary_c, org=tree.c, year=last)
    client.force_login(side.secretary_c)
    page = client.get(reverse("appraisal:review", args=[review.pk])).content.decode()
    assert "社区反馈：东城镇新华社区党支部：优秀，积极参加社区志愿服务" in page
    assert page.count("member-fact") == 1  # the retiree has no feedback


def _generate_queries(tree, year) -> int:
    with CaptureQueriesContext(connection) as counted:
        appraisal.points_generate(
            acting_user=tree.county_admin, root=tree.county, start=dt.date(year, 1, 1), end=dt.date.today()
        )
    return len(counted)


def test_generation_queries_do_not_grow_with_members(tree, side, accepted, year):
    appraisal.source_rule_set(
        acting_user=tree.county_admin, org=tree.county, year=year, source=HOURS, per=1, points=1, cap=10
    )
    _served(tree, side, accepted, 1, "2")
    one = _generate_queries(tree, year)
    PointsEntry.objects.all().delete()
    report = actions.report_request(
        acting_user=side.secretary_c,
        member=side.retiree,
        community=tree.b,
        reported_on=dt.date.today() - dt.timedelta(days=50),
    )
    report = actions.report_accept(acting_user=tree.secretary_b, report=report, expected_version=report.version)
    _served(tree, side, report, 2, "3")
    two = _generate_queries(tree, year)
    assert two == one
    assert sorted(PointsEntry.objects.values_list("points", flat=True)) == [2, 3]
    print(f"service-hours points: {one} queries for one member and for two")
