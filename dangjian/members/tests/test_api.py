import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.actors import SYSTEM
from dangjian.core.idnumbers import make_id_number
from dangjian.members.actions import member_update
from dangjian.members.choices import AGE_BANDS
from dangjian.members.models import Member, Transfer
from dangjian.members.rules import years_between
from dangjian.testing import api_client, new_id_number

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def fields_of(response) -> set[str]:
    return {error["field"] for error in response.json()["detail"]}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, member, body):
    return client.patch(f"/api/members/{member.pk}", body, content_type="application/json")


def b_member(tree):
    return tree.members["b"][0]


# -- list ------------------------------------------------------------------------------------------

def test_list_shows_the_scope_with_masked_numbers_only(tree):
    member = tree.members["a"][0]
    member_update(acting_user=SYSTEM, member=member, phone="13912345678")
    response = api_client(tree.secretary_a).get("/api/members/", {"count": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert sorted(names(response)) == sorted(m.name for m in tree.members["a"])
    item = next(i for i in body["items"] if i["id"] == member.pk)
    assert item["phone_masked"] == "139****5678"
    assert item["org"] == {"id": tree.a.pk, "code": "C0001-01-001", "name": "东城镇红星村党支部"}
    assert "*" in item["id_number_masked"] and item["version"] == 2
    assert "id_number" not in item and "phone" not in item
    text = response.content.decode()
    assert "13912345678" not in text
    for m in tree.members["a"]:
        assert m.reveal_id_number() not in text


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "华"}, ["陈丽华"]),
    ({"gender": "F"}, ["陈丽华", "刘芳"]),
    ({"org": "town2"}, ["吴明", "周海涛", "孙志强"]),
    ({"org": "town2", "q": "周"}, ["周海涛"]),
    ({"status": "suspended"}, []),
    ({"membership_type": "full", "org": "b"}, ["刘芳", "陈丽华"]),
])
def test_list_filters(tree, params, expected):
    params = {k: (getattr(tree, v).pk if k == "org" else v) for k, v in params.items()}
    assert sorted(names(api_client(tree.county_admin).get("/api/members/", params))) == sorted(expected)


def test_list_filters_by_flags_and_age_band(tree):
    member = tree.members["c"][0]
    member_update(acting_user=SYSTEM, member=member, lost_contact=True, hardship=True)
    client = api_client(tree.county_admin)
    assert names(client.get("/api/members/", {"lost_contact": "true"})) == [member.name]
    assert names(client.get("/api/members/", {"hardship": "true", "lost_contact": "true"})) == [member.name]
    assert client.get("/api/members/", {"hardship": "false", "count": "true"}).json()["count"] == 8
    age = years_between(dt.date(1980, 5, 17), dt.date.today())  # every member of the tree was born then
    band = next(label for label, low, high in AGE_BANDS if low <= age < high)
    assert client.get("/api/members/", {"age_band": band, "count": "true"}).json()["count"] == 9
    assert client.get("/api/members/", {"age_band": "35岁及以下"}).json()["items"] == []


def test_list_finds_a_member_by_full_id_number(tree):
    member = tree.members["a"][1]
    client = api_client(tree.secretary_a)
    response = client.post("/api/members/search", {"q": member.reveal_id_number()}, content_type="application/json")
    assert names(response) == [member.name]
    # Never in a URL: the query-string form is refused and says where to go instead.
    refused = client.get("/api/members/", {"q": member.reveal_id_number()})
    assert refused.status_code == 422 and "POST /api/members/search" in refused.json()["detail"][0]["message"]


def test_list_paginates_in_org_then_name_order(tree):
    client = api_client(tree.county_admin)
    everyone = names(client.get("/api/members/", {"limit": 200}))
    body = client.get("/api/members/", {"limit": 3, "offset": 3, "count": "true"}).json()
    assert body["count"] == 9
    assert [i["name"] for i in body["items"]] == everyone[3:6]
    assert client.get("/api/members/", {"limit": 500}).status_code == 422


def test_pages_run_no_count_unless_asked_and_next_offset_walks_the_list(tree):
    """A page asks the database for one row more than it holds (so it knows a next page follows)
    and never counts the whole scope unless the client asks ``count=true``."""
    client = api_client(tree.county_admin)
    everyone = names(client.get("/api/members/", {"limit": 200}))
    walked, offset = [], 0
    while offset is not None:
        body = client.get("/api/members/", {"limit": 4, "offset": offset}).json()
        assert body["count"] is None
        walked += [i["name"] for i in body["items"]]
        offset = body["next_offset"]
    assert walked == everyone and len(everyone) == 9
    middle = client.get("/api/members/", {"limit": 4, "offset": 4, "count": "true"}).json()
    assert middle["count"] == 9 and middle["next_offset"] == 8
    past_the_end = client.get("/api/members/", {"limit": 4, "offset": 40, "count": "true"}).json()
    assert past_the_end == {"count": 9, "next_offset": None, "items": []}


def test_an_uncounted_page_makes_no_count_query(tree):
    client = api_client(tree.county_admin)
    client.get("/api/members/", {"limit": 2})  # warm: token and session lookups are the same below
    with CaptureQueriesContext(connection) as plain:
        client.get("/api/members/", {"limit": 2})
    with CaptureQueriesContext(connection) as counted:
        client.get("/api/members/", {"limit": 2, "count": "true"})
    # the token lookup counts recent failed logins (the lockout) in a subquery: not a count of the scope
    def scope_counts(queries):
        return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and '"members_member"' in q["sql"]]

    assert scope_counts(plain.captured_queries) == []
    assert len(scope_counts(counted.captured_queries)) == 1


def test_search_in_the_body_counts_only_when_asked(tree):
    client = api_client(tree.county_admin)
    plain = client.post("/api/members/search", {"limit": 2}, content_type="application/json").json()
    counted = client.post("/api/members/search", {"limit": 2, "count": True}, content_type="application/json").json()
    assert plain["count"] is None and plain["next_offset"] == 2
    assert counted["count"] == 9


def test_bad_filter_value_is_422_naming_the_filter(tree):
    response = api_client(tree.county_admin).get("/api/members/", {"gender": "male", "org": "abc"})
    assert response.status_code == 422
    assert fields_of(response) == {"gender", "org"}
    messages = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert messages["org"] == "字段 org：应为整数"
    assert messages["gender"].startswith("字段 gender：取值应为以下之一")


# -- scoping ---------------------------------------------------------------------------------------

def test_secretary_of_a_cannot_list_or_search_branch_b(tree):
    client = api_client(tree.secretary_a)
    assert client.get("/api/members/", {"org": tree.b.pk}).json() == {"count": None, "next_offset": None, "items": []}
    assert client.get("/api/members/", {"q": "陈丽华"}).json()["items"] == []
    search = client.post("/api/members/search", {"q": b_member(tree).reveal_id_number()},
                         content_type="application/json")
    assert search.status_code == 200 and search.json()["items"] == []
    assert client.get("/api/members/", {"org": tree.town1.pk, "count": "true"}).json()["count"] == 4


def test_secretary_of_a_gets_404_for_b_members(tree):
    client = api_client(tree.secretary_a)
    member = b_member(tree)
    assert client.get(f"/api/members/{member.pk}").status_code == 404
    assert client.get(f"/api/members/{member.pk}/history").status_code == 404
    assert patch(client, member, {"version": 1, "name": "改名"}).status_code == 404
    response = post(client, f"/api/members/{member.pk}/transfer", {"to_org": tree.a.pk, "transferred_on": "2025-01-02"})
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.name == "陈丽华" and member.org == tree.b and member.version == 1
    assert not Transfer.objects.exists()


def test_a_missing_id_is_the_same_404(tree):
    response = api_client(tree.secretary_a).get("/api/members/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到，或不在您的管辖范围内"}


def test_read_only_user_can_read_but_not_write(tree):
    client = api_client(tree.reader_town1)
    member = tree.members["a"][0]
    assert client.get(f"/api/members/{member.pk}").status_code == 200
    assert client.get("/api/members/", {"count": "true"}).json()["count"] == 6
    response = patch(client, member, {"version": 1, "name": "改名"})
    assert response.status_code == 403 and response.json()["detail"] == "无权操作"
    response = post(client, f"/api/members/{member.pk}/transfer", {"to_org": tree.b.pk, "transferred_on": "2025-01-02"})
    assert response.status_code == 403
    assert post(client, "/api/members/", new_member(tree.a.pk)).status_code == 403
    member.refresh_from_db()
    assert member.name == "张红星" and member.org == tree.a


# -- detail and history ----------------------------------------------------------------------------

def test_detail(tree):
    member = tree.members["a"][0]
    body = api_client(tree.secretary_a).get(f"/api/members/{member.pk}").json()
    assert body["name"] == "张红星" and body["birth_date"] == "1980-05-17" and body["joined_on"] == "2005-07-01"
    assert body["confirmed_on"] == "2006-07-01" and body["membership_type"] == "full" and body["gender"] == "M"
    assert body["id_number_masked"] == member.id_number_masked


def test_a_list_row_and_the_detail_answer_the_same_fields_and_values(tree):
    """The list validates plain rows directly (apikit.OutputSchema), the detail a Member through
    ninja's getter: both must give the same answer, written as UTF-8 with ISO datetimes."""
    member = tree.members["a"][0]
    client = api_client(tree.secretary_a)
    listed = client.get("/api/members/", {"limit": 200})
    row = next(item for item in listed.json()["items"] if item["id"] == member.pk)
    detail = client.get(f"/api/members/{member.pk}")
    assert row == detail.json()
    assert "张红星".encode() in listed.content and b"\\u" not in listed.content
    assert dt.datetime.fromisoformat(row["updated_at"]) == Member.objects.get(pk=member.pk).updated_at


def test_history_lists_changes_newest_first_and_masked(tree):
    member = tree.members["a"][0]
    client = api_client(tree.secretary_a)
    assert patch(client, member, {"version": 1, "work_unit": "红星村村委会", "phone": "13800001111"}).status_code == 200
    body = client.get(f"/api/members/{member.pk}/history", {"count": "true"}).json()
    assert body["count"] == 2
    latest = body["items"][0]
    assert latest["action"] == "member_update" and latest["actor_name"] == "secretary_a"
    assert latest["after"]["work_unit"] == "红星村村委会" and latest["after"]["phone"] == "138****1111"
    assert "13800001111" not in client.get(f"/api/members/{member.pk}/history").content.decode()


# -- create ----------------------------------------------------------------------------------------

def new_member(org_id=None, **overrides) -> dict:
    body = {
        "org": org_id, "name": "马晓燕", "id_number": make_id_number("110101", dt.date(1992, 4, 3), 777, "F"),
        "phone": "13700001234", "joined_on": "2016-06-30", "confirmed_on": "2017-06-30", "education": "university",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_create_with_org_code_reads_birth_date_and_gender_from_the_id_number(tree):
    response = post(api_client(tree.secretary_a), "/api/members/", new_member(org_code="C0001-01-001"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["birth_date"] == "1992-04-03" and body["gender"] == "F" and body["org"]["code"] == "C0001-01-001"
    assert body["phone_masked"] == "137****1234" and body["ethnicity"] == "汉族" and body["category"] == ""
    member = Member.objects.get(pk=body["id"])
    assert member.reveal_phone() == "13700001234" and member.education == "university"


def test_create_with_a_bad_check_digit_is_422_naming_id_number(tree):
    good = make_id_number("110101", dt.date(1992, 4, 3), 777, "F")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    client = api_client(tree.secretary_a)
    for extra in ({}, {"gender": "F", "birth_date": "1992-04-03"}):
        response = post(client, "/api/members/", new_member(tree.a.pk, id_number=bad, **extra))
        assert response.status_code == 422
        assert response.json()["detail"] == [{"field": "id_number", "message": "公民身份号码校验位错误"}]
    assert not Member.objects.filter(name="马晓燕").exists()


def test_create_under_18_at_joining_is_422_naming_joined_on(tree):
    body = new_member(tree.a.pk, joined_on="2009-05-01", confirmed_on="2010-05-01")
    response = post(api_client(tree.secretary_a), "/api/members/", body)
    assert response.status_code == 422
    assert {"field": "joined_on", "message": "入党时未满18周岁"} in response.json()["detail"]


def test_create_with_missing_and_malformed_fields_is_422_in_chinese(tree):
    body = new_member(tree.a.pk, confirmed_on="2017/06/30", membership_type="formal", nickname="小马")
    del body["joined_on"]
    response = post(api_client(tree.secretary_a), "/api/members/", body)
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert messages["joined_on"] == "字段 joined_on：必填"
    assert messages["confirmed_on"] == "字段 confirmed_on：日期格式应为 YYYY-MM-DD"
    assert messages["membership_type"].startswith("字段 membership_type：取值应为以下之一")
    assert messages["nickname"] == "字段 nickname：不是可提交的字段"


def test_create_with_a_body_that_is_not_json_is_422_in_chinese(tree):
    client = api_client(tree.secretary_a)
    response = client.post("/api/members/", "{name:", content_type="application/json")
    assert response.status_code == 422  # bad input, like any other (issue 12 item 8)
    assert response.json()["detail"][0]["message"] == "请求体无法解析：应为有效的 JSON"
    response = client.post("/api/members/", "", content_type="application/json")
    assert response.status_code == 422 and fields_of(response) == {"body"}


def test_create_a_second_record_of_the_same_person_is_422(tree):
    existing = tree.members["a"][0].reveal_id_number()
    response = post(api_client(tree.secretary_a), "/api/members/", new_member(tree.a.pk, id_number=existing))
    assert response.status_code == 422
    assert fields_of(response) == {"id_number"}


def test_secretary_of_a_cannot_create_a_member_in_b(tree):
    client = api_client(tree.secretary_a)
    assert post(client, "/api/members/", new_member(tree.b.pk)).status_code in (403, 404)
    assert post(client, "/api/members/", new_member(org_code="C0001-01-002")).status_code in (403, 404)
    assert not Member.objects.filter(name="马晓燕").exists()


def test_create_without_an_org_is_422(tree):
    response = post(api_client(tree.secretary_a), "/api/members/", new_member())
    assert response.status_code == 422 and fields_of(response) == {"org"}


# -- update ----------------------------------------------------------------------------------------

def test_update_changes_only_the_fields_sent(tree):
    member = tree.members["a"][1]
    response = patch(api_client(tree.secretary_a), member, {"version": 1, "job_title": "村委委员", "hardship": True})
    assert response.status_code == 200
    body = response.json()
    assert body["job_title"] == "村委委员" and body["hardship"] is True and body["version"] == 2
    assert body["name"] == "李建国"


def test_update_may_replace_the_id_number_and_clear_the_phone(tree):
    member = tree.members["a"][1]
    member_update(acting_user=SYSTEM, member=member, phone="13900002222")
    new_number = new_id_number(dt.date(1980, 5, 17), "M")
    response = patch(api_client(tree.secretary_a), member, {"version": 2, "id_number": new_number, "phone": None})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.reveal_id_number() == new_number and member.reveal_phone() == ""
    assert response.json()["phone_masked"] == ""


def test_update_with_a_bad_body_is_422_and_changes_nothing(tree):
    member = tree.members["a"][1]
    client = api_client(tree.secretary_a)
    response = patch(client, member, {"version": 1, "phone": "2345", "joined_on": "1990-01-01"})
    assert response.status_code == 422
    assert fields_of(response) == {"phone", "joined_on"}
    response = patch(client, member, {"version": 1, "name": None, "org": tree.b.pk})
    assert response.status_code == 422 and fields_of(response) == {"org"}
    response = patch(client, member, {"version": 1, "name": None})
    assert response.status_code == 422 and response.json()["detail"] == [{"field": "name", "message": "不能为空"}]
    member.refresh_from_db()
    assert member.version == 1 and member.name == "李建国"


def test_update_with_a_stale_version_is_409_with_both_versions(tree):
    member = tree.members["a"][1]
    client = api_client(tree.secretary_a)
    assert patch(client, member, {"version": 1, "work_unit": "红星村村委会"}).status_code == 200
    response = patch(client, member, {"version": 1, "work_unit": "红星村小学"})
    assert response.status_code == 409
    body = response.json()
    assert "已被他人修改" in body["detail"]
    assert body["current"]["version"] == 2 and body["current"]["work_unit"] == "红星村村委会"
    assert body["submitted"] == {"work_unit": "红星村小学", "version": 1}
    member.refresh_from_db()
    assert member.work_unit == "红星村村委会"


def test_update_without_version_is_422(tree):
    response = patch(api_client(tree.secretary_a), tree.members["a"][1], {"name": "李建民"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "字段 version：必填"


# -- transfer --------------------------------------------------------------------------------------

def test_transfer_by_a_common_superior(tree):
    member = tree.members["a"][0]
    response = post(api_client(tree.county_admin), f"/api/members/{member.pk}/transfer",
                    {"to_org_code": "C0001-02-001", "transferred_on": "2025-03-01", "reason": "工作调动"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["from_org"]["code"] == "C0001-01-001" and body["to_org"]["code"] == "C0001-02-001"
    assert body["member_version"] == 2 and body["transferred_on"] == "2025-03-01"
    member.refresh_from_db()
    assert member.org == tree.c


def test_secretary_of_a_cannot_transfer_into_b(tree):
    member = tree.members["a"][0]
    response = post(api_client(tree.secretary_a), f"/api/members/{member.pk}/transfer",
                    {"to_org": tree.b.pk, "transferred_on": "2025-03-01"})
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.org == tree.a


def test_transfer_to_the_same_org_or_with_a_bad_date_is_422(tree):
    member = tree.members["a"][0]
    client = api_client(tree.secretary_a)
    response = post(client, f"/api/members/{member.pk}/transfer", {"to_org": tree.a.pk, "transferred_on": "2025-03-01"})
    assert response.status_code == 422 and fields_of(response) == {"to_org"}
    response = post(client, f"/api/members/{member.pk}/transfer", {"to_org": tree.a.pk, "transferred_on": "明天"})
    assert response.status_code == 422 and fields_of(response) == {"transferred_on"}


# -- query counts ----------------------------------------------------------------------------------

def test_list_query_count_does_not_grow_with_the_page(tree, django_assert_num_queries):
    from dangjian.testing import make_member

    for i in range(12):
        make_member(tree.c, name=f"新党员{i}")
    client = api_client(tree.county_admin)
    # token, token last-used (written at most every few minutes), positions, page, and the count
    # when asked for and the page does not itself show where the list ends
    with django_assert_num_queries(5):
        assert client.get("/api/members/", {"limit": 2, "count": "true"}).json()["count"] == 21
    with django_assert_num_queries(3):  # the last-used time is now fresh: token, positions, page
        assert client.get("/api/members/", {"limit": 200, "count": "true"}).json()["count"] == 21
    with django_assert_num_queries(3):
        client.get("/api/members/", {"limit": 2})
