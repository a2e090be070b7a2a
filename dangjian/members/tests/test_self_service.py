"""A member's own record (PIPL 查阅权) and correction requests (更正权): linking a login, the self
view, the logged reveal, requests and their decision, and the scope around all of it."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from dangjian.accounts.actions import api_token_issue
from dangjian.accounts.models import AdminDuty
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied
from dangjian.core.history import history_of
from dangjian.core.idnumbers import make_id_number
from dangjian.core.models import ChangeRecord
from dangjian.members.choices import CorrectionStatus
from dangjian.members.models import CorrectionRequest, Member
from dangjian.members.selfservice import actions as self_actions
from dangjian.members.selfservice import member_accounts
from dangjian.testing import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def link(tree, member, username="dangyuan"):
    """A member-only login (no position) linked to ``member``."""
    user = make_user(username)
    member_accounts.member_account_link(acting_user=tree.secretary_a, member=member, username=username)
    return user


@pytest.fixture
def own(tree):
    member = tree.members["a"][1]
    link(tree, member)
    return Member.objects.select_related("user", "org").get(pk=member.pk)


def submit(member, field, proposed, reason="登记时录入错误"):
    return self_actions.correction_submit(acting_user=member.user, field=field, proposed=proposed, reason=reason)


# -- linking a login ------------------------------------------------------------------------------

def test_staff_creates_an_account_and_sees_the_temporary_password_once(tree, login):
    member = tree.members["a"][0]
    client = login(tree.secretary_a)
    response = client.post(reverse("members:account", args=[member.pk]), {"mode": "create", "username": "zhanghx"})
    html = response.content.decode()
    assert response.status_code == 200 and "临时密码只显示这一次" in html
    password = html.split("<code>")[1].split("</code>")[0]
    member.refresh_from_db()
    assert member.user.username == "zhanghx"
    assert Client().login(username="zhanghx", password=password)
    assert password not in client.get(reverse("members:account", args=[member.pk])).content.decode()
    record = history_of(member).get(action="member_account_link")
    assert record.actor == tree.secretary_a and password not in str(record.after)


def test_temporary_password_meets_the_policy():
    from django.contrib.auth.password_validation import validate_password

    for _ in range(20):
        validate_password(member_accounts.temporary_password())  # raises if not


def test_link_refuses_taken_usernames_admins_and_second_links(tree):
    a0, a1 = tree.members["a"][:2]
    with pytest.raises(ValidationError, match="已被使用"):
        member_accounts.member_account_create(acting_user=tree.secretary_a, member=a0, username="secretary_b")
    admin = make_user("auditor")
    AdminDuty.objects.create(user=admin, duty="audit")
    with pytest.raises(ValidationError, match="管理员账号不能关联"):
        member_accounts.member_account_link(acting_user=tree.secretary_a, member=a0, username="auditor")
    link(tree, a0)
    with pytest.raises(ValidationError, match="已关联其他党员"):
        member_accounts.member_account_link(acting_user=tree.secretary_a, member=a1, username="dangyuan")
    with pytest.raises(ValidationError, match="已关联登录账号"):
        member_accounts.member_account_create(acting_user=tree.secretary_a, member=a0, username="another")


def test_only_staff_with_change_in_scope_link_accounts(tree, login):
    member = tree.members["a"][0]
    make_user("someone")
    with pytest.raises(ActionDenied):
        member_accounts.member_account_link(acting_user=tree.secretary_b, member=member, username="someone")
    assert login(tree.reader_town1).get(reverse("members:account", args=[member.pk])).status_code == 403
    assert Member.objects.get(pk=member.pk).user is None


def test_unlink_keeps_the_login_and_ends_the_self_view(tree, own, login):
    client = login(tree.secretary_a)
    client.post(reverse("members:account_unlink", args=[own.pk]))
    assert Member.objects.get(pk=own.pk).user is None
    assert get_user_model().objects.filter(username="dangyuan").exists()
    assert "尚未关联党员信息" in login(own.user).get(reverse("members:me")).content.decode()


# -- the self view --------------------------------------------------------------------------------

def test_member_sees_own_record_only(tree, own, login):
    client = login(own.user)
    home = client.get(reverse("home:home"))
    assert home.status_code == 302 and home["Location"] == reverse("members:me")
    html = client.get(reverse("members:me")).content.decode()
    assert own.name in html and own.id_number_masked in html and tree.a.name in html
    assert own.reveal_id_number() not in html
    for other in (tree.members["a"][0], tree.members["b"][0]):
        assert other.name not in html


def test_member_only_user_gets_nothing_of_anyone_else(tree, own, login):
    client = login(own.user)
    other = tree.members["a"][0]
    for url in (reverse("members:detail", args=[other.pk]), reverse("members:detail", args=[own.pk]),
                reverse("members:edit", args=[other.pk]), reverse("members:account", args=[other.pk]),
                reverse("orgs:detail", args=[tree.a.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("members:reveal", args=[other.pk])).status_code == 404
    listing = client.get(reverse("members:list")).content.decode()
    assert other.name not in listing and own.name not in listing
    submit(own, "name", "李建华")  # not even their own request shows on the staff pages
    corrections = client.get(reverse("members:corrections")).content.decode()
    assert "李建华" not in corrections and "没有更正申请" in corrections
    request = CorrectionRequest.objects.get()
    assert client.get(reverse("members:correction", args=[request.pk])).status_code == 404


def test_member_only_user_gets_only_self_from_the_api(tree, own):
    token = api_token_issue(acting_user=SYSTEM, user=own.user, name="测试")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/members/").json()["items"] == []
    assert api.get(f"/api/members/{tree.members['a'][0].pk}").status_code == 404
    assert api.get(f"/api/members/{own.pk}").status_code == 404  # staff route: no position, no scope
    me = api.get("/api/members/me").json()
    assert me["id"] == own.pk and me["id_number_masked"] == own.id_number_masked
    assert own.reveal_id_number() not in str(me)


def test_unlinked_user_has_no_self_view(tree, login):
    client = login(tree.secretary_a)
    assert "尚未关联党员信息" in client.get(reverse("members:me")).content.decode()
    assert client.post(reverse("members:me_reveal")).status_code == 404
    assert client.get(reverse("members:me_correction", args=["name"])).status_code == 404


def test_reveal_own_numbers_is_logged(tree, own, login):
    from dangjian.members.actions import member_update

    member_update(acting_user=tree.secretary_a, member=own, phone="13700001111")
    client = login(own.user)
    before = ChangeRecord.objects.filter(action="member_reveal").count()
    response = client.post(reverse("members:me_reveal"))
    html = response.content.decode()
    assert own.reveal_id_number() in html and "13700001111" in html
    assert "no-store" in response["Cache-Control"]
    assert ChangeRecord.objects.filter(action="member_reveal").count() == before + 1
    record = ChangeRecord.objects.filter(action="member_reveal").latest("id")
    assert record.actor == own.user and record.object_id == own.pk and "本人" in record.note


def test_self_view_shows_own_attendance(tree, own, login):
    from dangjian.orglife.models import Attendance, Meeting

    now = dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(org=tree.a, title="三月主题党日", held_at=now, ends_at=now, entered_at=now)
    Attendance.objects.create(meeting=meeting, member=own, name=own.name, status="leave", reason="出差")
    other = Meeting.objects.create(org=tree.b, title="新华社区支委会", held_at=now, ends_at=now, entered_at=now)
    Attendance.objects.create(meeting=other, member=tree.members["b"][0], name="陈丽华", status="present")
    html = login(own.user).get(reverse("members:me")).content.decode()
    assert "三月主题党日" in html and "出差" in html and "新华社区支委会" not in html


# -- correction requests --------------------------------------------------------------------------

def test_request_then_accept_changes_the_member_with_history(tree, own):
    request = submit(own, "education", "university", "已取得本科学历")
    assert request.current_display == "（空）" and request.proposed_display == "大学本科"
    assert history_of(request).get(action="correction_request").actor == own.user
    self_actions.correction_accept(acting_user=tree.secretary_a, request=request, expected_version=own.version)
    member = Member.objects.get(pk=own.pk)
    assert member.education == "university" and member.version == own.version + 1
    update = history_of(member).get(action="member_update")
    assert update.actor == tree.secretary_a and update.after == {"education": "university"}
    request.refresh_from_db()
    assert request.status == CorrectionStatus.ACCEPTED and request.decided_by == tree.secretary_a
    assert history_of(request).filter(action="correction_accepted").exists()


def test_reject_keeps_the_member_and_needs_a_reason(tree, own):
    request = submit(own, "name", "王小明")
    with pytest.raises(ValidationError, match="理由"):
        self_actions.correction_reject(acting_user=tree.secretary_a, request=request, note=" ")
    self_actions.correction_reject(acting_user=tree.secretary_a, request=request, note="与户籍登记一致，无需更正")
    assert Member.objects.get(pk=own.pk).name == own.name
    request.refresh_from_db()
    assert request.status == CorrectionStatus.REJECTED and request.decision_note == "与户籍登记一致，无需更正"
    assert history_of(request).get(action="correction_rejected").actor == tree.secretary_a
    with pytest.raises(ValidationError, match="已处理"):
        self_actions.correction_accept(acting_user=tree.secretary_a, request=request)


def test_invalid_proposed_id_number_is_refused_in_chinese(tree, own, login):
    client = login(own.user)
    response = client.post(reverse("members:me_correction", args=["id_number"]),
                           {"proposed": "110101198005170000", "reason": "号码录错"})
    assert "公民身份号码校验位错误" in response.content.decode()
    assert not CorrectionRequest.objects.exists()
    same = client.post(reverse("members:me_correction", args=["id_number"]),
                       {"proposed": own.reveal_id_number(), "reason": "号码录错"})
    assert "无需更正" in same.content.decode()


def test_id_number_correction_is_encrypted_and_brings_birth_date_and_gender(tree, own, login):
    correct = make_id_number("110102", dt.date(1981, 2, 3), 77, "F")
    response = login(own.user).post(reverse("members:me_correction", args=["id_number"]),
                                    {"proposed": correct, "reason": "身份证号登记错误"})
    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert correct not in request.proposed_encrypted and request.proposed_value == ""
    assert request.proposed_display == correct[:4] + "**********" + correct[-4:]
    assert correct not in str(history_of(request).get().after)
    self_actions.correction_accept(acting_user=tree.secretary_a, request=request)
    member = Member.objects.get(pk=own.pk)
    assert member.reveal_id_number() == correct
    assert (member.birth_date, member.gender) == (dt.date(1981, 2, 3), "F")
    request.refresh_from_db()
    assert request.proposed_encrypted == ""  # decided: the proposed number is no longer kept


def test_accept_shows_the_edit_actions_chinese_error(tree, own, login):
    # Confirmed before joining: the member edit action refuses it, and the page says why.
    request = submit(own, "confirmed_on", own.joined_on - dt.timedelta(days=30))
    client = login(tree.secretary_a)
    response = client.post(reverse("members:correction", args=[request.pk]),
                           {"accept": "1", "version": own.version, "note": ""})
    assert "转正日期应晚于入党日期" in response.content.decode()
    request.refresh_from_db()
    assert request.status == CorrectionStatus.PENDING
    assert Member.objects.get(pk=own.pk).confirmed_on == own.confirmed_on


def test_accept_after_someone_else_edited_is_a_conflict(tree, own, login):
    from dangjian.members.actions import member_update

    request = submit(own, "work_unit", "红星村村委会")
    loaded = own.version
    member_update(acting_user=tree.county_admin, member=own, expected_version=loaded, job_title="村委委员")
    client = login(tree.secretary_a)
    response = client.post(reverse("members:correction", args=[request.pk]),
                           {"accept": "1", "version": loaded, "note": ""})
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    assert Member.objects.get(pk=own.pk).work_unit == ""
    again = client.post(reverse("members:correction", args=[request.pk]),
                        {"accept": "1", "version": loaded + 1, "note": "已核实"})
    assert again.status_code == 302 and Member.objects.get(pk=own.pk).work_unit == "红星村村委会"


def test_one_pending_request_per_field(tree, own):
    submit(own, "phone", "13912345678")
    with pytest.raises(ValidationError, match="已有待处理的更正申请"):
        submit(own, "phone", "13912345679")
    submit(own, "address", "红星村3组")  # another item is fine
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database holds the line too
        CorrectionRequest.objects.create(member=own, field="phone", reason="x")


def test_bad_proposals_are_refused(tree, own):
    with pytest.raises(ValidationError, match="11位"):
        submit(own, "phone", "12345")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        submit(own, "joined_on", dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="不能超过50个字符"):
        submit(own, "name", "王" * 51)
    with pytest.raises(ValidationError, match="不能申请更正"):
        submit(own, "status", "left")
    with pytest.raises(ValidationError, match="理由"):
        submit(own, "name", "王小明", reason="  ")
    assert not CorrectionRequest.objects.exists()


def test_staff_outside_scope_cannot_see_or_decide(tree, own, login):
    request = submit(own, "name", "李建华")
    with pytest.raises(ActionDenied):
        self_actions.correction_accept(acting_user=tree.secretary_b, request=request)
    with pytest.raises(ActionDenied):  # a read-only position in scope cannot decide either
        self_actions.correction_reject(acting_user=tree.reader_town1, request=request, note="否")
    # outside the scope: 404; in scope but read-only: 403 (the styled page says why)
    for user, status in ((tree.secretary_b, 404), (tree.reader_town1, 403)):
        client = login(user)
        assert "李建华" not in client.get(reverse("members:corrections")).content.decode()
        assert client.get(reverse("members:correction", args=[request.pk])).status_code == status
        assert client.post(reverse("members:correction", args=[request.pk]),
                           {"accept": "1", "note": ""}).status_code == status
    request.refresh_from_db()
    assert request.status == CorrectionStatus.PENDING


def test_staff_in_scope_see_pending_counts(tree, own, login):
    submit(own, "name", "李建华")
    client = login(tree.county_admin)
    assert "更正申请待处理：1 件" in client.get(reverse("home:home")).content.decode()
    assert "李建华" in client.get(reverse("members:corrections")).content.decode()
    assert "待处理的更正申请（1）" in client.get(reverse("members:detail", args=[own.pk])).content.decode()
    assert "更正申请待处理" not in login(tree.secretary_b).get(reverse("home:home")).content.decode()


def test_member_cannot_decide_own_request(tree, login):
    """A secretary who is also a member of the branch: their own request goes to someone else."""
    member = tree.members["a"][2]
    member_accounts.member_account_link(acting_user=tree.county_admin, member=member, username="secretary_a")
    request = self_actions.correction_submit(acting_user=tree.secretary_a, field="name", proposed="王秀瑛",
                                             reason="更名")
    with pytest.raises(ActionDenied, match="本人"):
        self_actions.correction_accept(acting_user=tree.secretary_a, request=request)
    client = login(tree.secretary_a)
    page = client.get(reverse("members:correction", args=[request.pk])).content.decode()
    assert "须由党组织的其他工作人员处理" in page and "同意更正" not in page
    client.post(reverse("members:correction", args=[request.pk]), {"accept": "1", "note": ""})
    assert Member.objects.get(pk=member.pk).name == "王秀英"
    self_actions.correction_accept(acting_user=tree.county_admin, request=request)
    assert Member.objects.get(pk=member.pk).name == "王秀瑛"


def test_member_sees_status_and_decision(tree, own, login):
    request = submit(own, "name", "李建华")
    client = login(own.user)
    assert "更正申请待处理" in client.get(reverse("members:me")).content.decode()
    self_actions.correction_reject(acting_user=tree.secretary_a, request=request, note="请携带户口簿到支部核实")
    html = client.get(reverse("members:me")).content.decode()
    assert "未予更正" in html and "请携带户口簿到支部核实" in html


def test_correction_pages_end_to_end(tree, own, login):
    client = login(own.user)
    form = client.get(reverse("members:me_correction", args=["education"])).content.decode()
    assert "大学本科" in form and "正确的学历" in form
    assert client.post(reverse("members:me_correction", args=["education"]),
                       {"proposed": "college", "reason": "毕业于县职业技术学院"}).status_code == 302
    staff = Client()
    assert staff.login(username=tree.secretary_a.username, password=DEFAULT_PASSWORD)
    request = CorrectionRequest.objects.get()
    response = staff.post(reverse("members:correction", args=[request.pk]),
                          {"accept": "1", "version": own.version, "note": "已核对毕业证"})
    assert response.status_code == 302
    assert Member.objects.get(pk=own.pk).education == "college"
    assert "已更正" in client.get(reverse("members:me")).content.decode()


def test_member_withdraws_own_pending_request_and_files_again(tree, own, login):
    request = submit(own, "name", "李建花")
    other = link(tree, tree.members["a"][0], username="other")
    other_client = Client()
    assert other_client.login(username="other", password=DEFAULT_PASSWORD)
    assert other_client.post(reverse("members:me_correction_withdraw", args=[request.pk])).status_code == 404
    with pytest.raises(ActionDenied):
        self_actions.correction_withdraw(acting_user=other, request=request)
    client = login(own.user)
    assert client.post(reverse("members:me_correction_withdraw", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert request.status == CorrectionStatus.WITHDRAWN
    assert history_of(request).get(action="correction_withdrawn").actor == own.user
    with pytest.raises(ValidationError, match="已处理"):
        self_actions.correction_accept(acting_user=tree.secretary_a, request=request)
    submit(own, "name", "李建华")  # the item is free again
    assert "已撤回" in client.get(reverse("members:me")).content.decode()
