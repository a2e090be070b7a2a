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
