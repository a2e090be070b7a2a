"""A member's login: created or linked by staff who may change the member, so the member can see
their own record (我的信息). Keyword-only, atomic, taking ``acting_user``; each writes its audit record."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.accounts.actions import user_create
from dangjian.accounts.models import AdminDuty
from dangjian.core.history import record_change
from dangjian.core.scoping import CHANGE, require

from ..models import Member

PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "Il1O0o")


def temporary_password(length: int = 12) -> str:
    """A one-time password that meets the password policy; shown once, changed at first login."""
    while True:
        body = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        password = f"{body[:4]}-{body[4:8]}-{body[8:]}"
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


def _locked_member(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("org").get(pk=member.pk)


def _require_unlinked(member: Member) -> None:
    if member.user_id:
        raise ValidationError({"username": "该党员已关联登录账号，请先解除关联"})


@transaction.atomic
def member_account_create(*, acting_user, member: Member, username: str):
    """A new login for ``member`` with a temporary password; returns (user, password)."""
    locked = _locked_member(member)
    require(acting_user, CHANGE, locked.org, message="无权为该党员开设账号")
    _require_unlinked(locked)
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ValidationError({"username": "用户名只能包含字母、数字和 @ . + - _"}) from None
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    password = temporary_password()
    user = user_create(acting_user=acting_user, username=username, password=password, full_name=locked.name)
    _link(acting_user, locked, user, created=True)
    return user, password


@transaction.atomic
def member_account_link(*, acting_user, member: Member, username: str):
    """Link an existing login to ``member``. A 三员 administrator never holds member data."""
    locked = _locked_member(member)
    require(acting_user, CHANGE, locked.org, message="无权为该党员关联账号")
    _require_unlinked(locked)
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError({"username": "没有这个用户名的账号"})
    if user.is_superuser or AdminDuty.objects.filter(user=user).exists():
        raise ValidationError({"username": "系统、安全、审计管理员账号不能关联党员信息"})
    if Member.objects.filter(user=user).exists():
        raise ValidationError({"username": "该账号已关联其他党员"})
    _link(acting_user, locked, user, created=False)
    return user


def _link(acting_user, member: Member, user, *, created: bool) -> None:
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    record_change(actor=acting_user, action="member_account_link", obj=member,
                  after={"username": user.get_username(), "created": created})


@transaction.atomic
def member_account_unlink(*, acting_user, member: Member) -> None:
    """Remove the link; the login itself stays (it may hold positions) and can be disabled apart."""
    locked = _locked_member(member)
    require(acting_user, CHANGE, locked.org, message="无权解除该党员的账号关联")
    if locked.user_id is None:
        return
    before = {"username": locked.user.get_username()}
    locked.user = None
    locked.save(update_fields=["user", "updated_at"])
    record_change(actor=acting_user, action="member_account_unlink", obj=locked, before=before)
