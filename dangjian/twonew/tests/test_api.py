"""The 两新组织 and 学习教育 API: scope (404 outside), rights (403), stale versions (409), 422 in Chinese."""

import datetime as dt

import pytest

from dangjian.learning import actions as learning
from dangjian.testing import api_client
from dangjian.twonew import actions
from dangjian.twonew.choices import Coverage
from dangjian.twonew.tests.test_registry import code, entity

pytestmark = pytest.mark.django_db


def test_registry_api(tree):
    own, other = entity(tree.a, 1, Coverage.SEPARATE, covering_org=tree.a), entity(tree.c, 2)
    client = api_client(tree.secretary_a)
    names = [e["name"] for e in client.get("/api/twonew/entities").json()["items"]]
    assert names == ["企业1"]
    assert client.get(f"/api/twonew/entities/{other.pk}").status_code == 404
    bad = client.post("/api/twonew/entities", {"org": tree.a.pk, "name": "新公司", "credit_code": "91350100M000100Y44",
                                               "kind": "enterprise"}, content_type="application/json")
    assert bad.status_code == 422 and "校验位" in bad.json()["detail"][0]["message"]
    made = client.post("/api/twonew/entities", {"org": tree.a.pk, "name": "新公司", "credit_code": code(50),
                                                "kind": "enterprise", "coverage": "instructor",
                                                "instructor_name": "赵指导"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["field"] == "非公有制企业"
    url = f"/api/twonew/entities/{own.pk}"
    assert client.patch(url, {"version": 1, "employees": 30}, content_type="application/json").status_code == 200
    assert client.patch(url, {"version": 1, "employees": 40}, content_type="application/json").status_code == 409
    reader = api_client(tree.reader_town1)
    assert reader.patch(url, {"version": 2, "employees": 1}, content_type="application/json").status_code == 403
    report = api_client(tree.county_admin).get("/api/twonew/coverage").json()
    assert report["by_org"][0]["total"] == 3 and report["by_org"][0]["work_rate"] == 66.7


def test_round_api(tree):
    target = entity(tree.a, 1)
    rnd = actions.round_create(acting_user=tree.county_admin, org=tree.county, title="排查", due_on=dt.date(2099, 1, 1))
    client = api_client(tree.secretary_a)
    response = client.post(f"/api/twonew/rounds/{rnd.pk}/entities/{target.pk}/confirm", {"version": 1},
                           content_type="application/json")
    assert response.status_code == 200
    progress = api_client(tree.county_admin).get(f"/api/twonew/rounds/{rnd.pk}/progress").json()
    assert (progress[0]["total"], progress[0]["checked"]) == (1, 1)


def test_learning_api(tree):
    year = dt.date.today().year
    programme = learning.programme_create(acting_user=tree.secretary_a, org=tree.a, kind="rotation", title="轮训",
                                          year=year)
    client = api_client(tree.secretary_a)
    a = tree.members["a"]
    response = client.post(f"/api/learning/programmes/{programme.pk}/sessions",
                           {"title": "第一期", "held_on": f"{year}-01-01", "hours": "3", "attendees": [a[0].pk]},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    hours = {r["name"]: r["hours"] for r in client.get("/api/learning/hours").json()}
    assert float(hours[a[0].name]) == 3.0 and float(hours[a[1].name]) == 0.0
    body = {"title": "x", "held_on": f"{year}-01-01", "hours": "1", "attendees": [tree.members["c"][0].pk]}
    outside = client.post(f"/api/learning/programmes/{programme.pk}/sessions", body, content_type="application/json")
    assert outside.status_code == 422
    assert api_client(tree.secretary_b).get(f"/api/learning/programmes/{programme.pk}/sessions").status_code == 404
