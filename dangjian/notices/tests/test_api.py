"""The 通知公告 API: publish (form with attachment), list, detail, receipts; scope and bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.inbox.queries import addressed_to
from dangjian.testing import api_client

pytestmark = pytest.mark.django_db
BASE = "/api/notices"


def test_publish_list_and_receipt(tree):
    county = api_client(tree.county_admin)
    made = county.post(BASE + "/", {"org": tree.county.pk, "title": "关于排查的通知", "body": "月底前完成。",
                                    "audience": "subtree", "receipt_required": "true",
                                    "file": SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["file_name"] == "通知.pdf" and body["receipt_required"] is True
    assert body["n_recipients"] == 5 and body["n_confirmed"] == 0  # two towns and their three branches

    branch = api_client(tree.secretary_a)
    listed = branch.get(BASE + "/").json()["items"]
    assert [n["title"] for n in listed] == ["关于排查的通知"]
    detail = branch.get(f"{BASE}/{body['id']}").json()
    assert detail["recipients"] == []  # a recipient does not see the others' receipts
    assert [r["org"]["id"] for r in detail["to_confirm"]] == [tree.a.pk]

    wrong = branch.post(f"{BASE}/{body['id']}/receipts", {"org": tree.b.pk}, content_type="application/json")
    assert wrong.status_code == 422 and "无权代表" in str(wrong.json())
    done = branch.post(f"{BASE}/{body['id']}/receipts", {"org": tree.a.pk}, content_type="application/json")
    assert done.status_code == 200 and done.json()["to_confirm"] == []
    assert addressed_to(tree.secretary_a).filter(done_at__isnull=True).count() == 0
    again = branch.post(f"{BASE}/{body['id']}/receipts", {"org": tree.a.pk}, content_type="application/json")
    assert again.status_code == 422

    sender = county.get(f"{BASE}/{body['id']}").json()
    assert sender["n_confirmed"] == 1
    assert {r["org"]["id"]: r["confirmed_at"] is not None for r in sender["recipients"]}[tree.a.pk] is True


def test_scope_rights_and_bad_input(tree):
    town = api_client(tree.county_admin)
    made = town.post(BASE + "/", {"org": tree.town2.pk, "title": "西山镇通知", "body": "正文"})
    assert made.status_code == 201, made.content
    outsider = api_client(tree.secretary_a)
    assert outsider.get(f"{BASE}/{made.json()['id']}").status_code == 404
    assert outsider.get(f"{BASE}/{2**63}").status_code == 404
    no_branch_below = outsider.post(BASE + "/", {"org": tree.a.pk, "title": "x", "body": "y"})
    assert no_branch_below.status_code == 422
    assert outsider.post(BASE + "/", {"org": tree.town2.pk, "title": "x", "body": "y"}).status_code == 404
    reader = api_client(tree.reader_town1)  # sees the township, may not speak for it
    assert reader.post(BASE + "/", {"org": tree.town1.pk, "title": "x", "body": "y"}).status_code == 403
    empty = town.post(BASE + "/", {"org": tree.county.pk, "title": " ", "body": "y"})
    assert empty.status_code == 422 and "标题不能为空" in str(empty.json())
    fake = town.post(BASE + "/", {"org": tree.county.pk, "title": "x", "body": "y",
                                  "file": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert fake.status_code == 422


def test_demo_sends_and_confirms(tree):
    from dangjian.notices import demo
    from dangjian.notices.models import Notice, Recipient

    demo.generate(seed=1, today=None)
    assert Notice.objects.filter(org=tree.county).count() == 3
    assert Notice.objects.filter(org__in=[tree.town1, tree.town2]).count() == 2
    town_receipts = Recipient.objects.filter(notice__org__in=[tree.town1, tree.town2])
    assert town_receipts.count() == 3  # 红星村、新华社区、卫生院
    demo.wipe()
    assert demo.count() == 0
