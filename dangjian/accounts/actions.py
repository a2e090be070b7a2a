from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from dangjian.core.errors import ActionDenied
from dangjian.core.history import record_change
from dangjian.core.scoping import CHANGE, forget_scope, path_in_scope

from .models import ApiToken, Position


@transaction.atomic
def position_grant(*, acting_user, user, org, role: str) -> Position:
    """Give ``user`` a position; the acting user must be able to change ``org``'s subtree."""
    if acting_user is not None and not path_in_scope(acting_user, CHANGE, org.path):
        raise ActionDenied("无权在该党组织设置岗位")
    position, _ = Position.objects.get_or_create(user=user, org=org, role=role)
    record_change(actor=acting_user, action="position_grant", obj=position, after={"role": role, "org": org.code})
    forget_scope(user)
    return position


@transaction.atomic
def user_create(*, acting_user, username: str, password: str, full_name: str = ""):
    user = get_user_model().objects.create_user(username=username, password=password, first_name=full_name)
    record_change(actor=acting_user, action="user_create", obj=user, after={"username": username})
    return user


def api_token_issue(*, acting_user, user, name: str) -> str:
    """A new token for ``user``; returned once, stored only as a digest."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(token))
    return token


@transaction.atomic
def login_attempt_record(*, username: str, success: bool, address: str | None, user=None) -> None:
    """Every login, successful or not, for the lockout and for the audit log."""
    from .models import LoginAttempt

    attempt = LoginAttempt.objects.create(username=username[:150], success=success, address=address or None)
    record_change(actor=user if success else None, action="login" if success else "login_failed", obj=attempt,
                  note=f"用户名 {username[:150]}")


def logout_record(*, user) -> None:
    record_change(actor=user, action="logout", obj=user)
