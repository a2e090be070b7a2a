from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .choices import roles_granting
from .models import ApiToken, Position

LAST_USED_GRANULARITY = dt.timedelta(minutes=5)


def positions_granting(user, action: str):
    return Position.objects.filter(user=user, role__in=roles_granting(action)).select_related("org")


def positions_of(user):
    return Position.objects.filter(user=user).select_related("org").order_by("org__path")


def user_for_token(token: str):
    """The active user owning ``token``, or None."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(token), user__is_active=True)
        .first()
    )
    if row is None or (row.expires_at and row.expires_at < timezone.now()):
        return None
    now = timezone.now()
    # One write per token every few minutes at most, not one per API request.
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def lockout_of(username: str, *, now):
    """When ``username`` unlocks, or None when it may try to log in."""
    from .models import LoginAttempt
    from .rules import LOCK_MINUTES, locked_until

    recent = LoginAttempt.objects.filter(username=username, at__gte=now - dt.timedelta(minutes=LOCK_MINUTES))
    last_success = recent.filter(success=True).order_by("-at").values_list("at", flat=True).first()
    failures = recent.filter(success=False)
    if last_success:
        failures = failures.filter(at__gt=last_success)
    return locked_until(list(failures.values_list("at", flat=True)), now=now)


def duty_of(user) -> str | None:
    """The user's 三员 duty (a Duty value), or None. Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_dangjian_duty"):
        from .models import AdminDuty

        user._dangjian_duty = AdminDuty.objects.filter(user=user).values_list("duty", flat=True).first()
    return user._dangjian_duty
