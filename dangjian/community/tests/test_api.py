"""The 双报到 API: two-sided scope (404 outside), rights (403), versions (409), Chinese 422."""

import pytest
from django.utils import timezone

from dangjian.testing import api_client

BASE = "/api/community"


def post(client, url, body):
    return client.post(BASE + url, body, content_type="application/json")


@pytest.fixture
def clients(tree, side):
    return api_client(side.secretary_c), api_client(tree.secretary_b), api_client(tree.secretary_a)


def test_branch_asks_community_decides_records_confirmed(tree, side, clients):
    branch, community, stranger = clients
    bad = post(branch, "/reports", {"member": side.doctor.pk, "community": tree.c.pk})
    assert bad.status_code == 422 and "村、社区" in str(bad.json())
    created = post(branch, "/reports", {"member": side.doctor.pk, "community": tree.b.pk})
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "requested" and report["member_name"] == "钱医生"
    assert post(stranger, f"/reports/{report['id']}/decision", {"accept": True, "version": 1}).status_code == 404
    assert post(branch, f"/reports/{report['id']}/decision", {"accept": True, "version": 1}).status_code == 403
    assert post(community, f"/reports/{report['id']}/decision", {"accept": True, "version": 5}).status_code == 409
    done = post(community, f"/reports/{report['id']}/decision", {"accept": True, "version": 1})
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    need = post(community, f"/orgs/{tree.b.pk}/needs", {"title": "助餐", "starts_on": f"{timezone.localdate()}"})
    assert need.status_code == 201
    record = post(branch, "/records", {"report": report["id"], "served_on": f"{timezone.localdate()}",
                                       "hours": "2", "what": "送餐", "need": need.json()["id"]})
    assert record.status_code == 201, record.content
    confirmed = post(community, f"/records/{record.json()['id']}/decision", {"accept": True, "version": 1})
    assert confirmed.json()["status"] == "confirmed"
    assert stranger.get(f"{BASE}/records").json()["items"] == []
    assert len(branch.get(f"{BASE}/records").json()["items"]) == 1
    rows = branch.get(f"{BASE}/rates").json()
    assert rows[0]["org_id"] == tree.c.pk and rows[0]["should"] == 2 and rows[0]["reported"] == 1
    assert rows[0]["rate"] == "50.0" and rows[0]["hours"] == "2.0"


def test_picker_lists_only_communities(tree, side):
    items = api_client(side.member_user).get(f"{BASE}/picker", {"q": "东城镇"}).json()["items"]
    assert {i["id"] for i in items} == {tree.a.pk, tree.b.pk}


def test_filters_past_the_databases_integers_are_refused(tree, side):
    client = api_client(side.secretary_c)
    assert client.get(f"{BASE}/reports", {"community": 2**70}).status_code == 422
    assert client.get(f"{BASE}/records", {"report": 2**70}).status_code == 422
    assert client.get(f"{BASE}/reports", {"status": "nonsense"}).status_code == 422
