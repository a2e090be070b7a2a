"""Pure rules of 学习教育: 学时 and their yearly target. No database.

Study time is counted only from sessions the organiser recorded, in 学时 the session was set to
carry; nothing here measures time spent on a page, asks for check-ins, or orders members by their
hours (the 2026 national rules on government apps forbid using these as assessment criteria). The
hours table lists members in the order of the organisation tree, with "达到/未达到" against the
target, never a ranking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from dangjian.core.tree import ancestors_and_self

from .choices import DEFAULT_HOURS_TARGET, MAX_SESSION_HOURS


def hours_error(value) -> str | None:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "学时应为数字，如 2 或 1.5"
    if hours <= 0 or hours > MAX_SESSION_HOURS:
        return f"学时应大于 0、不超过 {MAX_SESSION_HOURS}"
    if hours * 2 != int(hours * 2):
        return "学时以 0.5 为单位"
    return None


def hours_of_meeting(starts: dt.datetime, ends: dt.datetime) -> Decimal:
    """A meeting's 学时: its length in hours, to the half hour (at least half an hour)."""
    halves = max(1, round((ends - starts).total_seconds() / 1800))
    return min(Decimal(halves) / 2, MAX_SESSION_HOURS)


def target_for(path: str, targets: Mapping[str, Decimal], default: Decimal = DEFAULT_HOURS_TARGET) -> Decimal:
    """The target set by the nearest organisation at or above ``path``, else ``default``."""
    for prefix in reversed(ancestors_and_self(path)):
        if prefix in targets:
            return targets[prefix]
    return default


def totals(rows: Iterable[tuple[int, Decimal | None]]) -> dict[int, Decimal]:
    """学时 per member from (member id, hours) rows: sessions recorded directly and those taken
    from linked meetings add up."""
    out: dict[int, Decimal] = {}
    for member_id, hours in rows:
        out[member_id] = out.get(member_id, Decimal(0)) + (hours or Decimal(0))
    return out


def meets(total: Decimal, target: Decimal) -> bool:
    return total >= target
