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
