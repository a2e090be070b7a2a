"""``held_at`` and ``ends_at`` given without a time zone: before, a server error (500). A date and
time without an offset is read in the platform's zone, as the pages read it; a date alone, which
would be read as midnight, is refused with 422 and a Chinese reason."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from dangjian.orglife.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(tree, login):
    client = login(tree.secretary_a)
    client.handler.enforce_csrf_checks = False
    return client


def _body(tree, **fields):
    return {"org": tree.a.pk, "title": "主题党日", "types": ["theme_day"], "held_at": "2026-11-25T09:00:00+08:00",
            **fields}


def _send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_a_time_without_an_offset_is_the_platforms_zone(tree, client_a):
    response = _send(client_a, "post", "/api/orglife/meetings",
                     _body(tree, held_at="2026-11-25T09:00:00", ends_at="2026-11-25T10:30"))
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(pk=response.json()["id"])
    local = timezone.localtime(meeting.held_at)
    assert (local.date(), local.time()) == (dt.date(2026, 11, 25), dt.time(9, 0))
    assert timezone.localtime(meeting.ends_at).time() == dt.time(10, 30)
    patched = _send(client_a, "patch", f"/api/orglife/meetings/{meeting.pk}",
                    {"version": meeting.version, "held_at": "2026-11-25T14:00:00", "ends_at": "2026-11-25T15:00:00"})
    assert patched.status_code == 200, patched.content
    assert timezone.localtime(Meeting.objects.get(pk=meeting.pk).held_at).time() == dt.time(14, 0)


@pytest.mark.parametrize("field", ["held_at", "ends_at"])
def test_a_date_alone_is_refused_in_chinese(tree, client_a, field):
    response = _send(client_a, "post", "/api/orglife/meetings", _body(tree, **{field: "2026-11-25"}))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == field and "只有日期" in error["message"]
    assert not Meeting.objects.exists()


def test_a_date_alone_is_refused_on_patch_and_nothing_changes(tree, client_a):
    meeting_id = _send(client_a, "post", "/api/orglife/meetings", _body(tree)).json()["id"]
    before = Meeting.objects.get(pk=meeting_id)
    response = _send(client_a, "patch", f"/api/orglife/meetings/{meeting_id}",
                     {"version": before.version, "held_at": "2026-11-26"})
    assert response.status_code == 422 and "只有日期" in response.json()["detail"][0]["message"]
    assert Meeting.objects.get(pk=meeting_id).held_at == before.held_at
