"""The 三员 administrators' writes. Each checks the acting user's duty first (rules.may) and then
the separation rules, and records the change in the audit log in the same transaction."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangjian.accounts import actions as account_actions
from dangjian.accounts.models import AdminDuty, Position
from dangjian.accounts.queries import duty_of
from dangjian.core.actors import SYSTEM, check_actor
from dangjian.core.errors import ActionDenied
from dangjian.core.history import record_change
from dangjian.core.scoping import forget_scope

from . import rules

TEMPORARY_PASSWORD_LENGTH = 14


def require_duty(user, capability: str) -> str:
    """The duty guard of the 三员 writes (they act on accounts, not on the organisation tree, so
    ``scoping.require`` does not apply): the acting user's duty, if it grants ``capability``;
    otherwise ActionDenied. ``None`` raises TypeError like every action."""
    check_actor(user)
    duty = duty_of(user)
    if not (user is not None and user.is_active and rules.may(duty, capability)):
        raise ActionDenied("您的管理职责不包括此项操作")
    return duty


def temporary_password() -> str:
    """Random, meeting the password policy (all four character classes), shown once."""
    alphabet = string.ascii_letters + string.digits + "-_!@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(TEMPORARY_PASSWORD_LENGTH))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate) and any(not c.isalnum() for c in candidate)):
            return candidate


# -- system administrator -------------------------------------------------------------------------

@transaction.atomic
def account_create(*, acting_user, username: str, full_name: str = ""):
    """A new account with a random temporary password (returned once); the user must change it at
    the first login (accounts.actions.user_create)."""
    require_duty(acting_user, rules.ACCOUNTS)
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已存在"})
    password = temporary_password()
    user = account_actions.user_create(acting_user=acting_user, username=username, password=password,
                                       full_name=full_name)
    return user, password


@transaction.atomic
def account_set_active(*, acting_user, user, active: bool) -> None:
    """Disable or enable an account. Disabling ends its sessions (the accounts app's signal)."""
    require_duty(acting_user, rules.ACCOUNTS)
    _refuse(rules.account_change_refusal(actor_id=acting_user.pk, target_id=user.pk, target_duty=duty_of(user)))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_change(actor=acting_user, action="user_enable" if active else "user_disable", obj=user,
                  before={"is_active": not active}, after={"is_active": active})


@transaction.atomic
def account_password_reset(*, acting_user, user) -> str:
    """A new random temporary password, returned once; the user must change it at the next login
    and their sessions end (accounts.actions.password_reset)."""
    require_duty(acting_user, rules.ACCOUNTS)
    _refuse(rules.account_change_refusal(actor_id=acting_user.pk, target_id=user.pk, target_duty=duty_of(user)))
    password = temporary_password()
    account_actions.password_reset(acting_user=acting_user, user=user, password=password)
    return password


# -- security administrator -----------------------------------------------------------------------

@transaction.atomic
def position_grant(*, acting_user, user, org, role: str) -> Position:
    """Give ``user`` a position. Not to oneself, not to a duty holder (三员 read no member data)."""
    require_duty(acting_user, rules.POSITIONS)
    _lock_user(user)
    _refuse(rules.position_grant_refusal(actor_id=acting_user.pk, target_id=user.pk, target_duty=_duty_now(user)))
    position, created = Position.objects.get_or_create(user=user, org=org, role=role)
    if created:
        record_change(actor=acting_user, action="position_grant", obj=position,
                      after={"user": user.get_username(), "org": org.code, "role": role})
    forget_scope(user)
    return position


@transaction.atomic
def position_revoke(*, acting_user, position: Position) -> None:
    require_duty(acting_user, rules.POSITIONS)
    _refuse(rules.position_revoke_refusal(actor_id=acting_user.pk, target_id=position.user_id))
    record_change(actor=acting_user, action="position_revoke", obj=position,
                  before={"user": position.user.get_username(), "org": position.org.code, "role": position.role})
    position.delete()
    forget_scope(position.user)


@transaction.atomic
def duty_grant(*, acting_user, user, duty: str) -> AdminDuty:
    """Make ``user`` a 三员 administrator: someone else, holding no duty and no position."""
    require_duty(acting_user, rules.DUTIES)
    _lock_user(user)
    _refuse(rules.duty_grant_refusal(
        actor_id=acting_user.pk, target_id=user.pk, target_duty=_duty_now(user),
        target_positions=Position.objects.filter(user=user).count(), target_is_superuser=user.is_superuser,
    ))
    try:
        with transaction.atomic():
            granted = AdminDuty.objects.create(user=user, duty=duty)
    except IntegrityError as exc:  # someone granted a duty at the same moment: one per user
        raise ActionDenied("该用户已担任一种管理职责") from exc
    record_change(actor=acting_user, action="duty_grant", obj=granted,
                  after={"user": user.get_username(), "duty": duty})
    user.__dict__.pop("_dangjian_duty", None)
    return granted


@transaction.atomic
def duty_grant_by_operator(*, username: str, duty: str, create: bool = False):
    """The first administrators, from the server's shell (``dangjian grant-duty``): the same rules
    as the page except that the actor is the system. Returns (user, temporary password or None)."""
    password = None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        if not create:
            raise ActionDenied(f"用户 {username} 不存在；加 --create 新建账号")
        password = temporary_password()
        user = account_actions.user_create(acting_user=SYSTEM, username=username, password=password)
    _lock_user(user)
    _refuse(rules.duty_grant_refusal(
        actor_id=0, target_id=user.pk, target_duty=_duty_now(user),
        target_positions=Position.objects.filter(user=user).count(), target_is_superuser=user.is_superuser,
    ))
    granted = AdminDuty.objects.create(user=user, duty=duty)
    record_change(actor=SYSTEM, action="duty_grant", obj=granted, after={"user": user.get_username(), "duty": duty},
                  note="服务器命令行授予")
    return user, password


@transaction.atomic
def duty_revoke(*, acting_user, duty: AdminDuty) -> None:
    require_duty(acting_user, rules.DUTIES)
    _refuse(rules.duty_revoke_refusal(actor_id=acting_user.pk, target_id=duty.user_id))
    record_change(actor=acting_user, action="duty_revoke", obj=duty,
                  before={"user": duty.user.get_username(), "duty": duty.duty})
    duty.delete()


def _refuse(reason: str | None) -> None:
    if reason:
        raise ActionDenied(reason)


def _duty_now(user) -> str | None:
    return AdminDuty.objects.filter(user=user).values_list("duty", flat=True).first()


def _lock_user(user) -> None:
    """Serialise grants to one user (a position and a duty granted at once by two administrators
    would each see the other missing)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
