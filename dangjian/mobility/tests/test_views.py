"""The 流动党员 pages: scope, the branch page's forms, the outflow page, the summary, 我的信息."""

import pytest
from django.urls import reverse

from dangjian.core.actors import SYSTEM
from dangjian.members.models import Member
from dangjian.mobility import actions
from dangjian.mobility.models import FlowReport, Outflow
from dangjian.testing import make_user

from .conftest import away

pytestmark = pytest.mark.django_db


def test_branch_records_an_outflow_with_the_picker_and_refuses_bad_input(tree, login, today):
    member = tree.members["a"][0]
    client = login(tree.secretary_a)
    url = reverse("mobility:branch", args=[tree.a.pk])
    bad = client.post(url, {"form": "outflow", "member": member.pk, "place": "", "left_on": f"{today:%Y-%m-%d}"})
    assert bad.status_code == 400 and "外出地点" in bad.content.decode()
    done = client.post(url, {"form": "outflow", "member": member.pk, "place": "广东省深圳市",
                             "left_on": f"{today:%Y-%m-%d}", "contact": "13900000000"})
    assert done.status_code == 302
    html = client.get(url).content.decode()
    assert member.name in html and "广东省深圳市" in html


def test_outflow_page_files_a_report_and_closes(tree, login, today):
    outflow = away(tree.members["a"][0], today, 7)
    client = login(tree.secretary_a)
    url = reverse("mobility:outflow", args=[outflow.pk])
    html = client.get(url).content.decode()
    assert "应转接组织关系" in html and "疑似失联" in html
    client.post(url, {"form": "report", "reported_on": f"{today:%Y-%m-%d}", "kind": "yearly", "method": "phone",
                      "content": "在深圳务工，参加流入地支部活动"})
    assert FlowReport.objects.get().source == "branch"
    assert "疑似失联" not in client.get(url).content.decode()
    client.post(url, {"form": "close", "status": "returned", "on": f"{today:%Y-%m-%d}", "version": 1})
    assert Outflow.objects.get().status == "returned"


def test_scope_and_read_only(tree, login, today):
    outflow = away(tree.members["a"][0], today, 1)
    other = login(tree.secretary_b)
    assert other.get(reverse("mobility:branch", args=[tree.a.pk])).status_code == 404
    assert other.get(reverse("mobility:outflow", args=[outflow.pk])).status_code == 404
    reader = login(tree.reader_town1)
    assert reader.get(reverse("mobility:outflow", args=[outflow.pk])).status_code == 200
    assert reader.post(reverse("mobility:outflow", args=[outflow.pk]),
                       {"form": "close", "status": "returned", "on": f"{today:%Y-%m-%d}"}).status_code == 403


def test_branch_page_suggests_a_branch_for_three_from_one_place(tree, login, today):
    for name in ("甲", "乙", "丙"):
        actions.inflow_register(acting_user=SYSTEM, org=tree.b, name=name, origin_org="某村党支部",
                                origin_place="四川省南充市", arrived_on=today)
    html = login(tree.secretary_b).get(reverse("mobility:branch", args=[tree.b.pk])).content.decode()
    assert "3 名来自四川省南充市" in html and reverse("orgs:new_child", args=[tree.town1.pk]) in html


def test_county_summary_links_towns(tree, login, today):
    away(tree.members["c"][0], today, 1)
    html = login(tree.county_admin).get(reverse("mobility:overview")).content.decode()
    assert "东城镇党委" in html and "西山镇党委" in html and "mobility-summary" in html


def test_member_sees_their_outflow_on_my_page_and_reports(tree, client, today):
    member = tree.members["a"][0]
    user = make_user("zhanghx")
    Member.objects.filter(pk=member.pk).update(user=user)
    away(member, today, 13)
    client.force_login(user)
    me = client.get(reverse("members:me")).content.decode()
    assert "我的外出登记" in me and "广东省深圳市" in me and "年度报告逾期" in me
    done = client.post(reverse("mobility:me"), {"form": "report", "reported_on": f"{today:%Y-%m-%d}", "kind": "yearly",
                                                "method": "online", "content": "本年度情况报告"})
    assert done.status_code == 302
    assert (FlowReport.objects.get().source, FlowReport.objects.get().reported_on) == ("member", today)
    assert client.get(reverse("mobility:me")).status_code == 200
    assert client.get(reverse("mobility:branch", args=[tree.a.pk])).status_code == 404
