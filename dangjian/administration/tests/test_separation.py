"""三员分立 through the pages: each duty does its own job and is refused every other duty's, nobody
grants themselves anything, a duty holder holds no position, and users with positions see no
administration page at all."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dangjian.accounts.actions import position_grant as tree_position_grant
from dangjian.accounts.choices import Duty, Role
from dangjian.accounts.models import AdminDuty, PasswordState, Position
from dangjian.core.errors import ActionDenied
from dangjian.core.models import ChangeRecord

from .. import actions

pytestmark = pytest.mark.django_db
User = get_user_model()


def pages(tree, admins):
    """(owner duty, method, url, data) for every administration page and form."""
    target = tree.secretary_b
    position = Position.objects.get(user=tree.secretary_a)
    return [
        (Duty.SYSTEM, "get", reverse("administration:accounts"), None),
        (Duty.SYSTEM, "get", reverse("administration:account_new"), None),
        (Duty.SYSTEM, "post", reverse("administration:account_new"), {"username": "newcomer", "full_name": "新人"}),
        (Duty.SYSTEM, "get", reverse("administration:account", args=[target.pk]), None),
        (Duty.SYSTEM, "post", reverse("administration:account_active", args=[target.pk]), {"active": "0"}),
        (Duty.SYSTEM, "post", reverse("administration:account_password", args=[target.pk]), {}),
        (Duty.SECURITY, "get", reverse("administration:security"), None),
        (Duty.SECURITY, "post", reverse("administration:security"), {"username": target.username, "duty": "audit"}),
        (Duty.SECURITY, "get", reverse("administration:security_user", args=[target.pk]), None),
        (Duty.SECURITY, "post", reverse("administration:security_user", args=[target.pk]),
         {"org": tree.c.code, "role": Role.READONLY}),
        (Duty.SECURITY, "post", reverse("administration:position_revoke", args=[position.pk]), {}),
        (Duty.SECURITY, "post",
         reverse("administration:duty_revoke", args=[AdminDuty.objects.get(user=admins.audit).pk]), {}),
        (Duty.AUDIT, "get", reverse("administration:audit"), None),
        (Duty.AUDIT, "get", reverse("administration:audit_export"), None),
    ]


def state():
    """Everything an administration page could change (the refusals themselves are audited)."""
    return (
        sorted(User.objects.values_list("username", "is_active", "password")),
        sorted(Position.objects.values_list("user_id", "org_id", "role")),
        sorted(AdminDuty.objects.values_list("user_id", "duty")),
        ChangeRecord.objects.exclude(action__in=["login", "logout", "denied"]).count(),
    )


@pytest.mark.parametrize("duty", [Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT])
def test_each_duty_is_refused_every_other_duty_s_pages_and_changes_nothing(tree, admins, client, duty):
    client.force_login(getattr(admins, duty.value))
    before = state()
    for owner, method, url, data in pages(tree, admins):
        if owner == duty:
            continue
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 403, (duty, method, url)
        assert ChangeRecord.objects.filter(action="denied").latest("id").object_repr == f"{method.upper()} {url}"
    assert state() == before


@pytest.mark.parametrize("user", ["county_admin", "secretary_a", "reader_town1"])
def test_users_with_positions_get_403_on_every_administration_page(tree, admins, client, user):
    client.force_login(getattr(tree, user))
    before = state()
    for _owner, method, url, data in [*pages(tree, admins), (None, "get", reverse("administration:index"), None)]:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 403, (user, url)
    assert state() == before


def test_anonymous_is_sent_to_login(tree, admins, client):
    for _owner, method, url, data in pages(tree, admins):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_each_duty_reaches_its_own_pages_and_the_navigation_shows_only_its_entry(tree, admins, client):
    for duty, landing in ((Duty.SYSTEM, "accounts"), (Duty.SECURITY, "security"), (Duty.AUDIT, "audit")):
        client.force_login(getattr(admins, duty.value))
        response = client.get(reverse("administration:index"))
        assert response.status_code == 302 and response["Location"] == reverse(f"administration:{landing}")
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert f'id="nav-administration">{duty.label}</a>' in page.content.decode()
    client.force_login(tree.county_admin)
    assert "nav-administration" not in client.get(reverse("home:home")).content.decode()


# -- system administrator -------------------------------------------------------------------------

def test_system_admin_creates_an_account_with_a_temporary_password_that_must_be_changed(tree, admins, client):
    client.force_login(admins.system)
    response = client.post(reverse("administration:account_new"), {"username": "newcomer", "full_name": "新同志"})
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    user = User.objects.get(username="newcomer")
    assert user.check_password(password) and user.first_name == "新同志"
    assert PasswordState.objects.get(user=user).must_change
    assert not Position.objects.filter(user=user).exists() and not AdminDuty.objects.filter(user=user).exists()
    record = ChangeRecord.objects.get(action="user_create", object_id=user.pk)
    assert record.actor == admins.system and password not in str(record.after) + record.note
    again = client.post(reverse("administration:account_new"), {"username": "NEWCOMER"})
    assert again.status_code == 400 and "已存在" in again.content.decode()


def test_system_admin_disables_enables_and_resets_passwords(tree, admins, client):
    client.force_login(admins.system)
    target = tree.secretary_b
    client.post(reverse("administration:account_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    assert ChangeRecord.objects.filter(action="user_disable", object_id=target.pk, actor=admins.system).exists()
    client.post(reverse("administration:account_active", args=[target.pk]), {"active": "1"})
    target.refresh_from_db()
    assert target.is_active
    response = client.post(reverse("administration:account_password", args=[target.pk]))
    password = response.context["password"]
    target.refresh_from_db()
    assert target.check_password(password)
    assert PasswordState.objects.get(user=target).must_change
    assert ChangeRecord.objects.filter(action="password_reset", object_id=target.pk).exists()


def test_system_admin_sees_positions_but_cannot_touch_a_duty_holder_or_itself(tree, admins, client):
    client.force_login(admins.system)
    detail = client.get(reverse("administration:account", args=[tree.secretary_a.pk])).content.decode()
    assert tree.a.name in detail and "岗位（只读）" in detail
    for target in (admins.security, admins.audit, admins.system):
        client.post(reverse("administration:account_active", args=[target.pk]), {"active": "0"})
        client.post(reverse("administration:account_password", args=[target.pk]))
        target.refresh_from_db()
        assert target.is_active and target.check_password("Test-pass-2026")
    with pytest.raises(ActionDenied):
        actions.account_password_reset(acting_user=admins.system, user=admins.audit)


# -- security administrator -----------------------------------------------------------------------

def test_security_admin_grants_and_revokes_positions_and_duties(tree, admins, client):
    client.force_login(admins.security)
    plain = User.objects.create_user("plain")
    url = reverse("administration:security_user", args=[plain.pk])
    client.post(url, {"org": tree.c.code, "role": Role.READONLY})
    position = Position.objects.get(user=plain)
    assert (position.org, position.role) == (tree.c, Role.READONLY)
    assert ChangeRecord.objects.filter(action="position_grant", actor=admins.security).exists()
    client.post(reverse("administration:position_revoke", args=[position.pk]))
    assert not Position.objects.filter(user=plain).exists()
    client.post(reverse("administration:security"), {"username": "plain", "duty": Duty.AUDIT})
    assert AdminDuty.objects.get(user=plain).duty == Duty.AUDIT
    client.post(reverse("administration:duty_revoke", args=[AdminDuty.objects.get(user=plain).pk]))
    assert not AdminDuty.objects.filter(user=plain).exists()
    actions_recorded = set(ChangeRecord.objects.values_list("action", flat=True))
    assert {"duty_grant", "duty_revoke", "position_revoke"} <= actions_recorded


def test_security_admin_cannot_grant_itself_anything_or_change_its_own_duty(tree, admins, client):
    client.force_login(admins.security)
    before = state()
    me = admins.security
    response = client.post(reverse("administration:security_user", args=[me.pk]),
                           {"org": tree.county.code, "role": Role.SUPERIOR_ADMIN})
    assert response.status_code == 400 and "不能给自己" in response.content.decode()
    response = client.post(reverse("administration:security"), {"username": me.username, "duty": Duty.AUDIT})
    assert response.status_code == 400 and "不能给自己" in response.content.decode()
    client.post(reverse("administration:duty_revoke", args=[AdminDuty.objects.get(user=me).pk]))
    assert state() == before
    assert AdminDuty.objects.get(user=me).duty == Duty.SECURITY


def test_nobody_holds_two_duties_or_a_duty_and_a_position(tree, admins, client):
    client.force_login(admins.security)
    before = state()
    # a second duty for an administrator
    response = client.post(reverse("administration:security"), {"username": "auditadmin", "duty": Duty.SYSTEM})
    assert response.status_code == 400 and "只能担任一种" in response.content.decode()
    # a duty for a user with positions
    response = client.post(reverse("administration:security"), {"username": "secretary_a", "duty": Duty.AUDIT})
    assert response.status_code == 400 and "业务岗位" in response.content.decode()
    # a position for a duty holder, through these pages and through the tree's own action
    response = client.post(reverse("administration:security_user", args=[admins.system.pk]),
                           {"org": tree.a.code, "role": Role.SECRETARY})
    assert response.status_code == 400 and "三员不得同时担任业务岗位" in response.content.decode()
    with pytest.raises(ActionDenied):
        tree_position_grant(acting_user=tree.county_admin, user=admins.audit, org=tree.a, role=Role.READONLY)
    assert state() == before


def test_security_admin_sees_the_policy_read_only(tree, admins, client):
    client.force_login(admins.security)
    body = client.get(reverse("administration:security")).content.decode()
    for label in ("密码最短长度", "登录失败锁定", "会话空闲超时", "双因素认证（TOTP）", "审计日志保存期限"):
        assert label in body


def test_actions_check_the_duty_themselves(tree, admins):
    """The pages are not the only gate: calling an action with the wrong duty is refused too."""
    with pytest.raises(ActionDenied):
        actions.account_create(acting_user=admins.security, username="x1")
    with pytest.raises(ActionDenied):
        actions.position_grant(acting_user=admins.system, user=tree.secretary_b, org=tree.c, role=Role.READONLY)
    with pytest.raises(ActionDenied):
        actions.duty_grant(acting_user=admins.audit, user=tree.secretary_b, duty=Duty.AUDIT)
    with pytest.raises(ActionDenied):
        actions.duty_grant(acting_user=tree.county_admin, user=tree.secretary_b, duty=Duty.AUDIT)
    assert not User.objects.filter(username="x1").exists()


# -- duty holders read no member data -------------------------------------------------------------

@pytest.mark.parametrize("duty", [Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT])
def test_duty_holders_see_no_member_or_organisation_data(tree, admins, client, duty):
    client.force_login(getattr(admins, duty.value))
    member = tree.members["a"][0]
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("orgs:detail", args=[tree.a.pk])).status_code == 404
    assert client.get(f"/api/members/{member.pk}").status_code == 404
    assert client.get(f"/api/orgs/{tree.a.pk}").status_code == 404
    listing = client.get("/api/members/")
    assert listing.status_code in (200, 403, 404)
    if listing.status_code == 200:
        assert listing.json()["items"] == []
    page = client.get(reverse("members:list"))
    assert page.status_code in (200, 403, 404)
    assert member.name not in page.content.decode()
    import_page = client.post(reverse("members:import"), {"kind": "members"})
    assert import_page.status_code == 403


def test_the_first_administrators_are_appointed_from_the_server(tree, capsys):
    from django.core.management import CommandError, call_command

    call_command("grant_duty", "firstsec", "security", "--create")
    out = capsys.readouterr().out
    user = User.objects.get(username="firstsec")
    password = out.split("：")[-1].strip()
    assert user.check_password(password) and PasswordState.objects.get(user=user).must_change
    assert AdminDuty.objects.get(user=user).duty == Duty.SECURITY
    assert ChangeRecord.objects.filter(action="duty_grant", actor=None, object_id=AdminDuty.objects.get(user=user).pk)
    with pytest.raises(CommandError, match="只能担任一种"):
        call_command("grant_duty", "firstsec", "audit")
    with pytest.raises(CommandError, match="业务岗位"):
        call_command("grant_duty", "secretary_a", "audit")
    with pytest.raises(CommandError, match="不存在"):
        call_command("grant_duty", "nobody", "audit")
