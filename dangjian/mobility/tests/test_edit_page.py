"""The outflow edit page: the same action and version check as ``PUT /api/mobility/outflows/{id}``;
a concurrent edit answers 409 with both sides and is never silently lost."""

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.core.models import ChangeRecord
from dangjian.members.models import Member
from dangjian.mobility import actions
from dangjian.mobility.models import Outflow

from .conftest import away

pytestmark = pytest.mark.django_db


def _form(outflow, **overrides):
    data = {"place": outflow.place, "reason": outflow.reason, "left_on": f"{outflow.left_on:%Y-%m-%d}",
            "expected_until": "", "contact": outflow.contact, "receiving_org": "", "receiving_org_text": "",
            "note": outflow.note, "version": outflow.version}
    data.update(overrides)
    return data


@pytest.fixture
def outflow(tree, today):
    return away(tree.members["a"][0], today, 2)


def _url(outflow) -> str:
    return reverse("mobility:outflow_edit", args=[outflow.pk])


def test_edit_saves_keeps_the_member_flag_in_step_and_is_audited(tree, login, outflow):
    client, url = login(tree.secretary_a), _url(outflow)
    page = client.get(url).content.decode()
    assert 'name="version"' in page and 'value="广东省深圳市"' in page
    detail = client.get(reverse("mobility:outflow", args=[outflow.pk])).content.decode()
    assert url in detail  # linked from the outflow page
    assert url in client.get(reverse("mobility:branch", args=[tree.a.pk])).content.decode()  # and the list
    response = client.post(url, _form(outflow, place="江苏省苏州市", contact="13700000000"))
    assert response.status_code == 302 and response["Location"] == reverse("mobility:outflow", args=[outflow.pk])
    saved = Outflow.objects.get(pk=outflow.pk)
    assert (saved.place, saved.contact, saved.version) == ("江苏省苏州市", "13700000000", outflow.version + 1)
    assert Member.objects.get(pk=outflow.member_id).flow_place == "江苏省苏州市"
    record = ChangeRecord.objects.get(action="outflow_update", object_id=outflow.pk)
    assert record.actor == tree.secretary_a and record.after["place"] == "江苏省苏州市"


def test_a_concurrent_edit_is_a_409_with_both_sides_and_a_second_submit_wins(tree, login, outflow):
    loaded = _form(outflow, place="江苏省苏州市")
    actions.outflow_update(acting_user=tree.county_admin, outflow=outflow, expected_version=outflow.version,
                           place="浙江省宁波市", left_on=outflow.left_on)  # someone else saves first
    client, url = login(tree.secretary_a), _url(outflow)
    response = client.post(url, loaded)
    html = response.content.decode()
    assert response.status_code == 409 and "保存冲突" in html
    assert "浙江省宁波市" in html and "江苏省苏州市" in html  # theirs in the panel, mine kept in the form
    assert Outflow.objects.get(pk=outflow.pk).place == "浙江省宁波市"  # not overwritten
    again = client.post(url, _form(Outflow.objects.get(pk=outflow.pk), place="江苏省苏州市"))
    assert again.status_code == 302 and Outflow.objects.get(pk=outflow.pk).place == "江苏省苏州市"


def test_a_post_without_a_version_is_a_conflict_not_an_overwrite(tree, login, outflow):
    response = login(tree.secretary_a).post(_url(outflow), _form(outflow, place="江苏省苏州市", version=""))
    assert response.status_code == 409 and Outflow.objects.get(pk=outflow.pk).place == "广东省深圳市"


def test_bad_input_is_shown_on_the_form_in_chinese(tree, login, outflow):
    before = outflow.left_on - dt.timedelta(days=1)
    response = login(tree.secretary_a).post(_url(outflow), _form(outflow, expected_until=f"{before:%Y-%m-%d}"))
    assert response.status_code == 200 and "预计返回日期不能早于外出日期" in response.content.decode()
    assert Outflow.objects.get(pk=outflow.pk).version == outflow.version


def test_scope_outside_is_404_and_read_only_is_403(tree, login, outflow):
    url = _url(outflow)
    assert login(tree.secretary_b).get(url).status_code == 404
    assert login(tree.reader_town1).get(url).status_code == 403
    assert login(tree.reader_town1).post(url, _form(outflow, place="上海市")).status_code == 403
    assert Outflow.objects.get(pk=outflow.pk).place == "广东省深圳市"
