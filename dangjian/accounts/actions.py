from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.actors import SYSTEM, check_actor
from dangjian.core.errors import ActionDenied
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.scoping import CHANGE, forget_scope, require

from .models import AdminDuty, ApiToken, PasswordHistory, PasswordState, Position
from .sessions import sessions_end
from .usernames import lockout_key, normalised_username, username_error


@audited_transaction()
def position_grant(*, acting_user, user, org, role: str) -> Position:
    """Give ``user`` a position; the acting user must be able to change ``org``'s subtree."""
    require(acting_user, CHANGE, org, message="无权在该党组织设置岗位")
    if AdminDuty.objects.filter(user=user).exists():  # 三员分立: administrators read no member data
        raise ActionDenied("该用户担任三员管理职责，不能设置业务岗位")
    position, _ = Position.objects.get_or_create(user=user, org=org, role=role)
    record_change(actor=acting_user, action="position_grant", obj=position, after={"role": role, "org": org.code})
    forget_scope(user)
    return position


@audited_transaction()
def user_create(*, acting_user, username: str, password: str, full_name: str = ""):
    """A new account. Its password was chosen by someone else, so the user must change it at the
    first login (the demo accounts are exempted by the demo). Plain ``create_user`` (test fixtures)
    sets nothing: only this action, the way accounts are made in the platform, forces the change."""
    check_actor(acting_user)
    username = _new_username(username)
    user = get_user_model().objects.create_user(username=username, password=password, first_name=full_name)
    password_remember(user, must_change=True)
    record_change(actor=acting_user, action="user_create", obj=user, after={"username": username})
    return user


def _new_username(raw: str) -> str:
    """The username in its normal form (``accounts.usernames``), refused when malformed, made of
    look-alike letters, or taken by an account whose name differs only in case or width."""
    error = username_error(raw)
    if error:
        raise ValidationError({"username": error})
    username = normalised_username(raw)
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在（大小写、全角半角视为相同）"})
    return username


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


@audited_transaction()
def password_changed_by_user(*, user, keep_session: str | None = None) -> None:
    """After the user changed their own password (the form saved it): nothing more is forced, the
    change is audited (never the password), and every other session of the user ends."""
    PasswordState.objects.filter(user=user).update(must_change=False)
    ended = sessions_end(user, keep=keep_session)
    record_change(actor=user, action="password_change", obj=user, note=f"用户修改了自己的密码，结束其他会话 {ended} 个")
    api_tokens_revoke_all(acting_user=user, user=user, reason="用户修改了密码")


@audited_transaction()
def password_reset(*, acting_user, user, password: str) -> None:
    """An administrator sets a new password for ``user``, who must change it at the next login;
    the user's sessions end."""
    check_actor(acting_user)
    user.set_password(password)
    user.save()
    PasswordState.objects.filter(user=user).update(must_change=True)
    ended = sessions_end(user)
    record_change(actor=acting_user, action="password_reset", obj=user, note=f"重置密码，结束会话 {ended} 个")
    api_tokens_revoke_all(acting_user=acting_user, user=user, reason="管理员重置了密码")


@audited_transaction()
def totp_confirm(*, user, device) -> None:
    """The user entered a code from the new device: it becomes the second factor (replacing any other)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    type(device).objects.filter(user=user).exclude(pk=device.pk).delete()
    record_change(actor=user, action="totp_enrol", obj=user, note="启用两步验证（TOTP）")


@audited_transaction()
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


@audited_transaction()
def api_token_issue(*, acting_user, user, name: str, days: int | None = None) -> str:
    """A new token for ``user``, valid ``days`` (at most, and by default, API_TOKEN_DAYS); returned
    once, stored only as a digest; audited (never the token)."""
    from django.core.exceptions import ValidationError

    check_actor(acting_user)
    longest = settings.API_TOKEN_DAYS
    days = longest if days is None else days
    if not 1 <= days <= longest:
        raise ValidationError({"days": f"令牌有效期应为 1 到 {longest} 天"})
    if not user.is_active:
        raise ActionDenied("该账号已停用，不能生成接口令牌")
    name = (name or "").strip()[:100] or "未命名"
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(token),
                                  expires_at=timezone.now() + dt.timedelta(days=days))
    record_change(actor=acting_user, action="api_token_issue", obj=row,
                  after={"user": user.get_username(), "name": name, "expires_at": row.expires_at.isoformat()},
                  note=f"为用户 {user.get_username()} 生成接口令牌“{name}”，{days} 天后过期")
    return token


def _may_revoke(acting_user, token: ApiToken) -> bool:
    """The owner, the system administrator (三员: accounts), or the system itself (a server command)."""
    from dangjian.core.actors import is_system

    from .choices import Duty
    from .queries import duty_of

    return is_system(acting_user) or acting_user.pk == token.user_id or duty_of(acting_user) == Duty.SYSTEM


@audited_transaction()
def api_token_revoke(*, acting_user, token: ApiToken, reason: str = "") -> bool:
    """Revoke one token (False when it already was); audited."""
    check_actor(acting_user)
    if not _may_revoke(acting_user, token):
        raise ActionDenied("只有令牌的所有者或系统管理员可以吊销令牌")
    row = ApiToken.objects.select_for_update().get(pk=token.pk)
    if row.revoked_at is not None:
        return False
    reason = reason or ("所有者吊销" if acting_user.pk == row.user_id else "管理员吊销")
    row.revoked_at, row.revoke_reason = timezone.now(), reason[:200]
    row.save(update_fields=["revoked_at", "revoke_reason"])
    record_change(actor=acting_user, action="api_token_revoke", obj=row, after={"reason": row.revoke_reason},
                  note=f"吊销用户 {row.user.get_username()} 的接口令牌“{row.name}”：{row.revoke_reason}")
    return True


def api_tokens_revoke_all(*, acting_user, user, reason: str) -> int:
    """Revoke every live token of ``user`` (a password change or reset, a disabled account), in the
    caller's transaction; one audit record when there were any."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    count = live.update(revoked_at=timezone.now(), revoke_reason=reason[:200])
    if count:
        record_change(actor=acting_user, action="api_token_revoke", obj=user, after={"tokens": count, "reason": reason},
                      note=f"吊销用户 {user.get_username()} 的全部接口令牌 {count} 个：{reason}")
    return count


@audited_transaction()
def login_attempt_record(*, username: str, success: bool, address: str | None, user=None, reason: str = "") -> None:
    """Every login, successful or not, for the lockout and for the audit log. A success is recorded
    only once the login is complete (after the second factor, if any): a right password followed by
    wrong codes must not reset the failure count."""
    from .models import LoginAttempt

    # Kept under the name's normal form, so "ＣＯＵＮＴＹ" and "County" count against "county".
    attempt = LoginAttempt.objects.create(username=lockout_key(username), success=success, address=address or None)
    note = f"用户名 {username[:150]}" + (f"，{reason}" if reason else "")
    record_change(actor=user if success else None, action="login" if success else "login_failed", obj=attempt,
                  note=note)


def login_refused_while_locked(*, username: str, until) -> None:
    """A login tried while its address is locked out: audited, not counted (the delay does not
    grow while it runs)."""
    from .models import LoginAttempt

    unsaved = LoginAttempt(pk=0, username=lockout_key(username), success=False, at=timezone.now())  # not stored
    record_change(actor=None, action="login_locked", obj=unsaved,
                  note=f"用户名 {username[:150]}：登录失败次数过多，拒绝登录至 {timezone.localtime(until):%H:%M:%S}")


@audited_transaction()
def login_unlock(*, username: str, reason: str) -> int:
    """The administrators' recovery path (``dangjian unlock``, on the server): the failures so far
    stop counting, from every address. Returns how many recent failures were cleared."""
    from .models import LoginAttempt
    from .rules import LOCK_MINUTES

    since = timezone.now() - dt.timedelta(minutes=LOCK_MINUTES)
    key = lockout_key(username)
    cleared = LoginAttempt.objects.filter(username=key, success=False, at__gte=since).count()
    attempt = LoginAttempt.objects.create(username=key, success=True, unlock=True)
    record_change(actor=SYSTEM, action="login_unlock", obj=attempt,
                  note=f"服务器命令行解除用户 {username[:150]} 的登录锁定（清除近期失败 {cleared} 次）：{reason}"[:500])
    return cleared


def logout_record(*, user) -> None:
    record_change(actor=user, action="logout", obj=user)
