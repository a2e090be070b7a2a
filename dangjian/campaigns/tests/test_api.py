"""The API backs every page: create, draw, grant, record, convert, score, rank, 评选, titles."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.campaigns import actions
from dangjian.campaigns.choices import CampaignKind, Role
from dangjian.core.actors import SYSTEM
from dangjian.testing import make_org, make_user

from .conftest import SHEET, make_campaign

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _create(client, tree, **extra):
    today = timezone.localdate()
    body = {"kind": "inspection", "title": "集中督查", "org": tree.county.pk, "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
            "sheet": [{"title": s["title"], "max_score": s["max_score"]} for s in SHEET], **extra}
    return client.post("/api/campaigns/campaigns", body, content_type="application/json")


def test_inspection_end_to_end_over_the_api(tree, login, outsider):
    for i in range(3):
        make_org(tree.town1, f"东城镇第{i}党支部", f"C0001-01-2{i:02d}")
    client = login(tree.county_admin)
    response = _create(client, tree)
    assert response.status_code == 201, response.content
    campaign = response.json()
    assert campaign["access"]["manager"] and len(campaign["sheet"]) == 3
    cid = campaign["id"]
    drawn = client.post(f"/api/campaigns/campaigns/{cid}/targets/sample", {"size": 3, "seed": 99, "kinds": ["branch"]},
                        content_type="application/json")
    assert drawn.status_code == 200 and len(drawn.json()) == 3
    assert client.get(f"/api/campaigns/campaigns/{cid}/targets/check").json()["ok"]
    again = client.post(f"/api/campaigns/campaigns/{cid}/targets/chosen", {"orgs": [tree.a.pk]},
                        content_type="application/json")
    assert again.status_code == 422
    grant = client.post(f"/api/campaigns/campaigns/{cid}/grants", {"username": "outsider", "role": "inspector"},
                        content_type="application/json")
    assert grant.status_code == 201
    target = drawn.json()[0]["id"]
    outside = login(outsider)
    posted = outside.post(f"/api/campaigns/campaigns/{cid}/targets/{target}/findings",
                          {"text": "支部手册填写不规范", "is_problem": "true", "photos": [_png()]})
    assert posted.status_code == 201, posted.content
    assert posted.json()["photos"] == 1 and posted.json()["item"] is None
    fid = posted.json()["id"]
    assert outside.post(f"/api/campaigns/campaigns/{cid}/findings/{fid}/item", {"deadline": "2026-12-31"},
                        content_type="application/json").status_code == 403
    admin = login(tree.county_admin)
    converted = admin.post(f"/api/campaigns/campaigns/{cid}/findings/{fid}/item", {"deadline": "2030-12-31"},
                           content_type="application/json")
    assert converted.status_code == 200 and converted.json()["status"] == "rectifying"
    findings = admin.get(f"/api/campaigns/campaigns/{cid}/findings").json()
    assert [f["status_label"] for f in findings] == ["整改中"]


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("现场.png", PNG, content_type="image/png")


def test_bad_input_is_422_in_chinese(tree, login):
    client = login(tree.county_admin)
    response = _create(client, tree, advanced_share=80, lagging_share=30)
    assert response.status_code == 422 and "比例之和不能超过" in response.json()["detail"][0]["message"]
    response = _create(client, tree, org=tree.a.pk + 100000)
    assert response.status_code == 422


def test_secretary_may_not_manage_and_unknown_is_404(tree, login):
    campaign = make_campaign(tree, timezone.localdate())
    client = login(tree.secretary_a)
    assert client.get(f"/api/campaigns/campaigns/{campaign.pk}").status_code == 404
    actions.targets_choose(acting_user=SYSTEM, campaign=campaign, orgs=[tree.a])
    assert client.get(f"/api/campaigns/campaigns/{campaign.pk}").status_code == 200
    assert client.post(f"/api/campaigns/campaigns/{campaign.pk}/close").status_code == 403


def test_observation_scores_and_ranking(tree, login):
    observe = make_campaign(tree, timezone.localdate(), kind=CampaignKind.OBSERVATION, title="观摩")
    actions.targets_choose(acting_user=SYSTEM, campaign=observe, orgs=[tree.a, tree.b])
    judge = make_user("judge_api", org=tree.b)
    actions.participant_grant(acting_user=SYSTEM, campaign=observe, user=judge, role=Role.JUDGE)
    client = login(judge)
    ta, tb = observe.targets.order_by("draw_order")
    item = observe.sheet.items.first()
    ok = client.put(f"/api/campaigns/campaigns/{observe.pk}/targets/{ta.pk}/scores", {"scores": {item.pk: 33}},
                    content_type="application/json")
    assert ok.status_code == 200
    own = client.put(f"/api/campaigns/campaigns/{observe.pk}/targets/{tb.pk}/scores", {"scores": {item.pk: 40}},
                     content_type="application/json")
    assert own.status_code == 403 and "本单位" in own.json()["detail"]
    ranking = login(tree.county_admin).get(f"/api/campaigns/campaigns/{observe.pk}/ranking").json()
    assert ranking[0]["combined"] == "33.00" and ranking[1]["combined"] is None


def test_selection_stages_and_titles(tree, login):
    selection = make_campaign(tree, timezone.localdate(), kind=CampaignKind.SITE_SELECTION, title="示范点评选")
    secretary = login(tree.secretary_a)
    response = secretary.post(f"/api/campaigns/campaigns/{selection.pk}/applications",
                              {"org": tree.a.pk, "name": "红星示范点", "description": "阵地规范"},
                              content_type="application/json")
    assert response.status_code == 201
    aid = response.json()["id"]
    admin = login(tree.county_admin)

    def stage(name, **body):
        return admin.post(f"/api/campaigns/applications/{aid}/{name}", body, content_type="application/json")

    assert stage("pass").json()["state"] == "screened"
    assert stage("publicity", starts_on="2026-06-22", ends_on="2026-06-25").status_code == 422
    assert stage("publicity", starts_on="2020-06-01", ends_on="2020-06-05").json()["state"] == "publicity"
    assert stage("name", certificate_no="SFD-001").json()["state"] == "named"
    titles = admin.get("/api/campaigns/titles").json()["items"]
    assert titles[0]["name"] == "红星示范点"
    review = admin.post(f"/api/campaigns/titles/{titles[0]['id']}/reviews",
                        {"year": 2027, "kept": False, "note": "撤并"}, content_type="application/json")
    assert review.status_code == 201
    assert admin.get(f"/api/campaigns/titles/{titles[0]['id']}").json()["state"] == "withdrawn"
