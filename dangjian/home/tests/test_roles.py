"""Menus and pages by role: each role's navigation offers only what it can use, write forms and
import pages answer the styled Chinese 403 to those who cannot write, the 三员 land on their
administration page and a member on 我的信息; the error pages are Chinese and styled in production."""

import re
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dangjian.accounts.choices import Duty
from dangjian.accounts.models import AdminDuty
from dangjian.testing import make_user

pytestmark = pytest.mark.django_db

STAFF_MENU = ["首页", "待办", "数据看板", "组织体系", "党员管理", "发展党员", "流动党员", "双报到", "两新组织",
              "组织生活", "学习教育", "党费", "通知公告", "三单管理", "督查评选", "考核评价", "评议积分"]
STAFF_GROUPS = ["组织队伍", "日常工作", "考核督查"]


@pytest.fixture
def people(tree):
    member_user = make_user("dangyuan")
    tree.members["a"][0].__class__.objects.filter(pk=tree.members["a"][0].pk).update(user=member_user)
    duties = {}
    for name, duty in (("sysadmin", Duty.SYSTEM), ("secadmin", Duty.SECURITY), ("auditadmin", Duty.AUDIT)):
        duties[duty.value] = make_user(name)
        AdminDuty.objects.create(user=duties[duty.value], duty=duty)
    return SimpleNamespace(member=member_user, **duties)


def menu(client) -> list[str]:
    html = client.get("/accounts/security/").content.decode()
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r">([^<>]+)</a>", nav)


def test_secretary_sees_every_staff_menu_item(tree, client):
    client.force_login(tree.secretary_a)
    assert menu(client) == STAFF_MENU[:5] + ["导入"] + STAFF_MENU[5:]


def test_viewer_sees_no_import(tree, client):
    client.force_login(tree.reader_town1)
    assert menu(client) == STAFF_MENU


def test_member_sees_only_own_record(tree, people, client):
    client.force_login(people.member)
    assert menu(client) == ["待办", "我的信息"]


@pytest.mark.parametrize("duty,label", [("system", "系统管理员"), ("security", "安全管理员"), ("audit", "审计管理员")])
def test_administrators_see_only_their_page(tree, people, client, duty, label):
    client.force_login(getattr(people, duty))
    assert menu(client) == [label]


@pytest.mark.parametrize("duty,landing", [
    ("system", "administration:accounts"), ("security", "administration:security"), ("audit", "administration:audit"),
])
def test_administrators_land_on_their_page(tree, people, client, duty, landing):
    client.force_login(getattr(people, duty))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse(landing)


def test_member_lands_on_own_record(tree, people, client):
    client.force_login(people.member)
    assert client.get("/")["Location"] == reverse("members:me")


WRITE_PAGES = ["members:new", "worklists:new", "worklists:decompose", "members:import", "orgs:import"]


@pytest.mark.parametrize("name", WRITE_PAGES)
@pytest.mark.parametrize("who", ["viewer", "member", "security"])
def test_write_pages_answer_styled_chinese_403(tree, people, client, name, who):
    user = tree.reader_town1 if who == "viewer" else getattr(people, who)
    client.force_login(user)
    for method in (client.get, client.post):
        response = method(reverse(name))
        assert response.status_code == 403, (name, who)
        html = response.content.decode()
        assert "<h1>无权访问</h1>" in html and "只读" in html and "css/site.css" in html


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_write_pages_open_to_who_can_write(tree, client, name):
    client.force_login(tree.secretary_a)
    assert client.get(reverse(name)).status_code == 200


def test_viewer_cannot_post_rules(tree, client):
    client.force_login(tree.reader_town1)
    url = reverse("orglife:rules", args=[tree.town1.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"type-name": "读书会"})
    assert response.status_code == 403 and "不能修改组织生活规则" in response.content.decode()


def test_error_pages_in_production_are_chinese_and_styled(tree, client, settings):
    from django.views.defaults import server_error

    settings.DEBUG = False
    client.force_login(tree.secretary_a)
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in html and "css/site.css" in html and "Not Found" not in html
    html = server_error(RequestFactory().get("/")).content.decode()
    assert "系统出错" in html and "css/site.css" in html and "Server Error" not in html


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")


def test_demo_banner_prints_the_address_it_was_given():
    from dangjian.home.demo_accounts import banner

    assert "访问地址：http://127.0.0.1:8123/" in banner([], "http://127.0.0.1:8123")
