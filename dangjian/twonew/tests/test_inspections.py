"""A 督查 marked 检查阵地 fills the 阵地 list's 最近检查 from its recorded visits: the latest visit to the
centre's organisation with its problem count, unless a later inspection was entered by hand; a campaign
not marked, or a target not yet visited (a 随机暗访 still hidden), shows nothing."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.campaigns import actions as campaign_actions
from dangjian.campaigns.models import Target
from dangjian.campaigns.tests.conftest import make_campaign
from dangjian.core.actors import SYSTEM
from dangjian.testing import api_client
from dangjian.twonew import queries
from dangjian.twonew.models import Centre

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def visit(campaign, org, *, problems: int, on: dt.date):
    campaign_actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[org])
    target = Target.objects.get(campaign=campaign, org=org)
    for n in range(problems + 1):
        campaign_actions.finding_record(acting_user=SYSTEM, target=target, text=f"发现{n}", is_problem=n < problems,
                                        to_item=False, today=TODAY)
    Target.objects.filter(pk=target.pk).update(
        visited_at=timezone.make_aware(dt.datetime.combine(on, dt.time(10))))


def test_the_latest_visit_of_a_centre_campaign_is_the_inspection(tree):
    room = Centre.objects.create(org=tree.a, kind="activity_room", name="红星村党员活动室")
    other = Centre.objects.create(org=tree.b, kind="activity_room", name="新华村党员活动室",
                                  inspected_on=dt.date(2026, 6, 20), inspection_note="六有齐全")
    spring = make_campaign(tree, TODAY, title="阵地专项检查（春）", checks_centres=True)
    summer = make_campaign(tree, TODAY, title="阵地专项检查（夏）", checks_centres=True)
    plain = make_campaign(tree, TODAY, title="组织生活督查")
    visit(spring, tree.a, problems=2, on=dt.date(2026, 4, 1))
    visit(summer, tree.a, problems=0, on=dt.date(2026, 6, 1))
    visit(plain, tree.a, problems=5, on=dt.date(2026, 6, 10))  # not a 阵地 check
    visit(spring, tree.b, problems=1, on=dt.date(2026, 6, 1))  # older than the one entered by hand
    campaign_actions.targets_choose(acting_user=SYSTEM, campaign=summer, orgs=[tree.b])  # chosen, not visited

    found = {c.name: c.campaign_check for c in queries.with_inspections(Centre.objects.order_by("id"))}
    assert found["红星村党员活动室"] == queries.Inspection(dt.date(2026, 6, 1), "阵地专项检查（夏）", 0)
    assert found["新华村党员活动室"] is None
    assert room.inspected_on is None and other.inspection_note == "六有齐全"


def test_the_centre_list_shows_it(tree, login):
    Centre.objects.create(org=tree.a, kind="activity_room", name="红星村党员活动室")
    campaign = make_campaign(tree, TODAY, title="阵地专项检查", checks_centres=True)
    visit(campaign, tree.a, problems=2, on=dt.date(2026, 5, 3))
    page = login(tree.secretary_a).get("/twonew/centres/").content.decode()
    assert "2026-05-03 《阵地专项检查》发现问题 2 条" in page
    listed = api_client(tree.secretary_a).get("/api/twonew/centres").json()["items"]
    assert [c["campaign_check"] for c in listed] == ["2026-05-03 《阵地专项检查》发现问题 2 条"]
    export = login(tree.county_admin).get(f"/twonew/centres/?org={tree.county.pk}&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    rows = list(book["阵地"].iter_rows(values_only=True))
    assert rows[0][-1] == "督查到访（检查阵地）" and rows[1][-1] == "2026-05-03 《阵地专项检查》发现问题 2 条"


def test_the_flag_is_set_through_the_api(tree):
    from dangjian.campaigns.tests.conftest import SHEET

    response = api_client(tree.county_admin).post("/api/campaigns/campaigns", data={
        "kind": "inspection", "title": "阵地专项检查", "org": tree.county.pk, "starts_on": "2026-06-01",
        "ends_on": "2026-06-30", "sheet": SHEET, "checks_centres": True}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["checks_centres"] is True
