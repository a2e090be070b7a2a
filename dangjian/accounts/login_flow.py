"""The login in steps: the password, then (when the user has a TOTP device, or needs one) the
code. Between the steps nobody is logged in: the session holds only who is half-way, for a few
minutes. ``finish_login`` is the one place a login completes."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.utils import timezone

from .actions import login_attempt_record
from .middleware import PASSWORD_CHANGE, mark_login_time
from .queries import lockout_of, password_change_due
from .sessions import session_mark_second_factor

PENDING = "dangjian_pending_login"
PENDING_SECONDS = 5 * 60


def address_of(request) -> str | None:
    from dangjian.core.context import client_address

    return client_address(request)


def pending_start(request, user, *, next_url: str) -> None:
    request.session.cycle_key()  # nothing chosen by someone else carries the half-done login
    request.session[PENDING] = {"user": user.pk, "backend": getattr(user, "backend", ""),
                                "next": next_url, "at": int(time.time())}


def pending_login(request):
    """(user, data) of the half-done login in this session, or (None, None) when there is none,
    it is too old, or the account has since been disabled."""
    data = request.session.get(PENDING)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    return (user, data) if user is not None else (None, None)


def pending_clear(request) -> None:
    request.session.pop(PENDING, None)


def is_locked(user, request) -> bool:
    """True while failed logins from the request's address keep ``user`` shut."""
    return lockout_of(user.get_username(), address=address_of(request), now=timezone.now()) is not None


def code_failed(request, user, reason: str) -> bool:
    """Record a wrong code as a failed login; True when the account is now locked."""
    login_attempt_record(username=user.get_username(), success=False, address=address_of(request), reason=reason)
    locked = is_locked(user, request)
    if locked:
        pending_clear(request)
    return locked


def finish_login(request, user, *, backend: str | None = None, second_factor: bool = False) -> str | None:
    """Log the user in (new session id), record the success, and note a password change that is
    due; returns the reason for that change (rules.FIRST_LOGIN / rules.EXPIRED), or None."""
    pending_clear(request)
    auth_login(request, user, backend=backend or None)
    mark_login_time(request)
    login_attempt_record(username=user.get_username(), success=True, address=address_of(request), user=user)
    if second_factor:
        session_mark_second_factor(request.session.session_key)
    reason = password_change_due(user)
    if reason:
        request.session[PASSWORD_CHANGE] = reason
    return reason
