from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dangjian.core.actors import check_actor
from dangjian.core.errors import ActionDenied
from dangjian.core.history import record_change
from dangjian.core.scoping import CHANGE, forget_scope, require

from .models import AdminDuty, ApiToken, PasswordHistory, PasswordState, Position
from .sessions import sessions_end


@transaction.atomic
def position_grant(*, acting_user, user, org, role: str) -> Position:
    """Give ``user`` a position; the acting user must be able to change ``org``'s subtree."""
    require(acting_user, CHANGE, org, message="无权在该党组织设置岗位")
    if AdminDuty.objects.filter(user=user).exists():  # 三员分立: administrators read no member data
        raise ActionDenied("该用户担任三员管理职责，不能设置业务岗位")
    position, _ = Position.objects.get_or_create(user=user, org=org, role=role)
    record_change(actor=acting_user, action="position_grant", obj=position, after={"role": role, "org": org.code})
    forget_scope(user)
    return position


@transaction.atomic
def user_create(*, acting_user, username: str, password: str, full_name: str = ""):
    """A new account. Its password was chosen by someone else, so the user must change it at the
    first login (the demo accounts are exempted by the demo). Plain ``create_user`` (test fixtures)
    sets nothing: only this action, the way accounts are made in the platform, forces the change."""
    check_actor(acting_user)
    user = get_user_model().objects.create_user(username=username, password=password, first_name=full_name)
    password_remember(user, must_change=True)
    record_change(actor=acting_user, action="user_create", obj=user, after={"username": username})
    return user


def password_remember(user, *, must_change: bool | None = None) -> None:
    """Record that ``user.password`` (already hashed) was just set: its time, and its hash in the
    history (the last ``PASSWORD_HISTORY`` kept). Called by PasswordHistoryValidator.password_changed
    on every path that sets a password."""
    defaults: dict = {"changed_at": timezone.now()}
    if must_change is not None:
        defaults["must_change"] = must_change
    PasswordState.objects.update_or_create(user=user, defaults=defaults)
    keep = settings.PASSWORD_HISTORY
    if keep > 0 and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-set_at", "-pk").values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()


@transaction.atomic
def password_changed_by_user(*, user, keep_session: str | None = None) -> None:
    """After the user changed their own password (the form saved it): nothing more is forced, the
    change is audited (never the password), and every other session of the user ends."""
    PasswordState.objects.filter(user=user).update(must_change=False)
    ended = sessions_end(user, keep=keep_session)
    record_change(actor=user, action="password_change", obj=user, note=f"用户修改了自己的密码，结束其他会话 {ended} 个")


@transaction.atomic
def password_reset(*, acting_user, user, password: str) -> None:
    """An administrator sets a new password for ``user``, who must change it at the next login;
    the user's sessions end."""
    check_actor(acting_user)
    user.set_password(password)
    user.save()
    PasswordState.objects.filter(user=user).update(must_change=True)
    ended = sessions_end(user)
    record_change(actor=acting_user, action="password_reset", obj=user, note=f"重置密码，结束会话 {ended} 个")


@transaction.atomic
def totp_confirm(*, user, device) -> None:
    """The user entered a code from the new device: it becomes the second factor (replacing any other)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    type(device).objects.filter(user=user).exclude(pk=device.pk).delete()
    record_change(actor=user, action="totp_enrol", obj=user, note="启用两步验证（TOTP）")


@transaction.atomic
def totp_remove(*, user, acting_user) -> None:
    """The user turns the second factor off (after entering a code; ``acting_user`` is the user),
    or an administrator resets it for a user who lost the phone: where it is required, the next
    login enrols anew."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    check_actor(acting_user)
    TOTPDevice.objects.filter(user=user).delete()
    if acting_user == user:
        record_change(actor=user, action="totp_remove", obj=user, note="停用两步验证（TOTP）")
    else:
        record_change(actor=acting_user, action="totp_reset", obj=user, note="重置两步验证（TOTP），下次登录须重新绑定")


def api_token_issue(*, acting_user, user, name: str) -> str:
    """A new token for ``user``; returned once, stored only as a digest."""
    check_actor(acting_user)
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(token))
    return token


@transaction.atomic
def login_attempt_record(*, username: str, success: bool, address: str | None, user=None, reason: str = "") -> None:
    """Every login, successful or not, for the lockout and for the audit log. A success is recorded
    only once the login is complete (after the second factor, if any): a right password followed by
    wrong codes must not reset the failure count."""
    from .models import LoginAttempt

    attempt = LoginAttempt.objects.create(username=username[:150], success=success, address=address or None)
    note = f"用户名 {username[:150]}" + (f"，{reason}" if reason else "")
    record_change(actor=user if success else None, action="login" if success else "login_failed", obj=attempt,
                  note=note)


def logout_record(*, user) -> None:
    record_change(actor=user, action="logout", obj=user)
