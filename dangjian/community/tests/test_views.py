"""Pages of 双报到: the community's desk, the branch's view, the rates, the member's own forms."""

from django.utils import timezone

from dangjian.community import actions
from dangjian.community.models import CommunityReport, ServiceRecord


def test_member_asks_from_my_page(tree, side, client):
    client.force_login(side.member_user)
    page = client.get("/members/me/")
    assert page.status_code == 200 and "申请报到" in page.content.decode()
    bad = client.post("/community/me/request/", {"community": tree.c.code})
    assert bad.status_code == 400
    ok = client.post("/community/me/request/", {"community": tree.b.code, "note": "会急救"})
    assert ok.status_code == 302
    report = CommunityReport.objects.get(member=side.doctor)
    assert report.community == tree.b and report.requested_by == side.member_user
    assert "待社区接收" in client.get("/members/me/").content.decode()


def test_community_accepts_and_confirms_on_its_page(tree, side, client):
    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b)
    client.force_login(tree.secretary_b)
    page = client.get(f"/community/org/{tree.b.pk}/")
    assert "钱医生" in page.content.decode()
    client.post(f"/community/org/{tree.b.pk}/", {"form": "accept", "id": report.pk, "version": 1})
    report.refresh_from_db()
    assert report.status == "accepted"
    record = actions.record_enter(acting_user=side.member_user, report=report, served_on=timezone.localdate(),
                                  hours=2, what="巡查")
    client.post(f"/community/org/{tree.b.pk}/", {"form": "confirm", "id": record.pk, "version": 1})
    assert ServiceRecord.objects.get(pk=record.pk).status == "confirmed"
    posted = client.post(f"/community/org/{tree.b.pk}/", {"form": "need", "title": "", "starts_on": ""})
    assert posted.status_code == 400


def test_scope_of_the_pages(tree, side, accepted, client):
    client.force_login(tree.secretary_a)
    assert client.get(f"/community/org/{tree.c.pk}/").status_code == 404
    client.force_login(side.secretary_c)
    page = client.get(f"/community/org/{tree.c.pk}/").content.decode()
    assert "东城镇新华社区党支部" in page and "未报到" in page  # the doctor reported, the retiree has not
    assert client.post(f"/community/org/{tree.b.pk}/", {"form": "accept", "id": accepted.pk}).status_code == 404
    client.force_login(tree.reader_town1)
    assert client.post(f"/community/org/{tree.b.pk}/", {"form": "accept", "id": accepted.pk}).status_code == 403


def test_rates_page_for_the_county(tree, side, accepted, client):
    client.force_login(tree.county_admin)
    page = client.get("/community/").content.decode()
    assert 'id="total-rate">50.0%' in page and "西山镇党委" in page
    town = client.get(f"/community/?org={tree.town2.pk}").content.decode()
    assert f"/community/org/{tree.c.pk}/" in town  # a branch opens its member list, a committee its rates
