"""Login lockout as a pure rule over the recent failed attempts of one username from one address.

Keyed by account *and* source address (issue 12 item 7): someone guessing from one address delays
only that address, so anonymous requests cannot lock an administrator out of their own desk. The
delay grows with each failure past the fourth — 1, 2, 4, 8, 16 minutes, then 30 — instead of one
fixed 30-minute lock, which slows guessing as much and punishes a mistyped password less."""

from __future__ import annotations

import datetime as dt

MAX_FAILURES = 5
LOCK_MINUTES = 30  # the longest delay, and the window in which failures are counted
FIRST_DELAY_SECONDS = 60


def lock_delay(failures: int, *, max_failures: int = MAX_FAILURES, lock_minutes: int = LOCK_MINUTES) -> dt.timedelta:
    """How long the last of ``failures`` recent failures keeps the door shut (zero below the threshold)."""
    if failures < max_failures:
        return dt.timedelta(0)
    seconds = FIRST_DELAY_SECONDS * 2 ** min(failures - max_failures, 16)
    return min(dt.timedelta(seconds=seconds), dt.timedelta(minutes=lock_minutes))


def locked_until(failures_since_success: list[dt.datetime], *, now: dt.datetime,
                 max_failures: int = MAX_FAILURES, lock_minutes: int = LOCK_MINUTES) -> dt.datetime | None:
    """When the account opens again for this address, if at least ``max_failures`` failed logins
    (none followed by a success or an unlock) fall within the window and the delay after the last
    one has not passed; otherwise None."""
    window = dt.timedelta(minutes=lock_minutes)
    recent = sorted(t for t in failures_since_success if now - t < window)
    if not recent:
        return None
    until = recent[-1] + lock_delay(len(recent), max_failures=max_failures, lock_minutes=lock_minutes)
    return until if until > now else None


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
