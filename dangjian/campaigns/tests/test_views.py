"""Pages: each reader sees what the campaign grants them, writes go through the actions."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.campaigns import actions
from dangjian.campaigns.choices import CampaignKind, Role
from dangjian.campaigns.models import Campaign, Finding
from dangjian.core.actors import SYSTEM
from dangjian.core.models import ChangeRecord
from dangjian.testing import make_user
from dangjian.worklists.models import WorkItem

from .conftest import make_campaign

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def live(tree):
    today = timezone.localdate()
    campaign = make_campaign(tree, today)
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a, tree.b])
    return campaign


def test_create_campaign_page(tree, login):
    client = login(tree.county_admin)
    response = client.post("/campaigns/new/", {
        "kind": "inspection", "title": "三季度集中督查", "org": tree.county.code, "starts_on": "2026-07-01",
        "ends_on": "2026-07-31", "sheet": "三会一课|40|\n阵地|abc|", "combine_method": "trimmed",
        "trim_min_judges": 5, "advanced_share": 30, "lagging_share": 10})
    assert response.status_code == 200 and "第 2 行：满分“abc”不是数字" in response.content.decode()
    response = client.post("/campaigns/new/", {
        "kind": "inspection", "title": "三季度集中督查", "org": tree.county.code, "starts_on": "2026-07-01",
        "ends_on": "2026-07-31", "sheet": "三会一课|40|\n阵地|60|", "combine_method": "trimmed",
        "trim_min_judges": 5, "advanced_share": 30, "lagging_share": 10})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.sheet.items.count() == 2


def test_secretary_cannot_create_for_the_county(tree, login):
    client = login(tree.secretary_a)
    response = client.post("/campaigns/new/", {
        "kind": "inspection", "title": "x", "org": tree.county.code, "starts_on": "2026-07-01",
        "ends_on": "2026-07-31", "sheet": "a|1|", "combine_method": "mean", "trim_min_judges": 5,
        "advanced_share": 30, "lagging_share": 10})
    assert response.status_code == 200 and not Campaign.objects.exists()


def test_finding_on_a_phone_becomes_an_item_and_shows_in_the_report(tree, live, login):
    client = login(tree.county_admin)
    target = live.targets.get(org=tree.a)
    page = client.get(f"/campaigns/{live.pk}/targets/{target.pk}/finding/")
    assert page.status_code == 200 and 'id="finding-form"' in page.content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    photo = io.BytesIO(PNG)
    photo.name = "现场.png"
    response = client.post(f"/campaigns/{live.pk}/targets/{target.pk}/finding/", {
        "text": "党员活动室未规范挂牌", "is_problem": "on", "deadline": deadline, "photos": [photo]})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.item.org == tree.a and finding.photos.count() == 1
    report = client.get(f"/campaigns/{live.pk}/report/").content.decode()
    assert "党员活动室未规范挂牌" in report and "整改中" in report
    book = load_workbook(io.BytesIO(b"".join(client.get(f"/campaigns/{live.pk}/report.xlsx").streaming_content)))
    assert book.sheetnames == ["基本情况", "发现问题", "整改要求"]
    assert book["发现问题"]["E2"].value == "党员活动室未规范挂牌"
    doc = Document(io.BytesIO(client.get(f"/campaigns/{live.pk}/report.docx").content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[1:] == ["一、基本情况", "二、发现问题", "三、整改要求"]
    assert ChangeRecord.objects.filter(action="export", object_type="campaigns.finding").count() == 2


def test_outside_inspector_pages(tree, live, login, outsider):
    actions.participant_grant(acting_user=SYSTEM, campaign=live, user=outsider, role=Role.INSPECTOR)
    client = login(outsider)
    assert "督查评选" in client.get("/campaigns/").content.decode()
    target = live.targets.get(org=tree.a)
    assert client.get(f"/campaigns/{live.pk}/targets/{target.pk}/finding/").status_code == 200
    response = client.post(f"/campaigns/{live.pk}/targets/{target.pk}/finding/",
                           {"text": "会议记录不全", "is_problem": "on"})
    assert response.status_code == 302 and Finding.objects.get().item is None
    assert client.get(f"/orgs/{tree.a.pk}/").status_code == 404  # no wider scope than the campaign
    assert client.post(f"/campaigns/{live.pk}/close/").status_code == 403
    other = make_campaign(tree, timezone.localdate(), title="别的督查")
    assert client.get(f"/campaigns/{other.pk}/").status_code == 404


def test_branch_sees_its_own_target_only_and_unannounced_not_at_all(tree, live, login):
    hidden = make_campaign(tree, timezone.localdate(), kind=CampaignKind.UNANNOUNCED, title="七月夜访")
    actions.targets_choose(acting_user=SYSTEM, campaign=hidden, orgs=[tree.a])
    client = login(tree.secretary_a)
    listing = client.get("/campaigns/").content.decode()
    assert live.title in listing and "七月夜访" not in listing
    detail = client.get(f"/campaigns/{live.pk}/").content.decode()
    assert tree.a.name in detail and tree.b.name not in detail
    assert client.get(f"/campaigns/{hidden.pk}/").status_code == 404


def test_judge_page_and_ranking(tree, login):
    observe = make_campaign(tree, timezone.localdate(), kind=CampaignKind.OBSERVATION, title="观摩")
    actions.targets_choose(acting_user=SYSTEM, campaign=observe, orgs=[tree.a, tree.c])
    judge = make_user("judge_x")
    actions.participant_grant(acting_user=SYSTEM, campaign=observe, user=judge, role=Role.JUDGE)
    client = login(judge)
    target = observe.targets.get(org=tree.a)
    item = observe.sheet.items.first()
    response = client.post(f"/campaigns/{observe.pk}/targets/{target.pk}/score/", {f"item-{item.pk}": "99"})
    assert "不能超过该项满分" in response.content.decode()
    response = client.post(f"/campaigns/{observe.pk}/targets/{target.pk}/score/", {f"item-{item.pk}": "36"})
    assert response.status_code == 302
    assert client.get(f"/campaigns/{observe.pk}/ranking/").status_code == 403
    admin = login(tree.county_admin)
    ranking = admin.get(f"/campaigns/{observe.pk}/ranking/").content.decode()
    assert "36.00" in ranking


def test_selection_pages_and_org_page_history(tree, login):
    selection = make_campaign(tree, timezone.localdate(), kind=CampaignKind.BRAND_SELECTION, title="品牌评选")
    client = login(tree.secretary_a)
    response = client.post(f"/campaigns/{selection.pk}/apply/", {"org": tree.a.code, "name": "红星先锋",
                                                                 "description": "事迹"})
    assert response.status_code == 302
    application = selection.applications.get()
    admin = login(tree.county_admin)
    admin.post(f"/campaigns/applications/{application.pk}/pass/", {"note": ""})
    response = admin.post(f"/campaigns/applications/{application.pk}/publicity/",
                          {"starts_on": "2026-06-22", "ends_on": "2026-06-24"})
    assert "不少于 5 个工作日" in admin.get(response.url).content.decode()
    admin.post(f"/campaigns/applications/{application.pk}/publicity/",
               {"starts_on": "2020-06-01", "ends_on": "2020-06-08"})
    admin.post(f"/campaigns/applications/{application.pk}/name/", {"certificate_no": "PP-1"})
    application.refresh_from_db()
    assert application.state == "named"
    page = login(tree.secretary_a).get(f"/orgs/{tree.a.pk}/").content.decode()
    assert 'id="campaign-titles"' in page and "红星先锋" in page
    assert WorkItem.objects.count() == 0
