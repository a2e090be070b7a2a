"""The 流动党员 API: scope (404 outside), rights (403), versions (409), Chinese validation (422)."""

import pytest

from dangjian.mobility.models import Outflow
from dangjian.testing import api_client

pytestmark = pytest.mark.django_db
BASE = "/api/mobility"


def post(client, url, body):
    return client.post(BASE + url, body, content_type="application/json")


def test_outflow_report_card_close_and_summary(tree, today):
    member = tree.members["a"][0]
    client = api_client(tree.secretary_a)
    body = {"member": member.pk, "place": "江苏省苏州市", "left_on": f"{today:%Y-%m-%d}"}
    created = post(client, "/outflows", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert post(client, "/outflows", body).status_code == 422  # one open outflow per member
    assert post(client, f"/outflows/{pk}/reports", {"reported_on": f"{today:%Y-%m-%d}", "method": "phone",
                                                    "content": "到达苏州"}).status_code == 201
    assert post(client, f"/outflows/{pk}/cards", {"number": "LD-9", "issued_on": f"{today:%Y-%m-%d}",
                                                  "expires_on": f"{today:%Y-%m-%d}"}).status_code == 422
    listed = client.get(BASE + "/outflows", {"open": "true"}).json()
    assert [o["id"] for o in listed["items"]] == [pk]
    stale = post(client, f"/outflows/{pk}/close", {"status": "returned", "on": f"{today:%Y-%m-%d}", "version": 9})
    assert stale.status_code == 409
    closed = post(client, f"/outflows/{pk}/close", {"status": "returned", "on": f"{today:%Y-%m-%d}", "version": 1})
    assert closed.status_code == 200 and closed.json()["status"] == "returned"
    summary = api_client(tree.county_admin).get(BASE + "/summary").json()
    assert summary[0]["returned"] == 1 and summary[0]["away"] == 0


def test_outside_the_scope_and_read_only(tree, today):
    member = tree.members["a"][0]
    other = api_client(tree.secretary_b)
    body = {"member": member.pk, "place": "上海市", "left_on": f"{today:%Y-%m-%d}"}
    assert post(other, "/outflows", body).status_code == 404
    assert post(api_client(tree.reader_town1), "/outflows", body).status_code == 403
    assert not Outflow.objects.exists()
    inflow = post(api_client(tree.secretary_b), "/inflows", {
        "org": tree.b.pk, "name": "王五", "origin_org": "某支部", "origin_place": "河南省",
        "arrived_on": f"{today:%Y-%m-%d}"})
    assert inflow.status_code == 201 and inflow.json()["org_id"] == tree.b.pk
