"""The rate limiter (core.ratelimit) on the shared cache: per user and per address, in Chinese,
429 with Retry-After on the API and the pages. Before, nothing limited lookups, imports or logins."""

import json

import pytest
from django.core.cache import caches
from django.urls import reverse

from dangjian.accounts.actions import api_token_issue
from dangjian.core import ratelimit
from dangjian.core.actors import SYSTEM
from dangjian.core.context import RequestContext, _current
from dangjian.core.errors import RateLimited
from dangjian.testing import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    caches[ratelimit.CACHE].clear()
    yield
    caches[ratelimit.CACHE].clear()


def test_the_limit_counts_per_user_and_per_address(tree, settings):
    settings.RATE_LIMIT_ID_LOOKUPS = "3/600"
    for _ in range(3):
        ratelimit.check("id_lookup", user=tree.secretary_a, address="10.0.0.1")
    with pytest.raises(RateLimited) as refused:
        ratelimit.check("id_lookup", user=tree.secretary_a, address="10.0.0.2")  # same user, other address
    assert str(refused.value) == "操作过于频繁：按公民身份号码或手机号码查找、登记党员每 10 分钟最多 3 次，请稍后再试"
    assert 0 < refused.value.retry_after <= 601
    with pytest.raises(RateLimited):
        ratelimit.check("id_lookup", user=tree.secretary_b, address="10.0.0.1")  # other user, same address
    ratelimit.check("id_lookup", user=tree.secretary_b, address="10.0.0.3")  # both fresh


def test_the_address_comes_from_the_request_as_the_audit_log_takes_it(tree, settings):
    settings.RATE_LIMIT_LOGINS = "2/60"
    token = _current.set(RequestContext(address="10.9.9.9"))
    try:
        ratelimit.check("login")
        ratelimit.check("login")
        with pytest.raises(RateLimited, match="登录每 1 分钟最多 2 次"):
            ratelimit.check("login")
    finally:
        _current.reset(token)


def test_the_api_answers_429_in_chinese(tree, client, settings):
    settings.RATE_LIMIT_ID_LOOKUPS = "2/600"
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="limit")
    number = tree.members["a"][0].reveal_id_number()
    answers = [client.post("/api/members/search", json.dumps({"q": number}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "操作过于频繁" in answers[2].json()["detail"] and int(answers[2]["Retry-After"]) > 0
    # a search by name is not a lookup by number and is not counted
    by_name = client.post("/api/members/search", json.dumps({"q": "张"}), content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert by_name.status_code == 200


def test_the_import_page_answers_429(tree, login, settings):
    settings.RATE_LIMIT_IMPORTS = "1/3600"
    client = login(tree.secretary_a)
    assert client.post(reverse("members:import"), {}).status_code == 400  # counted: no file chosen
    refused = client.post(reverse("members:import"), {})
    assert refused.status_code == 429 and "导入每 60 分钟最多 1 次" in refused.content.decode()


def test_login_attempts_are_limited_by_address(tree, client, settings):
    settings.RATE_LIMIT_LOGINS = "3/600"
    url = reverse("accounts:login")
    for username in ("a1", "a2", "a3"):  # different accounts, one address: the lockout never sees it
        assert client.post(url, {"username": username, "password": "x"}).status_code == 200
    refused = client.post(url, {"username": tree.secretary_a.username, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 429 and "登录每 10 分钟最多 3 次" in refused.content.decode()
    assert "_auth_user_id" not in client.session
