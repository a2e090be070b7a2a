"""A stale edit form with its ``version`` removed or left empty is refused like a stale one
(``shortcuts.submitted_version``): before, the missing version skipped the check and the form
silently reverted the other user's change (302)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.members.actions import member_update
from dangjian.members.models import Member
from dangjian.orglife.actions import meeting_record, meeting_update
from dangjian.orglife.models import Meeting
from dangjian.orgs.actions import org_update
from dangjian.orgs.models import Organization
from dangjian.worklists.actions import item_update
from dangjian.worklists.models import WorkItem
from dangjian.worklists.testing import make_item

pytestmark = pytest.mark.django_db
WITHOUT_VERSION = [pytest.param(lambda form: form.pop("version"), id="removed"),
                   pytest.param(lambda form: form.update(version=""), id="empty")]


@pytest.mark.parametrize("strip", WITHOUT_VERSION)
def test_member_form(tree, login, strip):
    member = tree.members["a"][0]
    form = {"name": "张红兴", "gender": "M", "ethnicity": "汉族", "birth_date": member.birth_date.isoformat(),
            "id_number": "", "phone": "", "org": tree.a.pk, "joined_on": member.joined_on.isoformat(),
            "confirmed_on": member.confirmed_on.isoformat(), "membership_type": "full", "status": "normal",
            "version": member.version}
    member_update(acting_user=SYSTEM, member=member, address="对方改的地址")
    strip(form)
    response = login(tree.secretary_a).post(reverse("members:edit", args=[member.pk]), form)
    assert response.status_code == 409 and "保存冲突" in response.content.decode()
    stored = Member.objects.get(pk=member.pk)
    assert stored.name == "张红星" and stored.address == "对方改的地址"


@pytest.mark.parametrize("strip", WITHOUT_VERSION)
def test_org_form(tree, login, strip):
    form = {"name": "改名", "code": tree.a.code, "kind": "branch", "unit_category": "village", "version": 1}
    org_update(acting_user=SYSTEM, org=tree.a, name="对方改的名称")
    strip(form)
    response = login(tree.county_admin).post(reverse("orgs:edit", args=[tree.a.pk]), form)
    assert response.status_code == 409 and "保存冲突" in response.content.decode()
    assert Organization.objects.get(pk=tree.a.pk).name == "对方改的名称"


@pytest.mark.parametrize("strip", WITHOUT_VERSION)
def test_meeting_form(tree, login, strip):
    held = timezone.localtime() - dt.timedelta(days=2)
    meeting = meeting_record(acting_user=SYSTEM, org=tree.a, types=["theme_day"], held_at=held, title="主题党日",
                             attendance=[{"member": m.pk, "status": "present"} for m in tree.members["a"]])
    form = {"title": "我改的标题", "types": ["theme_day"], "status": "held",
            "held_at": timezone.localtime(held).strftime("%Y-%m-%dT%H:%M"), "version": meeting.version}
    form.update({f"att-{m.pk}": "present" for m in tree.members["a"]})
    meeting_update(acting_user=SYSTEM, meeting=meeting, title="对方改的标题")
    strip(form)
    response = login(tree.secretary_a).post(reverse("orglife:meeting_edit", args=[meeting.pk]), form)
    assert response.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).title == "对方改的标题"


@pytest.mark.parametrize("strip", WITHOUT_VERSION)
def test_work_item_form_and_transition(tree, login, strip):
    item = make_item(tree.a, "组织生活不规范")
    form = {"kind": "problem", "source": "self_check", "title": "我改的事项", "org": tree.a.pk,
            "measures": "组织专题学习", "priority": 1, "review_interval_days": 60, "version": item.version}
    item_update(acting_user=SYSTEM, item=item, title="对方改的事项")
    strip(form)
    client = login(tree.secretary_a)
    assert client.post(reverse("worklists:edit", args=[item.pk]), form).status_code == 409
    assert WorkItem.objects.get(pk=item.pk).title == "对方改的事项"
    claim = {"version": item.version}
    strip(claim)
    client.post(reverse("worklists:transition", args=[item.pk, "claim"]), claim)
    assert WorkItem.objects.get(pk=item.pk).state == item.state  # not claimed from a page of unknown age
