"""Bad bodies and server errors at the API's edge (issue 12 item 8, the JSON limits and "no traceback
in an API response body, in development mode too"), and the schema's error answers ("Also")."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM
from dangjian.core.apiguard import json_depth

pytestmark = pytest.mark.django_db
DEEP = "[" * 3000 + "]" * 3000


def test_json_depth_is_counted_without_recursion_and_ignores_brackets_in_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{"}]}', 10) == 3
    assert json_depth(b'"\\"[[[["', 10) == 0
    assert json_depth(("[" * 100000).encode(), 32) == 33


@pytest.mark.parametrize("authenticated", [False, True])
@pytest.mark.parametrize("url", ["/api/orgs/", "/api/members/", "/api/worklists/items"])
def test_a_3000_level_body_is_refused_in_chinese_not_a_server_error(tree, url, authenticated):
    headers = {"Authorization": f"Bearer {api_token_issue(acting_user=SYSTEM, user=tree.county_admin, name='t')}"} \
        if authenticated else {}
    response = Client(headers=headers).post(url, DEEP, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "请求体嵌套过深：JSON 最多 32 层"


def test_a_deep_body_to_a_page_is_refused_too(db):
    response = Client().post("/accounts/login/", DEEP, content_type="application/json")
    assert response.status_code == 422 and "嵌套过深" in response.content.decode()


def test_a_body_over_the_size_limit_is_413(tree, settings):
    settings.API_MAX_JSON_BYTES = 1000
    body = json.dumps({"name": "长" * 2000})
    response = Client().post("/api/orgs/", body, content_type="application/json")
    assert response.status_code == 413 and "请求体过大" in response.json()["detail"][0]["message"]


def test_an_unparsable_body_is_422_in_chinese(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.county_admin, name="t")
    response = Client(headers={"Authorization": f"Bearer {token}"}).post(
        "/api/orgs/", "{not json", content_type="application/json")
    assert response.status_code == 422 and "无法解析" in response.json()["detail"][0]["message"]


def _assert_clean_500(response):
    assert response.status_code == 500
    body = response.content.decode()
    assert "Traceback" not in body and "File \"" not in body and "RuntimeError" not in body
    data = response.json()
    assert data["detail"].startswith("服务器内部错误") and data["request_id"] == response["X-Request-ID"]


def test_no_traceback_from_a_failing_operation_in_development_mode(tree, settings, monkeypatch):
    settings.DEBUG = True
    import dangjian.orgs.api as orgs_api

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(orgs_api, "page_of", broken)
    token = api_token_issue(acting_user=SYSTEM, user=tree.county_admin, name="t")
    _assert_clean_500(Client(headers={"Authorization": f"Bearer {token}"}).get("/api/orgs/"))


def test_no_traceback_from_a_failing_middleware_in_development_mode(tree, settings, monkeypatch):
    settings.DEBUG = True
    import dangjian.core.nulguard as nulguard

    def broken(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(nulguard, "nul_field", broken)
    _assert_clean_500(Client(raise_request_exception=False).get("/api/orgs/"))


def test_the_schema_documents_the_error_answers_of_every_operation(db):
    schema = Client().get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "422", "500"} <= codes, (method, path)
            assert ("409" in codes) == (method in ("post", "patch", "put", "delete")), (method, path)
    server_error = schema["paths"]["/api/members/"]["get"]["responses"]["500"]["content"]["application/json"]
    assert set(server_error["schema"]["properties"]) == {"detail", "request_id"}
    assert "413" in schema["paths"]["/api/members/{member_id}"]["patch"]["responses"]


def test_the_schema_and_docs_are_public_and_read_no_data(db):
    """Decided: public (docs/security.md). They describe operations and fields only — the same as the
    open source code — and serving them touches no table."""
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/api/openapi.json").status_code == 200
        assert Client().get("/api/").status_code == 200
    assert queries.captured_queries == []


def test_a_path_no_route_matches_is_answered_in_json_even_in_development_mode(db, settings):
    settings.DEBUG = True  # Django's debug 404 page would list every URL pattern
    response = Client().get("/api/orgs/null,null")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert "没有这个接口" in response.json()["detail"] and "urlpatterns" not in response.content.decode()
