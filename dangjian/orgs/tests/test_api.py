import datetime as dt

import pytest

from dangjian.core.actors import SYSTEM
from dangjian.orgs.actions import post_assign, term_start
from dangjian.orgs.models import Organization
from dangjian.testing import api_client, make_member

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def fields_of(response) -> set[str]:
    return {error["field"] for error in response.json()["detail"]}


# -- list ------------------------------------------------------------------------------------------

def test_list_shows_the_whole_scope_in_tree_order(tree):
    response = api_client(tree.county_admin).get("/api/orgs/", {"count": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert codes(response) == ["C0001", "C0001-01", "C0001-01-001", "C0001-01-002", "C0001-02", "C0001-02-001"]
    first = body["items"][0]
    assert first["kind"] == "committee" and first["kind_label"] == "党委"
    assert first["parent_id"] is None and first["depth"] == 1 and first["version"] == 1


def test_list_of_a_branch_secretary_is_the_branch_alone(tree):
    response = api_client(tree.secretary_a).get("/api/orgs/")
    assert codes(response) == ["C0001-01-001"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "红星"}, ["C0001-01-001"]),
    ({"q": "C0001-02"}, ["C0001-02", "C0001-02-001"]),
    ({"kind": "committee"}, ["C0001", "C0001-01", "C0001-02"]),
    ({"unit_category": "hospital"}, ["C0001-02-001"]),
    ({"depth": 3}, ["C0001-01-001", "C0001-01-002", "C0001-02-001"]),
    ({"kind": "branch", "q": "东城"}, ["C0001-01-001", "C0001-01-002"]),
])
def test_list_filters(tree, params, expected):
    assert codes(api_client(tree.county_admin).get("/api/orgs/", params)) == expected


def test_list_filters_by_parent_and_subtree(tree):
    client = api_client(tree.county_admin)
    assert codes(client.get("/api/orgs/", {"parent": tree.town1.pk})) == ["C0001-01-001", "C0001-01-002"]
    assert codes(client.get("/api/orgs/", {"within": tree.town1.pk})) == ["C0001-01", "C0001-01-001", "C0001-01-002"]
    assert client.get("/api/orgs/", {"within": 999999}).json()["items"] == []


def test_list_paginates(tree):
    client = api_client(tree.county_admin)
    body = client.get("/api/orgs/", {"limit": 2, "offset": 2, "count": "true"}).json()
    assert body["count"] == 6
    assert [o["code"] for o in body["items"]] == ["C0001-01-001", "C0001-01-002"]


@pytest.mark.parametrize("params", [{"limit": 201}, {"limit": 0}, {"offset": -1}, {"limit": "十"}])
def test_bad_pagination_is_422_naming_the_parameter(tree, params):
    response = api_client(tree.county_admin).get("/api/orgs/", params)
    assert response.status_code == 422
    name = next(iter(params))
    assert fields_of(response) == {name}
    assert response.json()["detail"][0]["message"].startswith(f"字段 {name}：")


def test_unknown_kind_is_422_listing_the_codes(tree):
    response = api_client(tree.county_admin).get("/api/orgs/", {"kind": "party"})
    assert response.status_code == 422
    message = response.json()["detail"][0]["message"]
    assert message.startswith("字段 kind：取值应为以下之一") and "committee" in message


# -- detail ----------------------------------------------------------------------------------------

def test_detail_has_parent_counts_and_current_term(tree):
    term = term_start(acting_user=SYSTEM, org=tree.a, started_on=dt.date(2023, 3, 1))
    post_assign(acting_user=SYSTEM, term=term, member=tree.members["a"][0], post="secretary", concurrent_head=True)
    response = api_client(tree.secretary_a).get(f"/api/orgs/{tree.a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["parent_code"] == "C0001-01" and body["parent_name"] == "东城镇党委"
    assert body["depth"] == 3 and body["founded_on"] == "1960-03-01"
    assert body["members_direct"] == 4 and body["members_subtree"] == 4
    assert body["current_term"]["started_on"] == "2023-03-01"
    assert body["current_term"]["ends_on"] == "2028-03-01"  # village branch: five years
    assert body["current_term"]["posts"] == [{
        "member_id": tree.members["a"][0].pk, "member_name": "张红星", "post": "secretary", "post_label": "书记",
        "concurrent_head": True,
    }]


def test_detail_counts_the_subtree(tree):
    make_member(tree.town1, name="镇机关党员")
    body = api_client(tree.county_admin).get(f"/api/orgs/{tree.town1.pk}").json()
    assert body["members_direct"] == 1 and body["members_subtree"] == 7
    assert body["children_count"] == 2 and body["current_term"] is None


@pytest.mark.parametrize("org_name", ["b", "town1", "county"])
def test_detail_outside_scope_is_404(tree, org_name):
    response = api_client(tree.secretary_a).get(f"/api/orgs/{getattr(tree, org_name).pk}")
    assert response.status_code == 404
    assert "管辖范围" in response.json()["detail"]


def test_detail_of_a_missing_id_is_the_same_404(tree):
    response = api_client(tree.secretary_a).get("/api/orgs/999999")
    assert response.status_code == 404 and "管辖范围" in response.json()["detail"]


# -- create ----------------------------------------------------------------------------------------

def new_org(**overrides) -> dict:
    return {"name": "东城镇红星村第一党小组", "code": "C0001-01-001-01", "kind": "group", **overrides}


def test_create_under_a_parent_by_code(tree):
    response = api_client(tree.secretary_a).post(
        "/api/orgs/", new_org(parent_code="C0001-01-001", founded_on="2024-01-15"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent_code"] == "C0001-01-001" and body["depth"] == 4 and body["founded_on"] == "2024-01-15"
    org = Organization.objects.get(code="C0001-01-001-01")
    assert org.parent == tree.a and org.kind == "group"
    history = api_client(tree.secretary_a).get(f"/api/orgs/{org.pk}/history").json()
    assert [h["action"] for h in history["items"]] == ["org_create"]


def test_create_under_a_parent_by_id(tree):
    response = api_client(tree.county_admin).post(
        "/api/orgs/", new_org(parent=tree.town2.pk, kind="branch", code="C0001-02-002", unit_category="school"),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["unit_category_label"] == "学校"


def test_create_with_a_used_code_is_422_naming_code(tree):
    response = api_client(tree.secretary_a).post(
        "/api/orgs/", new_org(parent=tree.a.pk, code="C0001-01-002"), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "code", "message": "组织代码 C0001-01-002 已被使用"}]


def test_create_without_name_or_parent_is_422(tree):
    client = api_client(tree.secretary_a)
    response = client.post("/api/orgs/", {"code": "X1", "kind": "group", "parent": tree.a.pk},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "字段 name：必填"
    response = client.post("/api/orgs/", new_org(), content_type="application/json")
    assert response.status_code == 422 and fields_of(response) == {"parent"}


def test_create_with_a_bad_kind_and_an_unknown_field_is_422(tree):
    response = api_client(tree.secretary_a).post(
        "/api/orgs/", new_org(parent=tree.a.pk, kind="squad", colour="red"), content_type="application/json"
    )
    assert response.status_code == 422
    assert fields_of(response) == {"kind", "colour"}


def test_create_outside_scope_is_404_and_read_only_is_403(tree):
    response = api_client(tree.secretary_a).post("/api/orgs/", new_org(parent=tree.b.pk),
                                                 content_type="application/json")
    assert response.status_code == 404
    response = api_client(tree.reader_town1).post("/api/orgs/", new_org(parent=tree.a.pk),
                                                  content_type="application/json")
    assert response.status_code == 403
    assert not Organization.objects.filter(code="C0001-01-001-01").exists()


# -- update ----------------------------------------------------------------------------------------

def patch(client, org, body):
    return client.patch(f"/api/orgs/{org.pk}", body, content_type="application/json")


def test_update_changes_only_the_fields_sent(tree):
    response = patch(api_client(tree.secretary_a), tree.a, {"version": 1, "short_name": "红星村党支部"})
    assert response.status_code == 200
    body = response.json()
    assert body["short_name"] == "红星村党支部" and body["version"] == 2 and body["name"] == "东城镇红星村党支部"
    tree.a.refresh_from_db()
    assert tree.a.short_name == "红星村党支部" and tree.a.founded_on == dt.date(1960, 3, 1)


def test_update_may_clear_the_founding_date_but_not_the_name(tree):
    client = api_client(tree.secretary_a)
    assert patch(client, tree.a, {"version": 1, "founded_on": None}).json()["founded_on"] is None
    response = patch(client, tree.a, {"version": 2, "name": None})
    assert response.status_code == 422 and response.json()["detail"] == [{"field": "name", "message": "不能为空"}]


def test_update_with_a_stale_version_is_409_with_both_versions(tree):
    client = api_client(tree.secretary_a)
    assert patch(client, tree.a, {"version": 1, "unit_name": "红星村村委会"}).status_code == 200
    response = patch(client, tree.a, {"version": 1, "unit_name": "红星村"})
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["version"] == 2 and body["current"]["unit_name"] == "红星村村委会"
    assert body["submitted"] == {"unit_name": "红星村", "version": 1}
    tree.a.refresh_from_db()
    assert tree.a.unit_name == "红星村村委会"


def test_update_without_version_is_422(tree):
    response = patch(api_client(tree.secretary_a), tree.a, {"name": "新名称"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "字段 version：必填"


def test_update_outside_scope_is_404_and_read_only_is_403(tree):
    assert patch(api_client(tree.secretary_a), tree.b, {"version": 1, "name": "改名"}).status_code == 404
    response = patch(api_client(tree.reader_town1), tree.a, {"version": 1, "name": "改名"})
    assert response.status_code == 403 and response.json()["detail"] == "无权操作"
    tree.a.refresh_from_db()
    assert tree.a.name == "东城镇红星村党支部"


def test_history_outside_scope_is_404(tree):
    assert api_client(tree.secretary_a).get(f"/api/orgs/{tree.b.pk}/history").status_code == 404


def test_detail_query_count_does_not_grow_with_the_committee(tree, django_assert_num_queries):
    term = term_start(acting_user=SYSTEM, org=tree.a, started_on=dt.date(2023, 3, 1))
    for member, post in zip(tree.members["a"], ["secretary", "deputy_secretary", "organization"], strict=False):
        post_assign(acting_user=SYSTEM, term=term, member=member, post=post)
    client = api_client(tree.county_admin)
    # token, token last-used, positions, org, member counts, children, term, posts, their members
    with django_assert_num_queries(9):
        assert len(client.get(f"/api/orgs/{tree.a.pk}").json()["current_term"]["posts"]) == 3
