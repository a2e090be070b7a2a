"""API tokens that expire, are listed and revoked by their owner and the system administrator, die
with a password change or reset and a disabled account, are refused during a lockout, and are
audited (issue 12 item 4)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.actions import api_token_issue, password_reset
from dangjian.accounts.models import ApiToken
from dangjian.core.actors import SYSTEM
from dangjian.core.models import ChangeRecord
from dangjian.testing import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def works(token: str) -> bool:
    status = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/orgs/").status_code
    assert status in (200, 401, 403), status
    return status == 200


def test_a_token_expires_after_ninety_days_and_only_its_digest_is_kept(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    row = ApiToken.objects.get(user=tree.secretary_a)
    assert dt.timedelta(days=89) < row.expires_at - timezone.now() <= dt.timedelta(days=90)
    assert row.digest == ApiToken.digest_of(token) and works(token)
    with pytest.raises(ValidationError, match="1 到 90 天"):
        api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="太久", days=365)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert not works(token)


def test_issuing_and_revoking_are_audited_without_the_token(tree):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    issued = ChangeRecord.objects.get(action="api_token_issue")
    assert "secretary_a" in issued.note and issued.after["name"] == "对接"
    out = io.StringIO()
    call_command("api_token", "secretary_a", "--list", stdout=out)
    token_id = out.getvalue().split("\t")[0]
    call_command("api_token", "secretary_a", "--revoke", token_id, stdout=io.StringIO())
    assert not works(token)
    assert ChangeRecord.objects.filter(action="api_token_revoke", note__contains="服务器命令行吊销").exists()
    texts = [str(v) for r in ChangeRecord.objects.all() for v in (r.note, r.before, r.after, r.object_repr)]
    assert not any(token in t for t in texts)


def test_the_owner_lists_and_revokes_on_the_security_page(tree, login):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="报表对接")
    other = api_token_issue(acting_user=SYSTEM, user=tree.secretary_b, name="别人的")
    client = login(tree.secretary_a)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "报表对接" in page and "别人的" not in page
    mine = ApiToken.objects.get(user=tree.secretary_a)
    theirs = ApiToken.objects.get(user=tree.secretary_b)
    client.post(reverse("accounts:security"), {"action": "revoke_token", "token": theirs.pk})
    assert works(other)  # not the owner: nothing happens
    client.post(reverse("accounts:security"), {"action": "revoke_token", "token": mine.pk})
    assert not works(token)
    assert "已吊销" in client.get(reverse("accounts:security")).content.decode()
    assert ChangeRecord.objects.filter(action="api_token_revoke", actor=tree.secretary_a).count() == 1


def test_the_system_administrator_lists_and_revokes_a_users_token(tree, client):
    from dangjian.accounts.choices import Duty
    from dangjian.accounts.models import AdminDuty

    admin = make_user("sysadmin")
    AdminDuty.objects.create(user=admin, duty=Duty.SYSTEM)
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="报表对接")
    client.force_login(admin)
    detail = reverse("administration:account", args=[tree.secretary_a.pk])
    assert "报表对接" in client.get(detail).content.decode()
    row = ApiToken.objects.get(user=tree.secretary_a)
    client.post(reverse("administration:account_token_revoke", args=[tree.secretary_a.pk]), {"token": row.pk})
    assert not works(token)
    assert ChangeRecord.objects.filter(action="api_token_revoke", actor=admin).exists()
    client.force_login(tree.secretary_b)  # nobody else may
    other = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="第二个")
    second = ApiToken.objects.get(user=tree.secretary_a, name="第二个")
    response = client.post(reverse("administration:account_token_revoke", args=[tree.secretary_a.pk]),
                           {"token": second.pk})
    assert response.status_code == 403 and works(other)


def test_a_password_change_a_reset_and_disabling_revoke_every_token(tree, login):
    first = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="一")
    client = login(tree.secretary_a)
    client.post(reverse("accounts:password_change"), {
        "old_password": DEFAULT_PASSWORD, "new_password1": "Another-Pass-9", "new_password2": "Another-Pass-9"})
    assert not works(first)
    second = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="二")
    password_reset(acting_user=SYSTEM, user=tree.secretary_a, password="Reset-Pass-77")
    assert not works(second)
    third = api_token_issue(acting_user=SYSTEM, user=tree.secretary_b, name="三")
    tree.secretary_b.is_active = False
    tree.secretary_b.save()
    tree.secretary_b.is_active = True  # enabling the account again does not bring the token back
    tree.secretary_b.save()
    assert not works(third)
    assert set(ApiToken.objects.values_list("revoke_reason", flat=True)) == {
        "用户修改了密码", "管理员重置了密码", "账号已停用"}


def test_a_token_is_refused_while_its_owner_is_locked_out_from_that_address(tree, client):
    token = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="对接")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "secretary_a", "password": "wrong-Pass-1"})
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/orgs/")
    assert response.status_code == 403 and "锁定" in response.json()["detail"]
    elsewhere = Client(headers={"Authorization": f"Bearer {token}"}, REMOTE_ADDR="10.9.8.7").get("/api/orgs/")
    assert elsewhere.status_code == 200


def _api(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_the_owner_lists_and_revokes_their_own_tokens_through_the_api(tree):
    mine = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="报表对接")
    spare = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="备用")
    theirs = api_token_issue(acting_user=SYSTEM, user=tree.secretary_b, name="别人的")
    listed = _api(mine).get("/api/accounts/tokens").json()
    assert {t["name"] for t in listed["items"]} == {"报表对接", "备用"}
    assert all(t["status"] == "有效" and t["username"] == "secretary_a" for t in listed["items"])
    assert not any(mine in str(v) or spare in str(v) for t in listed["items"] for v in t.values())
    other_id = ApiToken.objects.get(name="别人的").pk
    assert _api(mine).post(f"/api/accounts/tokens/{other_id}/revoke").status_code == 404  # not theirs to see
    assert works(theirs)
    spare_id = ApiToken.objects.get(name="备用").pk
    answer = _api(mine).post(f"/api/accounts/tokens/{spare_id}/revoke")
    assert answer.status_code == 200 and answer.json()["status"] == "已吊销"
    assert not works(spare) and works(mine)
    assert ChangeRecord.objects.filter(action="api_token_revoke", actor=tree.secretary_a).count() == 1
    assert _api(mine).post(f"/api/accounts/tokens/{spare_id}/revoke").json()["status"] == "已吊销"  # idempotent
    assert ChangeRecord.objects.filter(action="api_token_revoke", actor=tree.secretary_a).count() == 1
    mine_id = ApiToken.objects.get(name="报表对接").pk
    assert _api(mine).post(f"/api/accounts/tokens/{mine_id}/revoke").status_code == 200
    assert not works(mine)  # a token may revoke itself (a leaked one, from the script that holds it)


def test_only_the_system_administrator_lists_and_revokes_anyones_token_through_the_api(tree):
    from dangjian.accounts.choices import Duty
    from dangjian.accounts.models import AdminDuty

    admin, auditor = make_user("sysadmin"), make_user("auditadmin")
    AdminDuty.objects.create(user=admin, duty=Duty.SYSTEM)
    AdminDuty.objects.create(user=auditor, duty=Duty.AUDIT)
    admin_token = api_token_issue(acting_user=SYSTEM, user=admin, name="管理")
    target = api_token_issue(acting_user=SYSTEM, user=tree.secretary_a, name="报表对接")
    api_token_issue(acting_user=SYSTEM, user=tree.secretary_b, name="另一个")
    for outsider in (api_token_issue(acting_user=SYSTEM, user=auditor, name="审计"), target):
        assert _api(outsider).get("/api/administration/tokens").status_code == 403
    row = ApiToken.objects.get(name="报表对接")
    assert _api(target).post(f"/api/administration/tokens/{row.pk}/revoke").status_code == 403
    assert works(target)
    everyone = _api(admin_token).get("/api/administration/tokens").json()["items"]
    assert {t["name"] for t in everyone} == {"管理", "报表对接", "另一个", "审计"}
    only = _api(admin_token).get(f"/api/administration/tokens?user={tree.secretary_a.pk}").json()["items"]
    assert [t["name"] for t in only] == ["报表对接"]
    answer = _api(admin_token).post(f"/api/administration/tokens/{row.pk}/revoke")
    assert answer.status_code == 200 and answer.json()["status"] == "已吊销" and not works(target)
    assert ChangeRecord.objects.filter(action="api_token_revoke", actor=admin, note__contains="secretary_a").exists()
    live = _api(admin_token).get("/api/administration/tokens?live=false").json()["items"]
    assert [t["name"] for t in live] == ["报表对接"]
    assert _api(admin_token).post("/api/administration/tokens/999999/revoke").status_code == 404
