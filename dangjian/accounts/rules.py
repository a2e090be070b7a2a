"""Login lockout as a pure rule over the recent attempts of one username."""

from __future__ import annotations

import datetime as dt

MAX_FAILURES = 5
LOCK_MINUTES = 30


def locked_until(failures_since_success: list[dt.datetime], *, now: dt.datetime,
                 max_failures: int = MAX_FAILURES, lock_minutes: int = LOCK_MINUTES) -> dt.datetime | None:
    """When the account unlocks, if ``max_failures`` failed logins (none followed by a success)
    fall within the lock window; otherwise None."""
    window = dt.timedelta(minutes=lock_minutes)
    recent = sorted(t for t in failures_since_success if now - t < window)
    if len(recent) < max_failures:
        return None
    return recent[-max_failures] + window


# -- passwords --------------------------------------------------------------------------------------

FIRST_LOGIN = "first"
EXPIRED = "expired"
CHANGE_REASONS = {FIRST_LOGIN: "首次登录，请先修改密码。", EXPIRED: "密码已超过有效期，请修改密码。"}


def password_expired(changed_at: dt.datetime, *, now: dt.datetime, max_age_days: int) -> bool:
    """True when the password set at ``changed_at`` is ``max_age_days`` old or older (0: never)."""
    return max_age_days > 0 and now - changed_at >= dt.timedelta(days=max_age_days)


def password_change_reason(*, must_change: bool, changed_at: dt.datetime, now: dt.datetime,
                           max_age_days: int) -> str | None:
    """Why the user must change the password before doing anything else (FIRST_LOGIN, EXPIRED), or None."""
    if must_change:
        return FIRST_LOGIN
    if password_expired(changed_at, now=now, max_age_days=max_age_days):
        return EXPIRED
    return None


# -- second factor ----------------------------------------------------------------------------------

CODE_STEP = "code"
ENROL_STEP = "enrol"
DONE = "done"


def totp_required(*, duty: str | None, roles: set[str] | list[str], required_roles: set[str] | list[str]) -> bool:
    """The 三员 always need a second factor; holders of the configured roles too."""
    return bool(duty) or bool(set(roles) & set(required_roles))


def login_next_step(*, has_device: bool, required: bool) -> str:
    """After the password: ask for a code (a confirmed device exists), send to enrol (required but
    no device yet), or log in."""
    if has_device:
        return CODE_STEP
    return ENROL_STEP if required else DONE
