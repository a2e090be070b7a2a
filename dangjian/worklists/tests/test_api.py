"""The 三单 API: scope (404 outside), rights (403), stale versions (409), Chinese validation (422)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.testing import api_client
from dangjian.worklists.choices import State
from dangjian.worklists.models import WorkItem

pytestmark = pytest.mark.django_db
BASE = "/api/worklists"


def post(client, url, body=None):
    return client.post(BASE + url, body or {}, content_type="application/json")


def titles(response) -> set[str]:
    return {i["title"] for i in response.json()["items"]}


def test_list_and_filters_stay_in_scope(tree, items):
    client = api_client(tree.secretary_a)
    response = client.get(f"{BASE}/items")
    assert response.status_code == 200
    assert titles(response) == {items["a"].title, items["a_late"].title}
    for params in ({"org": tree.b.pk}, {"q": "新华"}, {"scope": "mine"}, {"overdue": "true"}):
        assert items["b"].title not in titles(client.get(f"{BASE}/items", params))
    assert client.get(f"{BASE}/items", {"kind": "nonsense"}).status_code == 422


@pytest.mark.parametrize(("method", "url", "body"), [
    ("get", "/items/{id}", None), ("patch", "/items/{id}", {"version": 1, "title": "x"}),
    ("post", "/items/{id}/claim", {}), ("post", "/items/{id}/submit", {"evidence_text": "x"}),
    ("post", "/items/{id}/approve", {}), ("post", "/items/{id}/reject", {"reason": "x"}),
    ("post", "/items/{id}/review", {"outcome": "reopen", "reason": "x"}),
    ("get", "/items/{id}/progress", None), ("post", "/items/{id}/progress", {"text": "x"}),
    ("get", "/items/{id}/steps", None),
])
def test_guessed_id_of_other_branch_is_404(tree, items, method, url, body):
    client = api_client(tree.secretary_a)
    item = items["b"]
    path = BASE + url.format(id=item.pk)
    response = client.get(path) if method == "get" else getattr(client, method)(
        path, body, content_type="application/json")
    assert response.status_code == 404, response.content
    assert "管辖范围" in response.json()["detail"]
    fresh = WorkItem.objects.get(pk=item.pk)
    assert (fresh.state, fresh.version, fresh.title) == (item.state, item.version, item.title)


def test_evidence_upload_of_other_branch_is_404(tree, items):
    client = api_client(tree.secretary_a)
    response = client.post(f"{BASE}/items/{items['b'].pk}/evidence",
                           {"text": "x", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert response.status_code == 404 and not items["b"].evidence.exists()


def test_lifecycle_through_api(tree, items):
    owner, county = api_client(tree.secretary_a), api_client(tree.county_admin)
    item = items["a"]
    body = post(owner, f"/items/{item.pk}/claim", {"version": 1}).json()
    assert body["state"] == State.IN_PROGRESS and body["version"] == 2
    response = post(owner, f"/items/{item.pk}/submit", {"version": 2})
    assert response.status_code == 422 and "佐证" in response.json()["detail"][0]["message"]
    response = owner.post(f"{BASE}/items/{item.pk}/evidence",
                          {"text": "现场照片", "file": SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n0000")})
    assert response.status_code == 201 and response.json()["file_type"] == "png"
    response = owner.post(f"{BASE}/items/{item.pk}/evidence", {"file": SimpleUploadedFile("v.pdf", b"MZ..")})
    assert response.status_code == 422 and "按文件内容" in response.json()["detail"][0]["message"]
    assert post(owner, f"/items/{item.pk}/submit", {"version": 2}).json()["state"] == State.REQUESTED
    response = post(owner, f"/items/{item.pk}/approve", {})
    assert response.status_code == 403 and "上级" in response.json()["detail"]
    assert post(county, f"/items/{item.pk}/reject", {}).status_code == 422
    assert post(county, f"/items/{item.pk}/reject", {"reason": "佐证不足"}).json()["state"] == State.IN_PROGRESS
    post(owner, f"/items/{item.pk}/submit", {"evidence_text": "补充会议记录"})
    response = post(county, f"/items/{item.pk}/approve", {"reason": "同意"})
    assert response.status_code == 200 and response.json()["state"] == State.CLOSED
    response = post(county, f"/items/{item.pk}/review", {"outcome": "reopen", "reason": "反弹"})
    assert response.status_code == 422 and "回头看时间未到" in response.json()["detail"][0]["message"]
    steps = county.get(f"{BASE}/items/{item.pk}/steps").json()
    assert [s["kind"] for s in steps][-1] == "approve"


def test_create_update_and_conflict(tree):
    client = api_client(tree.secretary_a)
    body = {"org": tree.a.pk, "kind": "problem", "title": "支部手册填写不规范", "measures": ["逐本检查", "集中培训"],
            "deadline": "2026-12-31", "symptoms": "记录补写"}
    response = post(client, "/items", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert [m["text"] for m in created["measures"]] == ["逐本检查", "集中培训"]
    assert post(client, "/items", {**body, "org": tree.b.pk}).status_code == 404
    assert post(client, "/items", {**body, "orgs": [tree.b.pk]}).status_code == 422
    response = post(client, "/items", {**body, "title": "", "bogus": 1})
    assert response.status_code == 422 and {d["field"] for d in response.json()["detail"]} == {"title", "bogus"}
    assert all("字段" in d["message"] for d in response.json()["detail"])
    url = f"{BASE}/items/{created['id']}"
    response = client.patch(url, {"version": 1, "title": "支部手册填写不规范问题"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2
    response = client.patch(url, {"version": 1, "title": "旧"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["current"]["version"] == 2


def test_stale_transition_is_409(tree, items):
    client = api_client(tree.secretary_a)
    post(client, f"/items/{items['a'].pk}/claim", {"version": 1})
    assert post(client, f"/items/{items['a'].pk}/claim", {"version": 1}).status_code == 409


def test_reader_gets_403_for_writes(tree, items):
    client = api_client(tree.reader_town1)
    assert client.get(f"{BASE}/items/{items['a'].pk}").status_code == 200
    assert post(client, f"/items/{items['a'].pk}/claim").status_code == 403
    assert post(client, f"/items/{items['a'].pk}/progress", {"text": "x"}).status_code == 403


def test_progress_and_rollup(tree, items):
    client = api_client(tree.secretary_a)
    assert post(client, f"/items/{items['a'].pk}/progress", {"text": "已完成方案"}).status_code == 201
    assert client.get(f"{BASE}/items/{items['a'].pk}/progress").json()[0]["text"] == "已完成方案"
    rows = api_client(tree.county_admin).get(f"{BASE}/rollup").json()
    assert rows[0]["name"] == "县委" and rows[0]["total"] == 5
    assert client.get(f"{BASE}/rollup", {"org": tree.county.pk}).status_code == 404


def test_unauthenticated_is_401():
    assert Client().get(f"{BASE}/items").status_code == 401


def test_persons_must_be_in_scope(tree):
    client = api_client(tree.secretary_a)
    body = {"org": tree.a.pk, "kind": "task", "title": "指定责任人"}
    assert post(client, "/items", {**body, "persons": [tree.secretary_b.pk]}).status_code == 422
    response = post(client, "/items", {**body, "persons": [tree.secretary_a.pk]})
    assert response.status_code == 201 and response.json()["persons"] == [tree.secretary_a.pk]
    mine = client.get(f"{BASE}/items", {"scope": "mine"}).json()
    assert [i["title"] for i in mine["items"]] == ["指定责任人"]


def test_decompose_gives_points_with_measures_filtered_talk_and_owners_from_the_scope(tree):
    name = tree.a.name
    text = (f"讲话\n一、压实责任\n（一）强化督查。{name}要每季度通报一次落实情况。我常讲，要把督查放在心上。\n"
            "（二）严肃问责。就是每个党支部要发挥作用。")
    response = post(api_client(tree.secretary_a), "/decompose", {"text": text})
    assert response.status_code == 200
    body = response.json()
    first, second = body["items"]
    assert (first["title"], first["measures"], first["owners"]) == (
        "强化督查", [f"{name}要每季度通报一次落实情况"], [name])
    assert second["title"] == "严肃问责" and second["owners"] == []  # "就是每个党支部" names nobody
    assert [(f["text"], f["reason"]) for f in body["filtered"]] == [("我常讲，要把督查放在心上", "讲话人的插话")]
