"""The API: the same actions, 404 out of scope, 409 on a stale version, 422 in Chinese."""

import pytest

from dangjian.appraisal.models import ReportEntry

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_review_through_the_api(tree, login, review_meeting):
    client = login(tree.secretary_a)
    response = client.post("/api/appraisal/reviews", {"org": tree.a.pk, "year": YEAR, "meeting": review_meeting.pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["meeting_id"] == review_meeting.pk and len(body["people"]) == 4
    pk, person = body["id"], body["people"][0]
    bad = client.patch(f"/api/appraisal/people/{person['id']}", {"version": 1, "grade": "excellent"},
                       content_type="application/json")
    assert bad.status_code == 422 and "当前环节" in bad.json()["detail"][0]["message"]
    stale = client.post(f"/api/appraisal/reviews/{pk}/advance", {"version": 9}, content_type="application/json")
    assert stale.status_code == 409
    ok = client.post(f"/api/appraisal/reviews/{pk}/advance", {"version": 1}, content_type="application/json")
    assert ok.json()["stage"] == "peer"
    overview = client.get(f"/api/appraisal/overview?year={YEAR}").json()
    assert overview["total"]["started"] == 1 and overview["total"]["pending"] == 4
    assert login(tree.secretary_b).get(f"/api/appraisal/reviews/{pk}").status_code == 404


def test_round_tallies_and_rules_through_the_api(tree, login):
    client = login(tree.county_admin)
    response = client.post("/api/appraisal/rounds", {"org": tree.town1.pk, "year": YEAR},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    entry = ReportEntry.objects.get(org=tree.a)
    tallies = client.put(f"/api/appraisal/entries/{entry.pk}/tallies",
                         {"version": 1, "good": 3, "fairly_good": 0, "average": 0, "poor": 7},
                         content_type="application/json")
    assert tallies.json()["result"] == "poor"
    refused = client.post("/api/appraisal/points/rules", {"org": tree.county.pk, "category": "duty",
                                                          "name": "文章点赞", "points": 1},
                          content_type="application/json")
    assert refused.status_code == 422 and "点赞" in refused.json()["detail"][0]["message"]
    assert client.get("/api/appraisal/points/ranking").status_code == 403


def test_report_upload_and_ranking_setting_through_the_api(tree, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(tree.county_admin)
    client.post("/api/appraisal/rounds", {"org": tree.town1.pk, "year": YEAR}, content_type="application/json")
    entry = ReportEntry.objects.get(org=tree.a)
    client = login(tree.secretary_a)
    disguised = client.post(f"/api/appraisal/entries/{entry.pk}/report",
                            {"file": SimpleUploadedFile("述职.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 50)})
    assert disguised.status_code == 422 and "PDF" in disguised.json()["detail"][0]["message"]
    uploaded = client.post(f"/api/appraisal/entries/{entry.pk}/report",
                           {"file": SimpleUploadedFile("述职报告.pdf", b"%PDF-1.4\n")})
    assert uploaded.status_code == 200 and uploaded.json()["report_name"] == "述职报告.pdf"
    assert client.put(f"/api/appraisal/points/settings/{tree.county.pk}", {"rankings": True},
                      content_type="application/json").status_code == 404  # not in the secretary's scope
    client = login(tree.county_admin)
    assert client.get("/api/appraisal/points/ranking").status_code == 403
    setting = client.put(f"/api/appraisal/points/settings/{tree.county.pk}", {"rankings": True},
                         content_type="application/json")
    assert setting.json() == {"org_id": tree.county.pk, "rankings": True}
    assert client.get("/api/appraisal/points/ranking").status_code == 200
