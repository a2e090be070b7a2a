import datetime as dt
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from dangjian.accounts.actions import api_token_issue
from dangjian.accounts.models import ApiToken
from dangjian.core.actors import SYSTEM
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db

NEW_GROUP = {"parent_code": "C0001-01-001", "name": "红星村第一党小组", "code": "C0001-01-001-01", "kind": "group"}


def bearer(token: str, **kwargs) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"}, **kwargs)


# -- who may call ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/orgs/", "/api/members/", "/api/members/1", "/api/orgs/1/history"])
def test_no_credentials_is_401_in_chinese(db, url):
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("未认证")


def test_no_credentials_on_a_write_is_401_not_a_csrf_error(db):
    response = Client(enforce_csrf_checks=True).post("/api/orgs/", NEW_GROUP, content_type="application/json")
    assert response.status_code == 401


def test_bearer_token_works_and_a_wrong_one_is_401(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    assert bearer(token).get("/api/orgs/", {"count": "true"}).json()["count"] == 1
    assert bearer(token + "x").get("/api/orgs/").status_code == 401
    assert bearer("").get("/api/orgs/").status_code == 401
    response = bearer(token + "x", enforce_csrf_checks=True).post("/api/orgs/", NEW_GROUP,
                                                                  content_type="application/json")
    assert response.status_code == 401
    assert ApiToken.objects.get(user=tree.secretary_a).last_used_at is not None


def test_token_in_the_x_api_token_header_works(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    assert Client(headers={"X-API-Token": token}).get("/api/orgs/", {"count": "true"}).json()["count"] == 1
    assert Client(headers={"X-API-Token": "nonsense"}).get("/api/orgs/").status_code == 401


def test_expired_token_and_inactive_user_are_401(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert bearer(token).get("/api/orgs/").status_code == 401
    other = api_token_issue(acting_user=SYSTEM, user=tree.secretary_b, name="对接")
    tree.secretary_b.is_active = False
    tree.secretary_b.save()
    assert bearer(other).get("/api/orgs/").status_code == 401


def test_token_of_a_user_without_position_sees_nothing(tree):
    from dangjian.testing import make_user

    token = api_token_issue(acting_user=SYSTEM, user=make_user("nobody"), name="对接")
    assert bearer(token).get("/api/orgs/").json() == {"count": None, "next_offset": None, "items": []}
    assert bearer(token).get(f"/api/orgs/{tree.a.pk}").status_code == 404


# -- session and CSRF ------------------------------------------------------------------------------

def session_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_reads_need_no_csrf_token(tree):
    assert session_client(tree.secretary_a).get("/api/orgs/", {"count": "true"}).json()["count"] == 1


def test_session_write_without_csrf_token_is_refused(tree):
    response = session_client(tree.secretary_a).post("/api/orgs/", NEW_GROUP, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Organization.objects.filter(code=NEW_GROUP["code"]).exists()


def test_session_write_with_csrf_token_works(tree):
    client = session_client(tree.secretary_a)
    client.get("/api/")  # the docs page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/api/orgs/", NEW_GROUP, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_bearer_write_needs_no_csrf_token(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    response = bearer(token, enforce_csrf_checks=True).post("/api/orgs/", NEW_GROUP, content_type="application/json")
    assert response.status_code == 201


def test_login_fixture_session_works(tree, login):
    assert login(tree.county_admin).get("/api/members/", {"count": "true"}).json()["count"] == 9


# -- schema and docs -------------------------------------------------------------------------------

def test_openapi_schema_lists_the_paths(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "党建工作平台 API"
    for path in ["/api/orgs/", "/api/orgs/{org_id}", "/api/members/", "/api/members/{member_id}",
                 "/api/members/{member_id}/history", "/api/members/{member_id}/transfer"]:
        assert path in schema["paths"]
    assert set(schema["paths"]["/api/members/{member_id}"]) == {"get", "patch"}
    member_out = schema["components"]["schemas"]["MemberOut"]["properties"]
    assert "id_number_masked" in member_out and "id_number" not in member_out and "phone" not in member_out
    assert "`F` 女" in member_out["gender"]["description"]
    assert {"BearerToken", "HeaderToken", "Session"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_uses_local_assets_only(db):
    response = Client().get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    for word in ("cdn", "jsdelivr", "unpkg"):
        assert word not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io


# -- the api-token command -------------------------------------------------------------------------

def test_api_token_command_prints_a_working_token_once(tree):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "secretary_a", "--name", "数据对接", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert "只显示这一次" in err.getvalue()
    row = ApiToken.objects.get(user=tree.secretary_a)
    assert row.name == "数据对接" and row.digest == ApiToken.digest_of(token) and token not in row.digest
    assert bearer(token).get("/api/orgs/", {"count": "true"}).json()["count"] == 1


def test_api_token_command_refuses_unknown_and_inactive_users(tree):
    with pytest.raises(CommandError, match="不存在"):
        call_command("api_token", "ghost")
    tree.secretary_b.is_active = False
    tree.secretary_b.save()
    with pytest.raises(CommandError, match="已停用"):
        call_command("api_token", "secretary_b")
    assert not ApiToken.objects.exists()
