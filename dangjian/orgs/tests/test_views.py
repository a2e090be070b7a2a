import datetime as dt

import pytest
from django.urls import reverse

from dangjian.orgs.models import CommitteePost, Organization, Term

pytestmark = pytest.mark.django_db


def test_org_page_shows_info_committee_children_stats(tree, login):
    client = login(tree.county_admin)
    html = client.get(reverse("orgs:detail", args=[tree.town1.pk])).content.decode()
    for text in (tree.town1.code, tree.a.name, tree.b.name, "书记队伍", "年龄结构", "结构预警"):
        assert text in html


def test_term_and_post_through_pages(tree, login):
    client = login(tree.secretary_a)
    response = client.post(reverse("orgs:term_new", args=[tree.a.pk]), {"started_on": "2024-03-01"})
    assert response.status_code == 302
    term = Term.objects.get(org=tree.a, is_current=True)
    assert term.ends_on == dt.date(2029, 3, 1)
    member = tree.members["a"][0]
    client.post(reverse("orgs:post_new", args=[tree.a.pk]), {"member": member.pk, "post": "secretary"})
    assert CommitteePost.objects.get(term=term).member == member
    again = client.post(reverse("orgs:post_new", args=[tree.a.pk]),
                        {"member": tree.members["a"][1].pk, "post": "secretary"})
    assert "本届已有书记" in again.content.decode()


def test_post_cannot_name_a_member_of_another_branch(tree, login):
    client = login(tree.county_admin)
    client.post(reverse("orgs:term_new", args=[tree.a.pk]), {"started_on": "2024-03-01"})
    response = client.post(reverse("orgs:post_new", args=[tree.a.pk]),
                           {"member": tree.members["b"][0].pk, "post": "secretary"})
    assert response.status_code == 200 and not CommitteePost.objects.exists()


def test_create_child_with_duplicate_code_names_the_clash(tree, login):
    client = login(tree.county_admin)
    response = client.post(reverse("orgs:new_child", args=[tree.town1.pk]),
                           {"name": "新支部", "code": tree.a.code, "kind": "branch", "unit_category": "other"})
    assert "已被使用" in response.content.decode()
    assert Organization.objects.filter(name="新支部").count() == 0


def test_move_through_page(tree, login):
    client = login(tree.county_admin)
    client.post(reverse("orgs:move", args=[tree.a.pk]), {"new_parent": tree.town2.pk})
    assert Organization.objects.get(pk=tree.a.pk).parent_id == tree.town2.pk


def test_org_edit_conflict_is_shown(tree, login):
    client = login(tree.county_admin)
    form = {"name": "改名一", "code": tree.a.code, "kind": "branch", "unit_category": "village", "version": 1}
    assert client.post(reverse("orgs:edit", args=[tree.a.pk]), form).status_code == 302
    stale = dict(form, name="改名二")
    response = client.post(reverse("orgs:edit", args=[tree.a.pk]), stale)
    assert response.status_code == 409 and "保存冲突" in response.content.decode()
    assert Organization.objects.get(pk=tree.a.pk).name == "改名一"


def test_committee_lists_secretary_before_deputy(tree, login):
    from dangjian.orgs.actions import post_assign, term_start

    term = term_start(acting_user=tree.county_admin, org=tree.a, started_on=dt.date(2024, 1, 1), ends_on=None)
    for member, post in zip(tree.members["a"][:3], ("organization", "deputy_secretary", "secretary"), strict=True):
        post_assign(acting_user=tree.county_admin, term=term, member=member, post=post)
    posts = [p.post for p in CommitteePost.objects.filter(term=term)]
    assert posts == ["secretary", "deputy_secretary", "organization"]
    html = login(tree.county_admin).get(reverse("orgs:detail", args=[tree.a.pk])).content.decode()
    assert html.index("<td>书记</td>") < html.index("<td>副书记</td>") < html.index("<td>组织委员</td>")
