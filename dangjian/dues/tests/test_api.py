"""The 党费 API: scope (404 outside), rights (403), versions (409), Chinese validation (422)."""

import pytest

from dangjian.dues import rules
from dangjian.dues.models import DuesPayment
from dangjian.testing import api_client

pytestmark = pytest.mark.django_db
BASE = "/api/dues"


def post(client, url, body):
    return client.post(BASE + url, body, content_type="application/json")


def test_payment_reconcile_and_arrears(tree, year_start, bases):
    member = tree.members["a"][0]
    client = api_client(tree.secretary_a)
    body = {"member": member.pk, "month": f"{year_start:%Y-%m-%d}", "amount": "40.00",
            "paid_on": f"{rules.add_months(year_start, 1):%Y-%m-%d}", "received_by": "组织委员"}
    created = post(client, "/payments", body)
    assert created.status_code == 201, created.content
    assert created.json()["expected"] == "40.00" and created.json()["version"] == 1
    again = post(client, "/payments", {**body, "amount": "41.00"})
    assert again.status_code == 409
    updated = post(client, "/payments", {**body, "amount": "41.00", "version": 1})
    assert updated.status_code == 201 and updated.json()["amount"] == "41.00"
    bad = post(client, "/payments", {**body, "month": f"{rules.add_months(year_start, 1):%Y-%m-%d}",
                                     "method": "quarterly"})
    assert bad.status_code == 422 and "支部同意" in str(bad.json())
    rows = client.get(f"{BASE}/reconcile", {"year": year_start.year}).json()
    assert rows[0]["org_id"] == tree.a.pk and rows[0]["paid"] == "41.00" and rows[0]["members"] == 4
    arrears = client.get(f"{BASE}/arrears").json()
    assert {a["member_id"] for a in arrears} == {m.pk for m in tree.members["a"]}
    assert client.get(f"{BASE}/payments", {"member": member.pk}).json()["items"][0]["amount"] == "41.00"


def test_scope_and_rights(tree, year_start, bases):
    other = tree.members["c"][0]
    body = {"member": other.pk, "month": f"{year_start:%Y-%m-%d}", "amount": "40.00",
            "paid_on": f"{year_start:%Y-%m-%d}", "received_by": "x"}
    assert post(api_client(tree.secretary_a), "/payments", body).status_code == 404
    reader = api_client(tree.reader_town1)
    own = {**body, "member": tree.members["a"][0].pk}
    assert post(reader, "/payments", own).status_code == 403
    assert reader.get(f"{BASE}/reconcile", {"org": tree.c.pk}).status_code == 404
    assert not DuesPayment.objects.exists()


def test_month_in_one_call(tree, year_start, bases):
    client = api_client(tree.secretary_a)
    lines = [{"member": m.pk, "paid": True, "amount": "40.00"} for m in tree.members["a"]]
    body = {"month": f"{year_start:%Y-%m-%d}", "paid_on": f"{rules.add_months(year_start, 1):%Y-%m-%d}",
            "received_by": "组织委员", "lines": lines}
    response = post(client, f"/orgs/{tree.a.pk}/month", body)
    assert response.status_code == 200 and response.json() == {"created": 4, "updated": 0, "deleted": 0}
    assert post(client, f"/orgs/{tree.a.pk}/month", body).status_code == 409
    base = post(client, "/bases", {"member": tree.members["a"][0].pk, "category": "retired", "base": "5000.00",
                                   "effective_from": f"{year_start:%Y}-07-01"})
    assert base.status_code == 201 and base.json()["monthly_amount"] == "25.00"
    farmer = post(client, "/bases", {"member": tree.members["a"][0].pk, "category": "farmer", "base": "3",
                                     "effective_from": f"{year_start:%Y}-08-01"})
    assert farmer.status_code == 422 and "0.2" in str(farmer.json())
