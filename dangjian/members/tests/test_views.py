import datetime as dt

import pytest
from django.urls import reverse

from dangjian.core.history import history_of
from dangjian.members.choices import AGE_BANDS
from dangjian.members.models import Member, Transfer
from dangjian.members.rules import age_on
from dangjian.testing import new_id_number

pytestmark = pytest.mark.django_db


def _form(org, **overrides):
    birth = dt.date(1990, 4, 12)
    data = {
        "name": "韩卫国", "gender": "M", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_number": new_id_number(birth, "M"), "org": org.pk, "joined_on": "2015-06-30",
        "confirmed_on": "2016-06-30", "membership_type": "full", "status": "normal", "phone": "13800138000",
    }
    data.update(overrides)
    return data


def test_create_member_stores_encrypted_and_shows_masked(tree, login):
    client = login(tree.secretary_a)
    data = _form(tree.a)
    response = client.post(reverse("members:new"), data)
    assert response.status_code == 302
    member = Member.objects.get(name="韩卫国")
    assert data["id_number"] not in member.id_number_encrypted
    assert member.reveal_id_number() == data["id_number"]
    html = client.get(response["Location"]).content.decode()
    assert data["id_number"] not in html and member.id_number_masked in html
    assert "138****8000" in html


def test_bad_input_names_the_field_and_saves_nothing(tree, login):
    client = login(tree.secretary_a)
    bad = _form(tree.a, id_number="110101199004120000", joined_on="2001-01-01")
    html = client.post(reverse("members:new"), bad).content.decode()
    assert "校验位错误" in html
    assert not Member.objects.filter(name="韩卫国").exists()
    young = _form(tree.a, joined_on="2005-01-01", confirmed_on="2006-01-01")
    assert "入党时未满18周岁" in client.post(reverse("members:new"), young).content.decode()


def test_cannot_create_in_other_branch(tree, login):
    client = login(tree.secretary_a)
    response = client.post(reverse("members:new"), _form(tree.b))
    assert response.status_code == 200
    assert not Member.objects.filter(name="韩卫国").exists()


def test_edit_keeps_history_with_masked_values(tree, login):
    client = login(tree.secretary_a)
    member = tree.members["a"][0]
    data = _form(tree.a, name="张红兴", id_number="", phone="", birth_date=member.birth_date.isoformat(),
                 joined_on=member.joined_on.isoformat(), confirmed_on=member.confirmed_on.isoformat(),
                 version=member.version)
    assert client.post(reverse("members:edit", args=[member.pk]), data).status_code == 302
    record = history_of(member).first()
    assert record.before["name"] == "张红星" and record.after["name"] == "张红兴"
    assert record.actor == tree.secretary_a


def test_second_editor_gets_a_conflict_not_an_overwrite(tree, login):
    client = login(tree.secretary_a)
    member = tree.members["a"][1]
    base = _form(tree.a, id_number="", phone="", birth_date=member.birth_date.isoformat(),
                 joined_on=member.joined_on.isoformat(), confirmed_on=member.confirmed_on.isoformat(),
                 version=member.version)
    assert client.post(reverse("members:edit", args=[member.pk]), dict(base, address="甲地")).status_code == 302
    response = client.post(reverse("members:edit", args=[member.pk]), dict(base, address="乙地"))
    assert response.status_code == 409
    assert "保存冲突" in response.content.decode() and "甲地" in response.content.decode()
    assert Member.objects.get(pk=member.pk).address == "甲地"


def test_transfer_within_scope_records_history(tree, login):
    client = login(tree.county_admin)
    member = tree.members["a"][0]
    client.post(reverse("members:transfer", args=[member.pk]),
                {"to_org": tree.c.pk, "transferred_on": "2026-03-01", "reason": "工作调动"})
    assert Member.objects.get(pk=member.pk).org_id == tree.c.pk
    assert Transfer.objects.get(member=member).from_org_id == tree.a.pk


def test_secretary_cannot_transfer_out_of_scope(tree, login):
    client = login(tree.secretary_a)
    member = tree.members["a"][0]
    response = client.post(reverse("members:transfer", args=[member.pk]),
                           {"to_org": tree.c.pk, "transferred_on": "2026-03-01"})
    assert response.status_code == 200
    assert Member.objects.get(pk=member.pk).org_id == tree.a.pk


def test_reveal_is_recorded_and_not_in_url(tree, login):
    client = login(tree.secretary_a)
    member = tree.members["a"][0]
    response = client.post(reverse("members:reveal", args=[member.pk]))
    assert member.reveal_id_number() in response.content.decode()
    assert history_of(member).filter(action="member_reveal", actor=tree.secretary_a).exists()
    assert response["Cache-Control"] == "no-store"


def test_readonly_cannot_reveal(tree, login):
    client = login(tree.reader_town1)
    member = tree.members["a"][0]
    response = client.post(reverse("members:reveal", args=[member.pk]))
    assert response.status_code == 403 and "只有查看权限" in response.content.decode()


def test_member_list_filters(tree, login):
    client = login(tree.county_admin)
    html = client.get(reverse("members:list"), {"gender": "F"}).content.decode()
    assert "陈丽华" in html and "张红星" not in html
    html = client.get(reverse("members:list"), {"org": tree.town2.pk}).content.decode()
    assert "孙志强" in html and "张红星" not in html
    age = age_on(dt.date(1980, 5, 17), dt.date.today())  # the fixture members' birth date
    inside = next(label for label, low, high in AGE_BANDS if low <= age < high)
    outside = next(label for label, low, high in AGE_BANDS if not low <= age < high)
    assert "张红星" in client.get(reverse("members:list"), {"age_band": inside}).content.decode()
    assert "张红星" not in client.get(reverse("members:list"), {"age_band": outside}).content.decode()


def test_org_filter_past_what_a_database_holds_is_ignored_not_500(tree, login):
    assert login(tree.county_admin).get(reverse("members:list"), {"org": "9" * 25}).status_code == 200


def test_the_flow_flag_is_not_set_on_the_member_form(tree, login):
    """流动党员 flags follow the outflow and inflow records (mobility), not a field typed on the form."""
    client = login(tree.secretary_a)
    response = client.post(reverse("members:new"), _form(tree.a, flow_status="out", flow_place="上海市"))
    assert response.status_code == 302
    assert Member.objects.filter(name="韩卫国").values_list("flow_status", "flow_place").get() == ("", "")
