"""The NUL character (which PostgreSQL text cannot hold) is refused in every kind of input, before
it reaches a query: the API answers 422 in its own error shape, pages a plain 400, both in Chinese."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM
from dangjian.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.county_admin, name="nul")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def check_api_refusal(response, field):
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["field"] == field and error["type"] == "nul_character"
    assert error["message"] == f"字段 {field}：不能包含空字符（\\0）"


@pytest.mark.parametrize("url", ["/api/orgs/", "/api/members/", "/api/worklists/items", "/api/orglife/meetings"])
def test_api_query_strings(client, bearer, url):
    check_api_refusal(client.get(url, {"q": "红星\x00村", "org": "C0001"}, **bearer), "q")


def test_api_json_bodies_nested_and_keys(client, tree, bearer):
    member = tree.members["a"][0]
    response = client.patch(f"/api/members/{member.pk}", {"work_unit": "卫生\x00院"}, content_type="application/json",
                            **bearer)
    check_api_refusal(response, "work_unit")
    body = {"org": tree.a.code, "kind": "problem", "title": "问题", "measures": ["措施\x00"]}
    response = client.post("/api/worklists/items", body, content_type="application/json", **bearer)
    check_api_refusal(response, "measures")
    response = client.post("/api/members/search", {"q\x00": "x"}, content_type="application/json", **bearer)
    check_api_refusal(response, "q")
    assert Member.objects.get(pk=member.pk).work_unit == member.work_unit


def test_a_body_that_is_not_json_is_left_to_the_api(client, bearer):
    response = client.post("/api/worklists/decompose", b"{\x00", content_type="application/json", **bearer)
    assert response.status_code in (400, 422)
    assert "JSON" in str(response.json()["detail"])


def test_pages_query_string_and_form_fields(client, tree):
    client.force_login(tree.county_admin)
    response = client.get("/members/export/", {"q": "张\x00"})
    assert response.status_code == 400
    assert "不能包含空字符" in response.content.decode()
    response = client.post("/members/import/", {"kind": "members\x00"})
    assert response.status_code == 400


def test_an_uploaded_file_may_hold_nul_bytes(client, tree):
    """File content is not form text: a binary upload reaches its view, which judges it."""
    client.force_login(tree.secretary_a)
    upload = SimpleUploadedFile("党员.xlsx", b"PK\x03\x04\x00\x00binary")
    response = client.post("/members/import/", {"kind": "members", "file": upload})
    assert response.status_code == 400
    assert "没有写入任何数据" in response.content.decode()


@settings(max_examples=30)
@given(text=st.text(max_size=20))
def test_any_text_in_a_search_answers_without_a_server_error(client, bearer, text):
    for url in ("/api/orgs/", "/api/worklists/items"):
        response = client.get(url, {"q": text}, **bearer)
        assert response.status_code in (200, 422)
        assert (response.status_code == 422) == ("\x00" in text)
