"""The API: the roll-up, computing, the gate's 422 in Chinese, scope 404, confirming a 后进 candidate."""

import datetime as dt

from dangjian.assessment import actions
from dangjian.assessment.models import Candidate, Grade
from dangjian.core.actors import SYSTEM


def test_api_flow(tree, login, client):
    login(tree.county_admin)
    response = client.post("/api/assessment/schemes", {"org": tree.town1.pk, "year": 2025},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    scheme_id = response.json()["id"]
    assert client.post(f"/api/assessment/schemes/{scheme_id}/issue", {}, content_type="application/json"
                       ).status_code == 200
    detail = client.post(f"/api/assessment/schemes/{scheme_id}/compute").json()
    assert detail["rollup"][0]["count"] == 2 and len(detail["indicators"]) == 9
    grade = Grade.objects.get(scheme_id=scheme_id, org=tree.b)
    actions.self_submit(acting_user=SYSTEM, grade=grade, summary="自评")
    survey = client.post(f"/api/assessment/grades/{grade.pk}/survey",
                         {"satisfied": 8, "basic": 0, "unsatisfied": 2}, content_type="application/json")
    assert survey.json()["satisfaction"] == "80.00"
    entered = grade.scores.get(indicator__method="entered")
    actions.score_enter(acting_user=SYSTEM, score=entered, points=20)
    refused = client.post(f"/api/assessment/grades/{grade.pk}/rate", {"grade_name": "较好"},
                          content_type="application/json")
    assert refused.status_code == 422 and "低于 90%" in refused.json()["detail"][0]["message"]
    candidate = Candidate.objects.get(scheme_id=scheme_id, org=tree.b)  # B: no 书记 at all
    confirmed = client.post(f"/api/assessment/candidates/{candidate.pk}/confirm", {"months": 12},
                            content_type="application/json").json()
    assert confirmed["state"] == "confirmed" and confirmed["item_id"]
    assert dt.date.fromisoformat(confirmed["deadline"]).year == dt.date.today().year + 1


def test_api_scope(tree, login, client):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=tree.county, year=2025)
    actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme)
    login(tree.secretary_a)
    grade_c = Grade.objects.get(scheme=scheme, org=tree.c)
    grade_a = Grade.objects.get(scheme=scheme, org=tree.a)
    assert client.get(f"/api/assessment/grades/{grade_c.pk}").status_code == 404
    assert client.get(f"/api/assessment/grades/{grade_a.pk}").json()["scores"]
    # the secretary of A cannot enter A's 群众测评 (the level above does)
    assert client.post(f"/api/assessment/grades/{grade_a.pk}/survey", {"satisfied": 1, "basic": 0, "unsatisfied": 0},
                       content_type="application/json").status_code == 403


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_api_covers_the_page_actions(tree, login, client):
    """Every write of the pages through the API, with the same scope: the branch self-assesses and
    uploads its evidence, the town scores, rates, publicizes, answers objections and amends."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.testing import make_user

    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    login(town_admin)
    scheme_id = _post(client, "/api/assessment/schemes", {"org": tree.town1.pk, "year": 2025}).json()["id"]
    codes = {c["code"] for c in client.get("/api/assessment/computed-indicators").json()}
    assert {"dues_rate", "recruitment_breaches", "orglife_rate"} <= codes
    bad = client.put(f"/api/assessment/schemes/{scheme_id}/indicators",
                     {"indicators": [{"name": "阵地", "weight": 90}]}, content_type="application/json")
    assert bad.status_code == 422 and "权重之和应为 100" in bad.json()["detail"][0]["message"]
    done = client.put(f"/api/assessment/schemes/{scheme_id}/indicators", {"indicators": [
        {"group": "党员管理", "name": "党费收缴率", "method": "computed", "code": "dues_rate", "weight": 40},
        {"group": "工作思路", "name": "阵地建设", "weight": 60}]}, content_type="application/json")
    assert [i["name"] for i in done.json()["indicators"]] == ["党费收缴率", "阵地建设"]
    settings = _post(client, f"/api/assessment/schemes/{scheme_id}/settings", {"gate_percent": None})
    assert settings.status_code == 200 and settings.json()["gate_percent"] is None
    assert settings.json()["top_share"] == 10  # not sent: unchanged
    _post(client, f"/api/assessment/schemes/{scheme_id}/issue")
    _post(client, f"/api/assessment/schemes/{scheme_id}/compute")
    grade = Grade.objects.get(scheme_id=scheme_id, org=tree.a)
    entered = grade.scores.get(indicator__method="entered")
    dues = grade.scores.get(indicator__code="dues_rate")
    assert client.get(f"/api/assessment/grades/{grade.pk}/evidence/{dues.indicator_id}").json() == []
    # the branch: self-assessment and its file; it may not score itself
    login(tree.secretary_a)
    assert _post(client, f"/api/assessment/scores/{entered.pk}/claim", {"claim": "阵地达标"}).status_code == 200
    uploaded = client.post(f"/api/assessment/scores/{entered.pk}/file",
                           {"file": SimpleUploadedFile("台账.pdf", b"%PDF-1.4\n")})
    assert uploaded.status_code == 200, uploaded.content
    assert next(s for s in uploaded.json()["scores"] if s["id"] == entered.pk)["evidence_name"] == "台账.pdf"
    assert _post(client, f"/api/assessment/scores/{entered.pk}/score", {"points": 60}).status_code == 403
    assert _post(client, f"/api/assessment/grades/{grade.pk}/self", {"summary": "全年正常"}).json()["stage"] == "survey"
    login(tree.secretary_b)  # another branch: not found
    assert _post(client, f"/api/assessment/scores/{entered.pk}/claim", {"claim": "x"}).status_code == 404
    # the town: scores, rates, publicizes, records and answers an objection, amends
    login(town_admin)
    assert _post(client, f"/api/assessment/scores/{entered.pk}/score", {"points": 50}).status_code == 200
    _post(client, f"/api/assessment/grades/{grade.pk}/survey", {"satisfied": 9, "basic": 1, "unsatisfied": 0})
    rated = _post(client, f"/api/assessment/grades/{grade.pk}/rate", {"grade_name": "好"}).json()
    assert rated["grade"] == "好" and rated["score"] == "90.00"
    _post(client, f"/api/assessment/grades/{grade.pk}/publicize", {"start": "2026-03-02"})
    objection = _post(client, f"/api/assessment/grades/{grade.pk}/objections", {"text": "会议记录不全"})
    assert objection.status_code == 201
    (listed,) = client.get(f"/api/assessment/schemes/{scheme_id}/publicity").json()
    assert listed["org_id"] == tree.a.pk and listed["publicity_end"] == "2026-03-06" and listed["objection_count"] == 1
    answered = _post(client, f"/api/assessment/objections/{objection.json()['id']}/answer", {"response": "已核实"})
    assert answered.json()["response"] == "已核实"
    amended = _post(client, f"/api/assessment/grades/{grade.pk}/amend",
                    {"reason": "佐证补齐", "indicator_id": entered.indicator_id, "points": 55})
    assert amended.json()["score"] == "95.00" and grade.amendments.get().before == "50.00"
    copy = _post(client, f"/api/assessment/schemes/{scheme_id}/copy")
    assert copy.status_code == 201 and copy.json()["year"] == 2026


def test_api_candidates_dismiss_and_lift_in_scope(tree, login, client):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=tree.town1, year=2025)
    actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme)
    candidate = Candidate.objects.get(scheme=scheme, org=tree.b)
    login(tree.secretary_b)  # the organisation itself cannot decide on itself
    assert _post(client, f"/api/assessment/candidates/{candidate.pk}/dismiss", {"note": "x"}).status_code == 403
    login(tree.county_admin)
    refused = _post(client, f"/api/assessment/candidates/{candidate.pk}/dismiss", {"note": ""})
    assert refused.status_code == 422
    lift = _post(client, f"/api/assessment/candidates/{candidate.pk}/lift")
    assert lift.status_code == 422 and "整顿中" in lift.json()["detail"][0]["message"]
    dismissed = _post(client, f"/api/assessment/candidates/{candidate.pk}/dismiss", {"note": "已配齐书记"}).json()
    assert dismissed["state"] == "dismissed"
