"""流动党员 and 流动地点 follow the outflow and inflow records (docs/mobility.md): the API refuses a
change with a 422 naming the field, the edit form does not offer them, and the import leaves the
columns out and says so."""

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.members.io.importing import HEADERS, import_members
from dangjian.members.models import Member
from dangjian.members.tests.test_import_views import post as post_import
from dangjian.members.tests.test_import_views import upload
from dangjian.members.tests.test_importing import member_row, xlsx
from dangjian.members.tests.test_views import _form
from dangjian.mobility.actions import outflow_open
from dangjian.testing import api_client, new_id_number

pytestmark = pytest.mark.django_db

FLOW_HEADERS = [*HEADERS, "流动党员", "流动地点"]


def _away(tree):
    """A member of branch A flagged 流出 the only way there is: an outflow record."""
    member = tree.members["a"][0]
    outflow_open(acting_user=tree.secretary_a, member=member, place="浙江省杭州市", left_on=dt.date(2026, 1, 5),
                 today=dt.date(2026, 2, 1))
    member.refresh_from_db()
    return member


def _errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def test_api_patch_changing_the_flag_is_422_naming_the_field(tree):
    member = _away(tree)
    client = api_client(tree.secretary_a)
    response = client.patch(f"/api/members/{member.pk}", {"version": member.version, "flow_status": "",
                                                          "address": "新地址"}, content_type="application/json")
    assert response.status_code == 422
    errors = _errors(response)
    assert set(errors) == {"flow_status"}
    assert "“流动党员”由流动党员管理中的外出、流入登记维护" in errors["flow_status"]
    assert "请到“流动党员”页面登记外出" in errors["flow_status"]
    after = Member.objects.get(pk=member.pk)
    assert (after.flow_status, after.flow_place, after.address, after.version) == (
        "out", "浙江省杭州市", member.address, member.version)  # nothing of the request was saved


def test_api_patch_of_the_place_alone_is_refused_too(tree):
    member = _away(tree)
    response = api_client(tree.secretary_a).patch(
        f"/api/members/{member.pk}", {"version": member.version, "flow_place": "上海市"},
        content_type="application/json")
    assert response.status_code == 422 and set(_errors(response)) == {"flow_place"}
    assert Member.objects.get(pk=member.pk).flow_place == "浙江省杭州市"


def test_api_patch_echoing_the_current_flag_is_accepted(tree):
    member = _away(tree)
    response = api_client(tree.secretary_a).patch(
        f"/api/members/{member.pk}", {"version": member.version, "flow_status": "out", "flow_place": "浙江省杭州市",
                                      "address": "新地址"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["flow_status"] == "out" and response.json()["address"] == "新地址"


def test_api_create_with_a_flag_is_422(tree):
    body = {"org": tree.a.pk, "name": "韩卫国", "id_number": new_id_number(dt.date(1985, 3, 9), "M"),
            "joined_on": "2010-07-01", "confirmed_on": "2011-07-01", "flow_status": "out", "flow_place": "上海市"}
    response = api_client(tree.secretary_a).post("/api/members/", body, content_type="application/json")
    assert response.status_code == 422
    assert set(_errors(response)) == {"flow_status", "flow_place"}
    assert not Member.objects.filter(name="韩卫国").exists()


def test_edit_form_no_longer_offers_the_flag(tree, login):
    member = _away(tree)
    client = login(tree.secretary_a)
    html = client.get(reverse("members:edit", args=[member.pk])).content.decode()
    assert 'name="flow_status"' not in html and 'name="flow_place"' not in html
    data = _form(tree.a, name=member.name, id_number="", phone="", birth_date=member.birth_date.isoformat(),
                 joined_on=member.joined_on.isoformat(), confirmed_on=member.confirmed_on.isoformat(),
                 version=member.version, flow_status="", flow_place="", address="改过的地址")
    assert client.post(reverse("members:edit", args=[member.pk]), data).status_code == 302
    after = Member.objects.get(pk=member.pk)
    assert (after.address, after.flow_status, after.flow_place) == ("改过的地址", "out", "浙江省杭州市")


def test_import_leaves_the_flow_columns_out_and_says_so(tree):
    member = _away(tree)
    rows = [member_row(tree.a, name="钱新民", 流动党员="流出", 流动地点="上海市"),
            member_row(tree.a, name=member.name, id_number=member.reveal_id_number(), gender=member.gender,
                       birth=member.birth_date, 入党日期=member.joined_on.isoformat(),
                       转正日期=member.confirmed_on.isoformat(), 流动党员="否", 流动地点="")]
    result = import_members(acting_user=tree.secretary_a, source=xlsx(rows, FLOW_HEADERS))
    assert result.ok, result.errors
    assert result.notes == ["文件中的“流动党员”“流动地点”列未导入：流动党员标记和流动地点由“流动党员”中的外出、"
                            "流入登记维护，请到“流动党员”页面登记外出或流入"]
    assert Member.objects.filter(name="钱新民").values_list("flow_status", "flow_place").get() == ("", "")
    assert Member.objects.filter(pk=member.pk).values_list("flow_status", "flow_place").get() == (
        "out", "浙江省杭州市")  # the outflow's flag survives a sheet saying 否


def test_import_without_the_columns_has_no_note(tree):
    result = import_members(acting_user=tree.secretary_a, source=xlsx([member_row(tree.a)]))
    assert result.ok and result.created == 1 and result.notes == []


def test_import_page_shows_the_note(tree, login):
    response = post_import(login(tree.secretary_a), upload([member_row(tree.a, 流动党员="流出")], FLOW_HEADERS))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-note"' in html and "“流动党员”“流动地点”列未导入" in html
