"""学习教育 pages: a session recorded from the roster, the hours table, and 我的信息."""

import datetime as dt

import pytest

from dangjian.learning import actions
from dangjian.learning.models import Session
from dangjian.members.selfservice import member_accounts
from dangjian.testing import make_user

pytestmark = pytest.mark.django_db


def test_session_from_roster_and_hours(tree, login):
    year = dt.date.today().year
    client = login(tree.secretary_a)
    response = client.post("/learning/new/", {"org": tree.a.code, "kind": "lecture_hall", "title": "红星村讲习所",
                                              "year": year})
    assert response.status_code == 302
    programme_url = response["Location"]
    page = client.get(programme_url).content.decode()
    assert "张红星" in page  # the roster is offered
    a = tree.members["a"]
    response = client.post(programme_url, {"title": "学习党章", "held_on": f"{year}-01-01", "hours": "2",
                                           "attendees": [a[0].pk, a[1].pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Session.objects.get().attendances.count() == 2
    hours = client.get("/learning/hours/").content.decode()
    assert "不按学时排名" in hours, hours[-3000:]
    assert "2.0" in hours
    assert login(tree.secretary_b).get(programme_url).status_code == 404


def test_my_record_shows_study(tree, client):
    year = dt.date.today().year
    member = tree.members["a"][0]
    programme = actions.programme_create(acting_user=tree.secretary_a, org=tree.a, kind="rotation", title="党员轮训",
                                         year=year)
    actions.session_create(acting_user=tree.secretary_a, programme=programme, title="轮训第一期",
                           held_on=dt.date(year, 1, 1), hours="4", attendees=[member])
    make_user("dangyuan")
    member_accounts.member_account_link(acting_user=tree.secretary_a, member=member, username="dangyuan")
    from dangjian.testing import DEFAULT_PASSWORD

    assert client.login(username="dangyuan", password=DEFAULT_PASSWORD)
    page = client.get("/members/me/").content.decode()
    assert "轮训第一期" in page and "已完成 4.0 学时" in page
