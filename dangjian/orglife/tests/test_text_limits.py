"""Free text has a sensible length, refused in Chinese on the page, the API and the action: before,
1 MB of minutes was accepted."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.orglife import actions
from dangjian.orglife.models import Meeting

pytestmark = pytest.mark.django_db


def _record(tree, **fields):
    return actions.meeting_record(acting_user=SYSTEM, org=tree.a, types=["theme_day"], title="主题党日",
                                  held_at=timezone.now() - dt.timedelta(days=1), attendance=[], **fields)


@pytest.mark.parametrize(("field", "label"), [("minutes", "会议内容"), ("topics", "议题"), ("decisions", "决议")])
def test_the_action_refuses_text_past_the_limit(tree, field, label):
    limit = actions.TEXT_LIMITS[field]
    with pytest.raises(ValidationError) as refused:
        _record(tree, **{field: "记" * (limit + 1)})
    assert refused.value.message_dict[field] == [f"{label}最多 {limit} 个字（现为 {limit + 1} 个字）"]
    assert not Meeting.objects.exists()
    assert getattr(_record(tree, **{field: "记" * limit}), field) == "记" * limit


def test_a_megabyte_of_minutes_is_refused_by_the_api_and_the_page(tree, login):
    client = login(tree.secretary_a)
    client.handler.enforce_csrf_checks = False
    body = {"org": tree.a.pk, "title": "主题党日", "types": ["theme_day"], "held_at": "2026-11-25T09:00:00+08:00",
            "minutes": "记" * 100_000}  # under the API's 1 MB body limit (a megabyte is refused earlier, 413)
    response = client.post("/api/orglife/meetings", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "minutes"
    body["minutes"] = "记" * 1_000_000
    assert client.post("/api/orglife/meetings", json.dumps(body), content_type="application/json").status_code == 413
    form = {"title": "主题党日", "types": ["theme_day"], "status": "held", "held_at": "2026-11-25T09:00",
            "minutes": "记" * 1_000_000}
    page = client.post(f"/orglife/org/{tree.a.pk}/new/", form)
    assert page.status_code == 200 and "会议内容最多 20000 个字" in page.content.decode()
    assert not Meeting.objects.exists()
