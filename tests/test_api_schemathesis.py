"""Schemathesis against /api/openapi.json: every operation, called through the WSGI app with a valid
token of a user who holds a position, never answers with a server error, and its responses match
the schema the API publishes."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM
from dangjian.testing import make_member
from dangjian.wsgi import application

# Not status_code_conformance: the schema documents each operation's success only, while the error
# answers (401/403/404/409/422, described in the API's description) share one shape.
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# Per operation; 35 operations × 12 examples take about two minutes. API_FUZZ_EXAMPLES=200 for a deep run.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request; inside a test's
    transaction that would end the test's data. Django's own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(tree, keep_connection):
    make_member(tree.a, name="接口党员", phone="13912345678")
    return api_token_issue(acting_user=SYSTEM, user=tree.county_admin, name="schemathesis")


# Loaded at collection through the WSGI app, as a client would fetch it (the schema view reads no data).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_without_a_server_error(case, api_token):
    response = case.call(headers={"Authorization": f"Bearer {api_token}"})
    case.validate_response(response, checks=CHECKS)


# What schemathesis found, kept as plain regression tests.


@pytest.mark.parametrize("url", ["/api/orglife/meetings", "/api/orglife/flags", "/api/orgs/", "/api/worklists/items",
                                 "/api/members/"])
def test_an_offset_past_the_databases_integers_is_refused_in_chinese(client, api_token, url):
    response = client.get(url, {"offset": 54241156607536521216}, HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "字段 offset：不能大于 1000000000"


BIG = 2**70  # past the databases' 64-bit integers


@pytest.mark.parametrize(("url", "query"), [("/api/orgs/", {"parent": BIG}), ("/api/orgs/", {"within": -BIG}),
                                            ("/api/worklists/items", {"document": BIG})])
def test_an_id_filter_past_the_databases_integers_is_refused(client, api_token, url, query):
    response = client.get(url, query, HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == next(iter(query)) and error["message"].startswith(f"字段 {next(iter(query))}：")


def test_ids_in_a_work_item_body_past_the_databases_integers_are_refused(client, tree, api_token):
    response = client.post("/api/worklists/items", {"org": tree.a.pk, "kind": "problem", "title": "问题",
                                                    "orgs": [BIG], "persons": [BIG]},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"orgs.0", "persons.0"}
