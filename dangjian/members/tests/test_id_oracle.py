"""A duplicate ID number registered outside the user's scope answers a neutral message that names
no organisation and no member, and the attempt is audited (before: "属于其他党组织，不在您的管辖范围内",
"该公民身份号码已登记为其他党员", nothing recorded). Inside the scope the message still says who."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.accounts.actions import api_token_issue
from dangjian.core.actors import SYSTEM
from dangjian.core.models import ChangeRecord
from dangjian.members.actions import ID_TAKEN_ELSEWHERE, member_create
from dangjian.members.io.importing import OUT_OF_SCOPE_MEMBER, import_members
from dangjian.members.models import Member
from dangjian.members.tests.test_importing import member_row, xlsx

pytestmark = pytest.mark.django_db


def _fields(member):
    return {"name": "冒名", "gender": member.gender, "birth_date": member.birth_date, "joined_on": dt.date(2005, 7, 1),
            "confirmed_on": dt.date(2006, 7, 1), "membership_type": "full"}


def _says_nothing_of(text, member):
    return member.name not in text and member.org.name not in text and member.org.code not in text


def test_the_action_inside_and_outside_the_scope(tree):
    inside, outside = tree.members["a"][0], tree.members["b"][0]
    with pytest.raises(ValidationError) as refused:
        member_create(acting_user=tree.secretary_a, org=tree.a, id_number=inside.reveal_id_number(), **_fields(inside))
    assert inside.name in refused.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as refused:
        member_create(acting_user=tree.secretary_a, org=tree.a, id_number=outside.reveal_id_number(),
                      **_fields(outside))
    assert refused.value.message_dict["id_number"] == [ID_TAKEN_ELSEWHERE]
    assert _says_nothing_of(ID_TAKEN_ELSEWHERE, outside)


def test_the_page_refuses_neutrally_and_the_attempt_is_audited(tree, login):
    outside = tree.members["b"][0]
    form = {"name": "冒名", "gender": outside.gender, "ethnicity": "汉族", "birth_date": outside.birth_date.isoformat(),
            "id_number": outside.reveal_id_number(), "org": tree.a.pk, "joined_on": "2005-07-01",
            "confirmed_on": "2006-07-01", "membership_type": "full", "status": "normal", "phone": ""}
    html = login(tree.secretary_a).post(reverse("members:new"), form).content.decode()
    assert ID_TAKEN_ELSEWHERE in html and _says_nothing_of(html.split("<main", 1)[1], outside)
    record = ChangeRecord.objects.get(action="member_id_elsewhere")
    assert record.actor == tree.secretary_a and outside.reveal_id_number() not in json.dumps(record.after)
    assert record.after["id_number"].endswith(outside.reveal_id_number()[-4:])
    assert not Member.objects.filter(name="冒名").exists()


def test_the_api_refuses_neutrally_and_the_attempt_is_audited(tree, client):
    outside = tree.members["b"][0]
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="oracle")
    body = {"org": tree.a.pk, "name": "冒名", "id_number": outside.reveal_id_number(), "joined_on": "2005-07-01",
            "confirmed_on": "2006-07-01", "membership_type": "full"}
    response = client.post("/api/members/", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "id_number", "message": ID_TAKEN_ELSEWHERE}]
    assert ChangeRecord.objects.filter(action="member_id_elsewhere", actor=tree.secretary_a).count() == 1


def test_the_import_refuses_neutrally_and_the_rows_are_audited(tree):
    outside = tree.members["b"][0]
    row = member_row(tree.a, name="冒名", id_number=outside.reveal_id_number(), birth=outside.birth_date,
                     gender=outside.gender, 入党日期="2005-07-01", 转正日期="2006-07-01")
    result = import_members(acting_user=tree.secretary_a, source=xlsx([member_row(tree.a), row]))
    assert [(e.row, e.message) for e in result.errors] == [(3, OUT_OF_SCOPE_MEMBER)]
    assert _says_nothing_of(OUT_OF_SCOPE_MEMBER, outside)
    record = ChangeRecord.objects.get(action="member_id_elsewhere")
    assert record.actor == tree.secretary_a and "第 3 行" in record.note and record.after == {"rows": 1}
